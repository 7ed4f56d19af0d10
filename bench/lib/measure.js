// Small helpers shared by the suites: medians, child processes that print one JSON object.
import { spawn, spawnSync } from 'node:child_process';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function mean(values) {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Runs a command that prints one JSON object on its last line; returns it. */
export function runJson(command, args, options = {}) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    ...options,
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
  }
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** Wall time of one run of a command, in seconds; throws if it fails. */
export function wallSeconds(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
  }
  return seconds;
}

/**
 * Starts a command without blocking the event loop (the devserver runs in this process);
 * resolves with its exit code, stdout and stderr, and its start time (hrtime, ns).
 */
export function spawnAsync(command, args, options = {}) {
  const startedAt = process.hrtime.bigint();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout, stderr, startedAt, endedAt: process.hrtime.bigint() }),
    );
  });
  return { startedAt, done };
}

/** Seconds between two hrtime values (ns bigints). */
export function secondsBetween(from, to) {
  return Number(to - from) / 1e9;
}

/** The 1-minute load average and CPU count, to judge how noisy a run was. */
export function machineLoad() {
  const uptime = spawnSync('uptime', [], { encoding: 'utf8' }).stdout.trim();
  const match = /load averages?:\s*([\d.]+)/.exec(uptime);
  return { load1: match ? Number(match[1]) : NaN, uptime };
}

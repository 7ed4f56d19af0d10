// A Ray head started in a session of its own (setsid) can be stopped exactly: every process it
// spawned — GCS, raylet, dashboard, workers, replicas — stays in that session. `ray stop` would
// kill every Ray process on the machine, including other people's heads.
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The pids of the live processes in session `sid` (Linux /proc).
 * @param {number} sid
 * @returns {number[]}
 */
export function sessionPids(sid) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the command name, which is in parentheses and may contain anything.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // state ppid pgrp session …; a zombie (Z) is dead already, only not yet reaped.
    if (Number(fields[3]) === sid && fields[0] !== 'Z') pids.push(Number(entry));
  }
  return pids;
}

/**
 * The command line of a process, or '' when it is gone.
 * @param {number} pid
 */
export function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function signalAll(pids, signal) {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops every process of session `sid`: SIGTERM, then SIGKILL for what is left after
 * `graceMs`, then waits until the session is empty.
 * @param {number} sid
 * @param {{ graceMs?: number, timeoutMs?: number }} [options]
 * @returns {Promise<number>} how many processes had to be killed
 */
export async function stopSession(sid, { graceMs = 3_000, timeoutMs = 20_000 } = {}) {
  signalAll(sessionPids(sid), 'SIGTERM');
  const graceEnd = Date.now() + graceMs;
  while (Date.now() < graceEnd && sessionPids(sid).length > 0) await sleep(100);
  const left = sessionPids(sid);
  signalAll(left, 'SIGKILL');
  const end = Date.now() + timeoutMs;
  while (sessionPids(sid).length > 0) {
    if (Date.now() > end) {
      throw new Error(
        `processes ${sessionPids(sid).join(', ')} of session ${sid} survived SIGKILL`,
      );
    }
    await sleep(100);
  }
  return left.length;
}

/**
 * Whether process `pid` runs (a zombie, dead but not yet reaped by its parent, does not).
 * @param {number} pid
 */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

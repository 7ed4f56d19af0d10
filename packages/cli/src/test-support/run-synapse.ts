import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { shellQuote } from '../shell-quote.js';

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The built `synapse` bin (tests run after `tsc -b`). */
export const SYNAPSE_BIN = join(REPO_ROOT, 'packages/cli/dist/bin/synapse.js');

/** What a finished `synapse` process left. */
export interface SynapseRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runSynapse}. */
export interface RunSynapseOptions {
  /** Variables added to a clean environment (no inherited RAY_* / SYNAPSE_*). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill the child after this many ms. @default 30000 */
  timeoutMs?: number;
}

/**
 * The environment of a child: the parent's minus SDK variables, NODE_OPTIONS, FORCE_COLOR and
 * COLUMNS, with NO_COLOR, plus `extra`.
 */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(RAY_|SYNAPSE_)/.test(key) || ['NODE_OPTIONS', 'FORCE_COLOR', 'COLUMNS'].includes(key)) {
      continue;
    }
    env[key] = value;
  }
  env['NO_COLOR'] = '1';
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Starts the built `synapse` with `args` (pipes, not a terminal). */
export function spawnSynapse(
  args: readonly string[],
  options: RunSynapseOptions = {},
): ChildProcess {
  return spawn(process.execPath, [SYNAPSE_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a child's output until it exits. */
export function waitForExit(child: ChildProcess, timeoutMs = 30_000): Promise<SynapseRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `synapse did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** Runs the built `synapse` with `args` to completion. */
export function runSynapse(
  args: readonly string[],
  options: RunSynapseOptions = {},
): Promise<SynapseRun> {
  return waitForExit(spawnSynapse(args, options), options.timeoutMs);
}

/** Resolves once `read()` matches `pattern`, polling the child's output as it arrives. */
export function waitForOutput(
  child: ChildProcess,
  stream: 'stdout' | 'stderr',
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<string> {
  let text = '';
  const source = child[stream];
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      source?.off('data', onData);
      reject(new Error(`no ${String(pattern)} on ${stream} within ${timeoutMs} ms; got:\n${text}`));
    }, timeoutMs);
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        source?.off('data', onData);
        resolvePromise(text);
      }
    };
    source?.on('data', onData);
  });
}

/**
 * Runs the built `synapse` in a pseudo-terminal (util-linux `script`, in every Debian), types
 * `keys` once `prompt` shows, and returns what the terminal showed, without carriage returns
 * and cursor codes. For prompts, which only a terminal gets.
 */
export async function runSynapseInTerminal(
  args: readonly string[],
  keys: string,
  prompt: RegExp,
  options: RunSynapseOptions = {},
): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, SYNAPSE_BIN, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: options.cwd ?? REPO_ROOT,
    env: childEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exit = waitForExit(child, options.timeoutMs);
  await waitForOutput(child, 'stdout', prompt);
  child.stdin?.write(keys);
  const { code, stdout } = await exit;
  // eslint-disable-next-line no-control-regex
  return { code, screen: stdout.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '') };
}

import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The built `synapse` command, as a user runs it. */
export const SYNAPSE_BIN = join(REPO_ROOT, 'packages/cli/dist/bin/synapse.js');

/** What a finished `synapse` process left. */
export interface CliRun {
  args: readonly string[];
  /** The exit code; null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the harness killed it for running too long. */
  hung: boolean;
}

/** Options of {@link startCli}. */
export interface StartCliOptions {
  /** The whole environment of the child (see {@link cleanEnv}). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Killed (and reported as hung) after this long. @default 150000 */
  hangAfterMs?: number;
  /** Run as this user (root can read every file; an unreadable file needs another user). */
  uid?: number;
  gid?: number;
}

/** A running `synapse`: its output so far, signals, and its end. */
export interface RunningCli {
  child: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Sends a signal (SIGINT is Ctrl-C). */
  signal(name: NodeJS.Signals): void;
  /** Resolves when it has exited. */
  exited: Promise<CliRun>;
}

/** The parent's environment without SDK variables, NODE_OPTIONS and colours, plus `extra`. */
export function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(RAY_|SYNAPSE_|DEVSERVER_)/.test(key)) continue;
    if (['NODE_OPTIONS', 'FORCE_COLOR', 'COLUMNS', 'JEST_WORKER_ID'].includes(key)) continue;
    env[key] = value;
  }
  env['NO_COLOR'] = '1';
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Starts the built `synapse` with `args`, stdout and stderr piped (not a terminal). */
export function startCli(args: readonly string[], options: StartCliOptions): RunningCli {
  const child = spawn(process.execPath, [SYNAPSE_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let hung = false;
  const guard = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, options.hangAfterMs ?? 150_000);
  const exited = new Promise<CliRun>((resolvePromise, reject) => {
    child.on('error', (error) => {
      clearTimeout(guard);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolvePromise({ args, code, signal, stdout, stderr, hung });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    signal: (name) => {
      child.kill(name);
    },
    exited,
  };
}

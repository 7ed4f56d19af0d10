import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';

/** What a finished child process left. */
export interface NodeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link spawnNode}. */
export interface SpawnNodeOptions {
  /** The child's whole environment. @default only PATH */
  env?: NodeJS.ProcessEnv | undefined;
  cwd?: string | undefined;
}

/** Starts `node script args…` with pipes (not a terminal). */
export function spawnNode(
  script: string,
  args: readonly string[],
  options: SpawnNodeOptions = {},
): ChildProcess {
  return spawn(process.execPath, [script, ...args], {
    cwd: options.cwd,
    env: options.env ?? { PATH: process.env['PATH'] ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a child's output until it exits; kills it after `timeoutMs`. */
export function waitForExit(child: ChildProcess, timeoutMs = 30_000): Promise<NodeRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `the child did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs `node script args…` to completion. */
export function runNode(
  script: string,
  args: readonly string[],
  options: SpawnNodeOptions & { timeoutMs?: number } = {},
): Promise<NodeRun> {
  return waitForExit(spawnNode(script, args, options), options.timeoutMs);
}

/** Resolves with what `stream` printed once it matches `pattern`. */
export function waitForOutput(
  child: ChildProcess,
  stream: 'stdout' | 'stderr',
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<string> {
  let text = '';
  const source = child[stream];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      source?.off('data', onData);
      reject(new Error(`no ${String(pattern)} on ${stream} within ${timeoutMs} ms; got:\n${text}`));
    }, timeoutMs);
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        source?.off('data', onData);
        resolve(text);
      }
    };
    source?.on('data', onData);
  });
}

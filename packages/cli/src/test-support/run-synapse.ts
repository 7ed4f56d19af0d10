import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { NodeRun } from '@synapse-sdk/test-kit';
import { spawnNode, waitForExit, waitForOutput } from '@synapse-sdk/test-kit';

import { shellQuote } from '../shell-quote.js';

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The built `synapse` bin (tests run after `tsc -b`). */
export const SYNAPSE_BIN = join(REPO_ROOT, 'packages/cli/dist/bin/synapse.js');

/**
 * The state directory of the runs tests start, unless a test gives its own: one for every test
 * process, removed when it exits. Shared by two processes (two jest workers, or two checkouts'
 * suites at once), a run id such as `job-42` would be held by the other's run and refused.
 */
export const TEST_STATE_DIR = mkdtempSync(join(tmpdir(), 'synapse-test-state-'));
process.on('exit', () => rmSync(TEST_STATE_DIR, { recursive: true, force: true }));

/** What a finished `synapse` process left. */
export type SynapseRun = NodeRun;

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
  // Runs journal themselves: keep this test process's journals out of the user's state dir.
  env['SYNAPSE_STATE_DIR'] = TEST_STATE_DIR;
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
  return spawnNode(SYNAPSE_BIN, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: childEnv(options.env),
  });
}

/** Runs the built `synapse` with `args` to completion. */
export function runSynapse(
  args: readonly string[],
  options: RunSynapseOptions = {},
): Promise<SynapseRun> {
  return waitForExit(spawnSynapse(args, options), options.timeoutMs);
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

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JournalEntryInput } from '@synapse-sdk/core';
import { FileJournalStore } from '@synapse-sdk/core';

import { REPO_ROOT, runSynapse } from './test-support/run-synapse.js';

const CORE = pathToFileURL(join(REPO_ROOT, 'packages/core/dist/index.js')).href;

const steps = [
  { name: 'initialize', resumable: true },
  { name: 'deploy', resumable: true },
  { name: 'register', resumable: false },
];
const meta = {
  command: 'plugin run',
  action: 'deployment',
  plugin: { dir: '/plugins/fixture', code: 'fixture', version: '1.0.0' },
  params: { num_cpus: 1 },
  rayAddress: 'http://127.0.0.1:9/',
  sdk: '0.1.0',
};
const ok = (rollbackData: Record<string, unknown> = {}) => ({
  success: true,
  data: {},
  rollbackData,
  skipped: false,
  timestamp: '2026-01-01T00:00:00.000Z',
});

/**
 * Writes `entries` to run `runId` from a child process, then SIGKILLs it while it holds the
 * run: what a deploy killed at that point leaves.
 */
async function writeAndKill(dir: string, runId: string, entries: JournalEntryInput[]) {
  const script = `
    import { FileJournalStore } from ${JSON.stringify(CORE)};
    const journal = await new FileJournalStore(process.argv[1]).openRun(process.argv[2]);
    for (const entry of JSON.parse(process.argv[3])) {
      await journal.append(entry.type === 'session' ? { ...entry, pid: process.pid } : entry);
    }
    process.stdout.write('written\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', script, dir, runId, JSON.stringify(entries)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const closed = new Promise((resolve) => child.on('close', resolve));
  child.kill('SIGKILL');
  await closed;
}

describe('synapse runs list | show', () => {
  let dir: string;
  const env = () => ({ SYNAPSE_STATE_DIR: dir });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synapse-runs-'));
    await writeAndKill(dir, 'killed-mid-deploy', [
      {
        type: 'session',
        mode: 'run',
        host: (await import('node:os')).hostname(),
        pid: 0,
        meta,
        steps,
      },
      { type: 'step:start', step: 'initialize', index: 0, attempt: 1 },
      {
        type: 'step:end',
        step: 'initialize',
        index: 0,
        result: ok(),
        attempts: 1,
        durationMs: 120,
      },
      { type: 'step:start', step: 'deploy', index: 1, attempt: 1 },
      {
        type: 'step:write-ahead',
        step: 'deploy',
        kind: 'ray-serve/put',
        rollbackData: { previousConfig: null },
      },
    ]);
    const done = await new FileJournalStore(dir).openRun('finished-ok');
    await done.append({ type: 'session', mode: 'run', host: 'other-host', pid: 1, meta, steps });
    await done.append({ type: 'step:start', step: 'initialize', index: 0, attempt: 1 });
    await done.append({
      type: 'step:end',
      step: 'initialize',
      index: 0,
      result: ok(),
      attempts: 1,
      durationMs: 5,
    });
    await done.append({ type: 'step:skip', step: 'deploy', index: 1 });
    await done.append({ type: 'step:skip', step: 'register', index: 2 });
    await done.append({ type: 'end', outcome: 'succeeded' });
    await done.close();
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the runs newest first, marking the one that may have left the cluster changed', async () => {
    const result = await runSynapse(['runs', 'list'], { env: env() });
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual([
      'RUN',
      'STARTED',
      'ACTION',
      'PLUGIN',
      'CLUSTER',
      'STEPS',
      'STATUS',
    ]);
    expect(rows.map((row) => row.split(/\s{2,}/))).toEqual([
      [
        'finished-ok',
        expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
        'deployment',
        'fixture@1.0.0',
        'http://127.0.0.1:9/',
        '3/3',
        'succeeded',
      ],
      [
        'killed-mid-deploy',
        expect.any(String),
        'deployment',
        'fixture@1.0.0',
        'http://127.0.0.1:9/',
        '1/3',
        expect.stringMatching(/^! interrupted \(pid \d+ on .+ is gone\)$/),
      ],
      [expect.stringMatching(/^! may have left the cluster changed/)],
    ]);
  });

  it('lists them as JSON with -o json (and --json)', async () => {
    const [json, short] = await Promise.all([
      runSynapse(['runs', 'list', '-o', 'json'], { env: env() }),
      runSynapse(['runs', 'list', '--json'], { env: env() }),
    ]);
    expect(json.stdout).toBe(short.stdout);
    const { result } = JSON.parse(json.stdout) as { result: { location: string; runs: unknown[] } };
    expect(result.location).toBe(dir);
    expect(result.runs).toEqual([
      expect.objectContaining({ runId: 'finished-ok', status: 'succeeded', needsAttention: false }),
      expect.objectContaining({
        runId: 'killed-mid-deploy',
        status: 'interrupted',
        needsAttention: true,
        stepsDone: 1,
        stepsTotal: 3,
      }),
    ]);
  });

  it('shows what each step of a killed run did and what a resume would do', async () => {
    const result = await runSynapse(['runs', 'show', 'killed'], { env: env() });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^run killed-mid-deploy: ! interrupted \(pid \d+ on .+ is gone\)$/);
    expect(lines[1]).toBe(
      '  plugin run deployment of fixture@1.0.0 (/plugins/fixture) on http://127.0.0.1:9/',
    );
    expect(result.stdout).toMatch(/\n {2}✔ +initialize +succeeded in \d+ms\n/);
    expect(result.stdout).toMatch(
      /\n {2}… +deploy +interrupted \(attempt 1, began \d\d:\d\d:\d\d\); last wrote ahead ray-serve\/put at \d\d:\d\d:\d\d\n/,
    );
    expect(result.stdout).toMatch(/\n {2}· +register +not run\n/);
    expect(result.stdout).toContain(
      'resume (synapse runs resume killed-mid-deploy): reuses initialize from the journal, then runs deploy, register\n',
    );
  });

  it('gives the same in JSON', async () => {
    const result = await runSynapse(['runs', 'show', 'killed-mid-deploy', '-o', 'json'], {
      env: env(),
    });
    const { result: view } = JSON.parse(result.stdout) as { result: Record<string, unknown> };
    expect(view).toMatchObject({
      runId: 'killed-mid-deploy',
      status: 'interrupted',
      meta,
      steps: [
        { name: 'initialize', status: 'succeeded' },
        {
          name: 'deploy',
          status: 'started',
          resumable: true,
          rollbackData: { previousConfig: null },
          writeAheads: [{ kind: 'ray-serve/put' }],
        },
        { name: 'register', status: 'pending' },
      ],
      resume: { steps: [{ action: 'reuse' }, { action: 'run' }, { action: 'run' }] },
    });
  });

  it('exits 2 for a run it does not have, or an ambiguous prefix', async () => {
    const [missing, ambiguous, unique] = await Promise.all([
      runSynapse(['runs', 'show', 'nope'], { env: env() }),
      runSynapse(['runs', 'show', ''], { env: env() }),
      runSynapse(['runs', 'show', 'fi'], { env: env() }),
    ]);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      `error: no run 'nope' in ${dir}. List the runs with 'synapse runs list' (SYNAPSE_STATE_DIR selects the state directory)\n`,
    ]);
    expect([ambiguous.code, ambiguous.stderr]).toEqual([
      2,
      expect.stringMatching(/^error: no run '' in .*'' starts 2 run ids/),
    ]);
    expect([unique.code, unique.stdout.split('\n')[0]]).toEqual([0, 'run finished-ok: succeeded']);
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FileJournalStore } from '@synapse-sdk/core';
import { waitForExit, waitForOutput } from '@synapse-sdk/test-kit';

import type { FixturePlugin } from './test-support/fixture-plugin.js';
import { createFixturePlugin, FIXTURE_FILES } from './test-support/fixture-plugin.js';
import { runSynapse, spawnSynapse } from './test-support/run-synapse.js';

// One step that appends a line to a log: whether and when the run did its work.
const LOGGING_ACTION = `import { appendFileSync } from 'node:fs';
import { BaseAction, BaseStep, stepSuccess, type StepRegistry } from '@synapse-sdk/core';
import { z } from 'zod';

export const Params = z.object({ log: z.string() });

class Logged extends BaseStep {
  readonly name = 'work';
  readonly progressWeight = 1;
  constructor(private readonly log: string) { super(); }
  execute() {
    appendFileSync(this.log, 'worked\\n');
    return stepSuccess({});
  }
}

export class LoggingAction extends BaseAction<typeof Params> {
  static override paramsSchema = Params;
  override setupSteps(registry: StepRegistry): void {
    registry.register(new Logged(this.params.log));
  }
}
`;

describe('synapse plugin run of a run another process holds (the same job run twice at once)', () => {
  let plugin: FixturePlugin;
  let work: string;
  let state: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'synapse-wait-turn-'));
    state = join(work, 'state');
    plugin = await createFixturePlugin({
      'config.yaml': `${FIXTURE_FILES['config.yaml']}  logging:\n    entrypoint: actions/logging.ts:LoggingAction\n`,
      'actions/logging.ts': LOGGING_ACTION,
    });
  });

  afterAll(async () => {
    await plugin.remove();
    await rm(work, { recursive: true, force: true });
  });

  const args = (log: string, ...more: string[]) => [
    'plugin',
    'run',
    'logging',
    '--path',
    plugin.dir,
    '--params',
    JSON.stringify({ log }),
    ...more,
  ];
  const readLog = (log: string) => readFile(log, 'utf8').catch(() => '');

  it('waits, saying who holds the run, and runs once the holder lets go', async () => {
    const log = join(work, 'waited.log');
    const held = await new FileJournalStore(state).openRun('job-7');
    const child = spawnSynapse(args(log), {
      env: { SYNAPSE_STATE_DIR: state, SYNAPSE_RUN_ID: 'job-7' },
    });
    const exited = waitForExit(child, 60_000);
    const waiting = await waitForOutput(child, 'stderr', /Waiting for another run of job-7.*\n/);
    expect(waiting).toMatch(
      new RegExp(
        `Waiting for another run of job-7 to finish \\(pid ${process.pid} on .+ since \\d\\d:\\d\\d:\\d\\d UTC\\); --no-wait refuses instead`,
      ),
    );
    expect(await readLog(log)).toBe('');
    await held.close();
    const run = await exited;
    expect([run.code, await readLog(log)]).toEqual([0, 'worked\n']);
  });

  it('refuses at once with --no-wait, naming the holder, and does nothing', async () => {
    const log = join(work, 'refused.log');
    const held = await new FileJournalStore(state).openRun('job-8');
    try {
      const run = await runSynapse(args(log, '--no-wait'), {
        env: { SYNAPSE_STATE_DIR: state, SYNAPSE_RUN_ID: 'job-8' },
      });
      expect([run.code, run.stderr.split('\n').find((line) => line.startsWith('error: '))]).toEqual(
        [
          2,
          expect.stringMatching(
            new RegExp(`^error: run 'job-8' is held by process ${process.pid} on `),
          ),
        ],
      );
      expect(await readLog(log)).toBe('');
    } finally {
      await held.close();
    }
  });
});

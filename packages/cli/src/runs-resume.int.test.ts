import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { FixturePlugin } from './test-support/fixture-plugin.js';
import { createFixturePlugin, FIXTURE_FILES } from './test-support/fixture-plugin.js';
import { runSynapse } from './test-support/run-synapse.js';

// A pipeline whose first steps cost something and cannot be undone (a training job, say): each
// step appends its name to a log, and `check` fails while the gate file is absent.
const PIPELINE_ACTION = `import { appendFileSync, existsSync } from 'node:fs';
import { BaseAction, BaseStep, stepSuccess, type BaseStepContext, type StepRegistry } from '@synapse-sdk/core';
import { z } from 'zod';

export const Params = z.object({ log: z.string(), gate: z.string() });
type P = z.output<typeof Params>;
const STEPS = ['train', 'evaluate', 'check'];

class Logged extends BaseStep {
  readonly progressWeight = 1;
  constructor(readonly name: string, private readonly params: P) { super(); }
  execute(context: BaseStepContext) {
    appendFileSync(this.params.log, this.name + '\\n');
    // What the earlier steps returned, read by name as a step reads them (resultOf).
    const earlier = STEPS.slice(0, STEPS.indexOf(this.name));
    return stepSuccess({ step: this.name, after: earlier.map((name) => context.resultOf(name)?.data['step']) });
  }
}

class Check extends Logged {
  override execute(context: BaseStepContext) {
    const result = super.execute(context);
    if (!existsSync(this.params.gate)) throw new Error('the gate is closed');
    return result;
  }
}

export class PipelineAction extends BaseAction<typeof Params> {
  static override paramsSchema = Params;
  override setupSteps(registry: StepRegistry): void {
    registry.register(new Logged('train', this.params));
    registry.register(new Logged('evaluate', this.params));
    registry.register(new Check('check', this.params));
  }
}
`;

describe('synapse runs resume', () => {
  let plugin: FixturePlugin;
  let work: string;
  const env = () => ({ SYNAPSE_STATE_DIR: join(work, 'state') });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'synapse-resume-'));
    plugin = await createFixturePlugin({
      'config.yaml': `${FIXTURE_FILES['config.yaml']}  pipeline:\n    entrypoint: actions/pipeline.ts:PipelineAction\n`,
      'actions/pipeline.ts': PIPELINE_ACTION,
    });
  });

  afterAll(async () => {
    await plugin.remove();
    await rm(work, { recursive: true, force: true });
  });

  it('continues a failed pipeline without running its completed steps again', async () => {
    const log = join(work, 'steps.log');
    const gate = join(work, 'gate');
    const params = JSON.stringify({ log, gate });
    const failed = await runSynapse(
      ['plugin', 'run', 'pipeline', '--path', plugin.dir, '--params', params, '--json'],
      { env: { ...env(), SYNAPSE_RUN_ID: 'pipeline-1' } },
    );
    expect([failed.code, JSON.parse(failed.stdout).error.message]).toEqual([
      1,
      expect.stringContaining('the gate is closed'),
    ]);
    expect(failed.stderr).toContain('run pipeline-1: synapse runs show pipeline-1');

    const shown = await runSynapse(['runs', 'show', 'pipeline-1'], { env: env() });
    expect(shown.stdout).toContain(
      'resume (synapse runs resume pipeline-1): reuses train, evaluate from the journal, then runs check',
    );

    // A limit that is not a duration is refused before any step runs again.
    const refused = await runSynapse(['runs', 'resume', 'pipeline-1', '--timeout', 'soon'], {
      env: env(),
    });
    expect([refused.code, refused.stderr, await readFile(log, 'utf8')]).toEqual([
      2,
      "error: --timeout 'soon' is not a duration. Give seconds (90) or a duration such as 90s, 10m or 1h30m\n",
      'train\nevaluate\ncheck\n',
    ]);

    await writeFile(gate, '');
    const resumed = await runSynapse(
      ['runs', 'resume', 'pipeline-1', '--json', '--timeout', '10m'],
      { env: env() },
    );
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toEqual({
      ok: true,
      result: { success: true, stepsExecuted: 3, stepsTotal: 3 },
    });
    // train and evaluate ran once; check ran in the failed run and in the resume, after the
    // results of the first two, which came from the journal.
    expect((await readFile(log, 'utf8')).split('\n')).toEqual([
      'train',
      'evaluate',
      'check',
      'check',
      '',
    ]);
    const view = JSON.parse(
      (await runSynapse(['runs', 'show', 'pipeline-1', '-o', 'json'], { env: env() })).stdout,
    ).result;
    expect(view.status).toBe('succeeded');
    expect(
      view.steps.map((s: { name: string; status: string; reused: boolean; data: unknown }) => [
        s.name,
        s.status,
        s.reused,
        s.data,
      ]),
    ).toEqual([
      ['train', 'succeeded', true, { step: 'train', after: [] }],
      ['evaluate', 'succeeded', true, { step: 'evaluate', after: ['train'] }],
      ['check', 'succeeded', false, { step: 'check', after: ['train', 'evaluate'] }],
    ]);

    const again = await runSynapse(['runs', 'resume', 'pipeline-1'], { env: env() });
    expect([again.code, again.stderr]).toEqual([
      2,
      'error: run pipeline-1 cannot be resumed: the run succeeded: there is nothing to resume. See synapse runs show pipeline-1\n',
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDevServer } from '@synapse-sdk/test-kit';
import { startTestDevServer } from '@synapse-sdk/test-kit';

import { REPO_ROOT, runSynapse } from '../../packages/cli/src/test-support/run-synapse.js';

describe('examples/step-based', () => {
  let dev: TestDevServer;

  beforeAll(async () => {
    dev = await startTestDevServer();
  });

  afterAll(() => dev.stop());

  it('runs initialize, deploy and register, then finds nothing to change on a second run', async () => {
    const args = [
      'plugin',
      'run',
      'deployment',
      '--path',
      'examples/step-based',
      '--json',
      '--job-id',
      '8',
    ];
    const env = { ...dev.env, SYNAPSE_PLUGIN_RELEASE_ID: '4' };
    const first = await runSynapse(args, { env, cwd: REPO_ROOT });
    expect(first.code).toBe(0);
    const { result } = JSON.parse(first.stdout) as { result: Record<string, unknown> };
    expect(result).toEqual({
      success: true,
      stepsExecuted: 3,
      stepsTotal: 3,
      deployed: true,
      serveApplication: expect.any(Number),
    });
    expect(dev.server.control.application('step-based@1.0.0')).toMatchObject({ status: 'RUNNING' });
    expect(dev.server.control.backend().serveApplications).toEqual([
      expect.objectContaining({
        id: result['serveApplication'],
        name: 'step-based@1.0.0',
        plugin_release: 4,
      }),
    ]);
    // The run is mirrored on its Synapse job: final progress and the steps' log events.
    const backend = dev.server.control.backend();
    expect(backend.jobs.find((job) => job.id === '8')?.progress_record).toEqual({
      record: {
        steps: {
          initialize: { percent: 100 },
          deploy: { percent: 100 },
          register: { percent: 100 },
        },
        percent: 100,
      },
      current_progress: { overall: 100, step: 'register', percent: 100 },
    });
    expect(backend.logs.map((log) => log.entry['event'])).toEqual(
      expect.arrayContaining(['ray_connected', 'app_running', 'app_registered']),
    );

    const plan = await runSynapse(['serve', 'plan', '--path', 'examples/step-based', '--json'], {
      env,
      cwd: REPO_ROOT,
    });
    expect(JSON.parse(plan.stdout)).toMatchObject({
      ok: true,
      result: { change: 'unchanged', changedFields: [] },
    });
  });
});

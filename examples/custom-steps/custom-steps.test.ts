import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDevServer } from '@synapse-sdk/test-kit';
import { closedPort, startTestDevServer } from '@synapse-sdk/test-kit';

import { REPO_ROOT, runSynapse } from '../../packages/cli/src/test-support/run-synapse.js';

describe('examples/custom-steps', () => {
  let dev: TestDevServer;

  beforeAll(async () => {
    dev = await startTestDevServer();
  });

  afterAll(() => dev.stop());

  const args = ['plugin', 'run', 'deployment', '--path', 'examples/custom-steps', '--json'];

  it('smoke-tests the route on the Serve proxy between deploy and register', async () => {
    const result = await runSynapse([...args, '--job-id', '12'], {
      env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_ID: '6' },
      cwd: REPO_ROOT,
    });
    expect(result.code).toBe(0);
    const { result: outcome } = JSON.parse(result.stdout) as { result: Record<string, unknown> };
    expect(outcome).toEqual({
      success: true,
      stepsExecuted: 4,
      stepsTotal: 4,
      deployed: true,
      serveApplication: expect.any(Number),
    });
    const steps = result.stderr.match(/\] (\S+) started/g)?.map((line) => line.split(' ')[1]);
    expect(steps).toEqual(['initialize', 'deploy', 'smoke-test', 'register']);
    expect(result.stderr).toMatch(
      /\] smoke-test: smoke_test_passed url=http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32} status=200\n/,
    );
    expect(dev.server.control.application('custom-steps@1.0.0')).toMatchObject({
      status: 'RUNNING',
    });
    expect(dev.server.control.backend().serveApplications).toEqual([
      expect.objectContaining({ name: 'custom-steps@1.0.0', plugin_release: 6 }),
    ]);
  });

  it('rolls the deploy back and registers nothing when the route does not answer', async () => {
    await dev.server.control.reset();
    const port = await closedPort();
    const result = await runSynapse(
      [
        ...args,
        '--job-id',
        '13',
        '--params',
        JSON.stringify({ serve_url: `http://127.0.0.1:${port}` }),
      ],
      { env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_ID: '6' }, cwd: REPO_ROOT },
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      error: {
        code: 'STEP_FAILED',
        message: expect.stringContaining("Step 'smoke-test' failed: smoke test: POST"),
      },
    });
    expect(result.stderr).toContain('smoke-test retrying');
    expect(result.stderr).toContain('deploy rolled back');
    const app = dev.server.control.application('custom-steps@1.0.0');
    expect(app === undefined || app['status'] === 'DELETING').toBe(true);
    expect(dev.server.control.backend().serveApplications).toEqual([]);
  }, 20_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDevServer } from '@synapse-sdk/test-kit';
import { startTestDevServer } from '@synapse-sdk/test-kit';

import { REPO_ROOT, runSynapse } from '../../packages/cli/src/test-support/run-synapse.js';

describe('examples/simple-execute', () => {
  let dev: TestDevServer;

  beforeAll(async () => {
    dev = await startTestDevServer();
  });

  afterAll(() => dev.stop());

  it('deploys through execute() and registers the app with the backend', async () => {
    const result = await runSynapse(
      [
        'plugin',
        'run',
        'deployment',
        '--path',
        'examples/simple-execute',
        '--json',
        '--job-id',
        '31',
        '--params',
        '{"num_cpus": 2, "model_id": 5}',
      ],
      { env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_ID: '3' }, cwd: REPO_ROOT },
    );
    expect(result.code).toBe(0);
    const { result: outcome } = JSON.parse(result.stdout) as { result: Record<string, unknown> };
    expect(outcome).toEqual({
      app: 'simple-execute@1.0.0',
      routePrefix: expect.stringMatching(/^\/[0-9a-f]{32}$/),
      rayVersion: '2.58.0',
      serveApplication: expect.any(Number),
    });
    const app = dev.server.control.application('simple-execute@1.0.0');
    expect(app).toMatchObject({ status: 'RUNNING', route_prefix: outcome['routePrefix'] });
    expect(dev.server.control.backend().serveApplications).toEqual([
      expect.objectContaining({
        id: outcome['serveApplication'],
        name: 'simple-execute@1.0.0',
        plugin_release: 3,
      }),
    ]);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';

import { createFixturePlugin } from '../../../packages/cli/src/test-support/fixture-plugin.js';
import { details, proxyRequest, resetTarget } from '../../parity/serve-target.js';
import { deployCommand } from '../../support/deploy-command.js';
import { startRecordingProxy } from '../../support/recording-proxy.js';
import { createVersionedPlugin, FASTAPI_SERVE_APP } from '../support/e2e-plugins.js';
import type { RayE2e } from '../support/ray-e2e.js';
import { startRayE2e } from '../support/ray-e2e.js';

/** Plugins as users write them, deployed to a real head. */
describe('plugins on a real Ray 2.58 head', () => {
  let e2e: RayE2e;

  beforeAll(async () => {
    e2e = await startRayE2e();
  });
  beforeEach(async () => {
    await resetTarget(e2e.target);
  });
  afterAll(async () => {
    await resetTarget(e2e.target);
    await e2e.close();
  });

  const routeOf = async (app: string): Promise<string> =>
    String((await details(e2e.target)).applications[app]?.route_prefix);

  it('deploys all four examples, and each answers its own request', async () => {
    const examples: [string, unknown, unknown][] = [
      ['step-based', { text: 'I love it, great!' }, { label: 'positive', score: 2 }],
      ['simple-execute', { pixels: [200, 220] }, { label: 'bright', mean: 210 }],
      [
        'custom-steps',
        { image: [[1, 2, 3]], threshold: 0.5 },
        { boxes: [{ label: 'object', score: 0.9, box: [0, 0, 3, 1] }] },
      ],
      ['di-plugin', { image: [[0, 200, 130]] }, { mask: [[0, 1, 1]], foreground: 2 }],
    ];
    for (const [name] of examples) {
      const run = await e2e.synapse(deployCommand(`examples/${name}`, { num_cpus: 0.1 }));
      expect({ name, code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
        name,
        code: 0,
        stderr: '',
      });
    }
    for (const [name, payload, expected] of examples) {
      const res = await proxyRequest(e2e.target, await routeOf(`${name}@1.0.0`), {
        method: 'POST',
        body: payload as object,
      });
      expect([name, res.status, res.json()]).toEqual([name, 200, expected]);
    }
  });

  it('a plugin scaffolded by synapse plugin init deploys unchanged and answers', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'synapse-ray-init-'));
    try {
      const dir = join(parent, 'my-model');
      const init = await e2e.synapse(['plugin', 'init', dir]);
      expect(init.code).toBe(0);
      const run = await e2e.synapse(deployCommand(dir, { num_cpus: 0.1 }));
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
        code: 0,
        stderr: '',
      });
      const [app] = Object.values((await details(e2e.target)).applications);
      const res = await proxyRequest(e2e.target, String(app?.route_prefix), {
        method: 'POST',
        body: { text: 'hi' },
      });
      expect([res.status, res.json()]).toEqual([
        200,
        { model: 'Model', length: 13, echo: '{"text":"hi"}' },
      ]);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('a FastAPI serve class: its own routes answer, with self bound to the replica', async () => {
    const plugin = await createFixturePlugin({
      'requirements.txt': null,
      'serve_app.py': FASTAPI_SERVE_APP,
    });
    try {
      const run = await e2e.synapse(deployCommand(plugin.dir, { num_cpus: 0.1 }));
      expect(run.code).toBe(0);
      const route = await routeOf('fixture@1.0.0');
      const hello = await proxyRequest(e2e.target, `${route}/hello/ann`);
      expect([hello.status, hello.json()]).toEqual([
        200,
        { greeting: 'hello ann', backend_url: e2e.env['SYNAPSE_HOST'] },
      ]);
      const echo = await proxyRequest(e2e.target, `${route}/echo`, {
        method: 'POST',
        body: { a: 1 },
      });
      expect([echo.status, echo.json()]).toEqual([200, { echo: { a: 1 }, served_by: 'Model' }]);
      expect((await proxyRequest(e2e.target, `${route}/nope`)).status).toBe(404);
    } finally {
      await plugin.remove();
    }
  });

  it('simple mode and step mode deploy the same config: either one finds the other up to date', async () => {
    const plugin = await createVersionedPlugin('v1');
    const run = async (action: string) => {
      const proxy = await startRecordingProxy(e2e.target.dashboardUrl);
      try {
        const result = await e2e.synapse(deployCommand(plugin.dir, { num_cpus: 0.1 }, action), {
          RAY_DASHBOARD_ADDRESS: proxy.url,
        });
        const puts = proxy.exchanges.filter((x) => x.method === 'PUT').length;
        const config = (await details(e2e.target)).applications['fixture@1.0.0']
          ?.deployed_app_config;
        return { code: result.code, puts, config };
      } finally {
        await proxy.close();
      }
    };
    try {
      const stepFirst = await run('deployment');
      const simpleAfter = await run('simple');
      await resetTarget(e2e.target);
      const simpleFirst = await run('simple');
      const stepAfter = await run('deployment');
      expect([stepFirst.code, simpleAfter.code, simpleFirst.code, stepAfter.code]).toEqual([
        0, 0, 0, 0,
      ]);
      expect(stepFirst.puts).toBeGreaterThan(0);
      expect([simpleAfter.puts, stepAfter.puts]).toEqual([0, 0]);
      expect(simpleFirst.config).toEqual(stepFirst.config);
      expect(stepAfter.config).toEqual(stepFirst.config);
    } finally {
      await plugin.remove();
    }
  });
});

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { TestServer } from './test-support/http.js';
import { appConfig, http, startTestServer } from './test-support/http.js';

/**
 * Where the devserver knowingly differs from a real Ray 2.58 head (README, "Divergences from
 * Ray 2.58"). Each test pins what the devserver does, so that a change to it is deliberate.
 */
describe('divergences from Ray 2.58', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(() => t.dev.stop());

  const running = async (app: Record<string, unknown>) => {
    expect((await t.put({ applications: [app] })).status).toBe(200);
    await t.dev.control.advance(600);
    return t.app(String(app['name']));
  };

  it('runs no user code: the proxy answers a labelled simulated response', async () => {
    await running(appConfig('a'));
    const res = await http(`${t.dev.serveUrl}/a`);
    expect(res.json()).toMatchObject({ simulated: true, app: 'a', deployment: 'app' });
  });

  it('names the deployments of an app not built by the SDK builder after its overrides', async () => {
    // Ray would fail this app if `app_module:app` has no deployment "Nope".
    const app = await running(appConfig('a', { deployments: [{ name: 'Nope', num_replicas: 1 }] }));
    expect([app?.status, Object.keys(app?.deployments ?? {})]).toEqual(['RUNNING', ['Nope']]);
  });

  it('downloads no remote working_dir and installs no pip packages: both assumed to work', async () => {
    const app = await running(
      appConfig('a', {
        runtime_env: {
          working_dir: 'http://127.0.0.1:9/unreachable.zip',
          pip: { packages: ['no-such-package-on-any-index'] },
        },
      }),
    );
    expect(app?.status).toBe('RUNNING');
  });

  it('answers a new app that is not serving yet with 503, where Ray answers 404 until it routes', async () => {
    await t.put({ applications: [appConfig('a')] });
    await t.dev.control.advance(300);
    const res = await http(`${t.dev.serveUrl}/a`);
    expect([res.status, res.text]).toEqual([
      503,
      "Application 'a' is DEPLOYING; it cannot serve requests yet (simulated proxy).",
    ]);
  });

  it('keeps the proxy listening after DELETE, where Ray closes it until Serve starts again', async () => {
    await running(appConfig('a'));
    await http(`${t.dev.dashboardUrl}/api/serve/applications/`, { method: 'DELETE' });
    const res = await http(`${t.dev.serveUrl}/-/healthz`);
    expect(res.status).toBe(503);
  });

  it('runs no job entrypoint: a job prints only what control.scriptJobOutput scripts', async () => {
    const jobs = `${t.dev.dashboardUrl}/api/jobs/`;
    const submit = (id: string) =>
      http(jobs, {
        method: 'POST',
        body: { entrypoint: 'python -c "print(\'from python\')"', submission_id: id },
      });
    expect((await submit('unscripted')).status).toBe(200);
    t.dev.control.scriptJobOutput({ submissionId: 'scripted', lines: ['from the script'] });
    expect((await submit('scripted')).status).toBe(200);
    await t.dev.control.advance(5_000);
    const logs = async (id: string) => (await http(`${jobs}${id}/logs`)).json<{ logs: string }>();
    // The driver log names the entrypoint; what it would print never appears as a line.
    const lines = async (id: string) => (await logs(id)).logs.split('\n');
    const [unscripted, scripted] = [await lines('unscripted'), await lines('scripted')];
    expect([unscripted.includes('from python'), scripted.includes('from python')]).toEqual([
      false,
      false,
    ]);
    expect(scripted).toContain('from the script');
    expect(unscripted.some((line) => line.includes('Running entrypoint for job unscripted'))).toBe(
      true,
    );
  });
});

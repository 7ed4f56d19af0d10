import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { AppDetailsBody, TestServer } from '../test-support/http.js';
import { appConfig, http, startTestServer } from '../test-support/http.js';
import { instanceDetailsErrors } from '../test-support/ray-schemas.js';

const T0 = 1_700_000_000;

describe('Serve applications: status machine and response shape', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(() => t.dev.stop());

  it('returns the empty-Serve dict before anything is deployed, valid against both schema eras', async () => {
    const body = await t.details();
    expect(body).toEqual({
      deploy_mode: 'MULTI_APP',
      controller_info: {},
      proxies: {},
      applications: {},
      target_capacity: null,
    });
    expect(instanceDetailsErrors(body)).toEqual([]);
  });

  it('shows DEPLOYING synchronously after the PUT, then UPDATING/STARTING, then RUNNING/HEALTHY (docs/ray-serve-rest.md#statuses)', async () => {
    t.clock.advance(1500);
    expect((await t.put({ applications: [appConfig('a')] })).status).toBe(200);

    const building = await t.details();
    expect(instanceDetailsErrors(building)).toEqual([]);
    expect(building.applications['a']).toMatchObject({
      status: 'DEPLOYING',
      route_prefix: null,
      deployments: {},
      message: '',
      last_deployed_time_s: T0 + 1.5,
      source: 'declarative',
    });

    await t.dev.control.advance(300);
    const starting = await t.details();
    expect(instanceDetailsErrors(starting)).toEqual([]);
    const a1 = starting.applications['a'] as AppDetailsBody;
    expect([a1.status, a1.route_prefix]).toEqual(['DEPLOYING', '/a']);
    expect(a1.deployments['app']).toMatchObject({
      status: 'UPDATING',
      status_trigger: 'CONFIG_UPDATE_STARTED',
      target_num_replicas: 1,
    });
    expect(a1.deployments['app']?.replicas.map((r) => r.state)).toEqual(['STARTING']);

    await t.dev.control.advance(299);
    expect((await t.app('a'))?.status).toBe('DEPLOYING');
    await t.dev.control.advance(1);
    const running = await t.details();
    expect(instanceDetailsErrors(running)).toEqual([]);
    const a2 = running.applications['a'] as AppDetailsBody;
    expect([a2.status, a2.message]).toEqual(['RUNNING', '']);
    expect(a2.deployments['app']).toMatchObject({
      status: 'HEALTHY',
      status_trigger: 'CONFIG_UPDATE_COMPLETED',
      message: '',
    });
    expect(a2.deployments['app']?.replicas).toEqual([
      expect.objectContaining({
        state: 'RUNNING',
        start_time_s: T0 + 1.8,
        replica_id: expect.stringMatching(/^[0-9a-f]{8}$/) as unknown,
        actor_name: expect.stringMatching(/^SERVE_REPLICA::a#app#[0-9a-f]{8}$/) as unknown,
      }),
    ]);
  });

  it('echoes exactly the sent keys in deployed_app_config and shows effective deployment_config values (docs/ray-serve-rest.md#instance-details)', async () => {
    const sent = {
      name: 'llm',
      route_prefix: '/llm',
      import_path: 'builder:build_app',
      runtime_env: { working_dir: 'https://example.com/pkg.zip', env_vars: { A: '1' } },
      args: { entrypoint: 'plugin.model:Model', backend_url: 'http://b' },
      deployments: [
        {
          name: 'Model',
          user_config: { temperature: 0.2 },
          num_replicas: 2,
          ray_actor_options: { num_gpus: 1, runtime_env: { env_vars: { B: '2' } } },
        },
      ],
    };
    await t.put({ applications: [{ ...sent, unknown_key: true }] });
    await t.dev.control.advance(600);
    const body = await t.details();
    expect(instanceDetailsErrors(body)).toEqual([]);
    const app = body.applications['llm'] as AppDetailsBody;
    expect(app.deployed_app_config).toEqual(sent);
    expect(Object.keys(app.deployments)).toEqual(['Model']);
    const model = app.deployments['Model'];
    expect(model?.deployment_config).toEqual({
      name: 'Model',
      num_replicas: 2,
      max_ongoing_requests: 5,
      max_queued_requests: -1,
      backpressure_config: { status_code: 503, retry_after_s: null },
      user_config: { temperature: 0.2 },
      graceful_shutdown_wait_loop_s: 2,
      graceful_shutdown_timeout_s: 20,
      health_check_period_s: 10,
      health_check_timeout_s: 30,
      ray_actor_options: {
        runtime_env: { working_dir: 'https://example.com/pkg.zip', env_vars: { A: '1', B: '2' } },
        num_gpus: 1,
        num_cpus: 1,
      },
      request_router_config: expect.objectContaining({
        request_router_class: 'ray.serve._private.request_router:PowerOfTwoChoicesRequestRouter',
      }),
      rolling_update_percentage: 0.2,
    });
    expect(model?.required_resources).toEqual({ CPU: 1, GPU: 1 });
    expect([model?.target_num_replicas, model?.replicas.length]).toEqual([2, 2]);
  });

  it("lists unset options as null, as 2.58 does, and 2.58's extra fields", async () => {
    await t.put({ applications: [appConfig('a')] });
    await t.dev.control.advance(600);
    const body = await t.details();
    expect(Object.keys(body)).toEqual([
      'controller_info',
      'proxy_location',
      'http_options',
      'grpc_options',
      'proxies',
      'applications',
      'target_capacity',
      'target_groups',
      'controller_health_metrics',
    ]);
    expect(body['target_capacity']).toBeNull();
    expect(body['http_options']).toEqual({
      host: '0.0.0.0',
      port: 8000,
      root_path: '',
      request_timeout_s: null,
      keep_alive_timeout_s: 90,
      ssl_keyfile: null,
      ssl_certfile: null,
      ssl_keyfile_password: null,
      ssl_ca_certs: null,
    });
    expect(body['grpc_options']).toEqual({
      port: 9000,
      grpc_servicer_functions: [],
      request_timeout_s: null,
    });
    expect(body['target_groups']).toEqual([
      expect.objectContaining({
        route_prefix: '/',
        protocol: 'HTTP',
        targets: [expect.objectContaining({ ip: '127.0.0.1', port: 8000 })],
      }),
    ]);
    const app = body.applications['a'];
    expect(app?.deployments['app']?.deployment_config['user_config']).toBeNull();
    expect(app?.deployments['app']).toHaveProperty('recent_dead_replicas', []);
    expect(app?.['deployment_topology']).toEqual({
      app_name: 'a',
      nodes: { app: { name: 'app', app_name: 'a', outbound_deployments: [], is_ingress: true } },
      ingress_deployment: 'app',
    });
  });

  it('sizes autoscaling deployments by initial_replicas, else min_replicas', async () => {
    await t.put({
      applications: [
        appConfig('auto', { deployments: [{ name: 'app', num_replicas: 'auto' }] }),
        appConfig('init', {
          deployments: [
            {
              name: 'app',
              autoscaling_config: { min_replicas: 1, initial_replicas: 3, max_replicas: 5 },
            },
          ],
        }),
        appConfig('min', {
          deployments: [{ name: 'app', autoscaling_config: { min_replicas: 2, max_replicas: 4 } }],
        }),
      ],
    });
    await t.dev.control.advance(600);
    const body = await t.details();
    expect(instanceDetailsErrors(body)).toEqual([]);
    const config = (name: string) => body.applications[name]?.deployments['app'];
    expect(config('auto')?.deployment_config['autoscaling_config']).toMatchObject({
      min_replicas: 1,
      max_replicas: 100,
      target_ongoing_requests: 2,
    });
    expect(config('auto')?.deployment_config).not.toHaveProperty('num_replicas');
    expect(['auto', 'init', 'min'].map((n) => config(n)?.replicas.length)).toEqual([1, 3, 2]);
  });

  it('scales replicas by target_capacity', async () => {
    await t.put({
      target_capacity: 50,
      applications: [appConfig('a', { deployments: [{ name: 'app', num_replicas: 3 }] })],
    });
    await t.dev.control.advance(600);
    const body = await t.details();
    expect(body['target_capacity']).toBe(50);
    expect(body.applications['a']?.deployments['app']?.target_num_replicas).toBe(2);
  });

  it('keeps the http/grpc/proxy options of the first PUT until DELETE (docs/ray-serve-rest.md#put-replaces-the-whole-declarative-set)', async () => {
    await t.put({ http_options: { port: 8001 }, applications: [appConfig('a')] });
    const second = await t.put({
      proxy_location: 'HeadOnly',
      http_options: { port: 9999, host: '127.0.0.1' },
      grpc_options: { port: 1 },
      applications: [appConfig('a')],
    });
    expect(second.status).toBe(200);
    const body = await t.details();
    expect([
      body['proxy_location'],
      (body['http_options'] as Record<string, unknown>)['port'],
      (body['grpc_options'] as Record<string, unknown>)['port'],
    ]).toEqual(['EveryNode', 8001, 9000]);
    await http(`${t.dev.dashboardUrl}/api/serve/applications/`, { method: 'DELETE' });
    await t.put({ proxy_location: 'HeadOnly', http_options: { port: 9999 }, applications: [] });
    const restarted = await t.details();
    expect([
      restarted['proxy_location'],
      (restarted['http_options'] as Record<string, unknown>)['port'],
    ]).toEqual(['HeadOnly', 9999]);
  });

  it('filters by ?api_type= and rejects other values', async () => {
    t.dev.control.seedImperativeApp({ name: 'imp' });
    await t.put({ applications: [appConfig('dec')] });
    const dec = await http(`${t.dev.dashboardUrl}/api/serve/applications/?api_type=declarative`);
    expect(Object.keys(dec.json<{ applications: object }>().applications)).toEqual(['dec']);
    const bad = await http(`${t.dev.dashboardUrl}/api/serve/applications/?api_type=x`);
    expect([bad.status, bad.text]).toEqual([
      400,
      "Invalid 'api_type' value: 'x'. Must be one of: imperative, declarative",
    ]);
  });
});

describe('declarative replace (docs/ray-serve-rest.md#put-replaces-the-whole-declarative-set)', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(() => t.dev.stop());

  it('moves unlisted declarative apps to DELETING, then drops them', async () => {
    await t.put({ applications: [appConfig('a'), appConfig('b')] });
    await t.dev.control.advance(600);
    await t.put({ applications: [appConfig('b')] });
    const deleting = await t.details();
    expect(instanceDetailsErrors(deleting)).toEqual([]);
    const a = deleting.applications['a'] as AppDetailsBody;
    expect(a.status).toBe('DELETING');
    expect(a.deployed_app_config).toBeNull();
    expect(a.deployments).toEqual({});
    await t.dev.control.advance(200);
    expect(Object.keys((await t.details()).applications)).toEqual(['b']);
  });

  it('keeps imperative apps that a PUT does not list', async () => {
    t.dev.control.seedImperativeApp({
      name: 'manual',
      importPath: 'manual:app',
      routePrefix: '/manual',
      deployments: [{ name: 'M', numReplicas: 2 }],
    });
    await t.put({ applications: [appConfig('a')] });
    await t.dev.control.advance(1000);
    const body = await t.details();
    expect(instanceDetailsErrors(body)).toEqual([]);
    const manual = body.applications['manual'] as AppDetailsBody;
    expect([
      manual.status,
      manual.source,
      manual.route_prefix,
      manual.deployments['M']?.replicas.length,
    ]).toEqual(['RUNNING', 'imperative', '/manual', 2]);
    expect(manual.deployed_app_config).toBeNull();
  });

  it('keeps Serve up with {"applications": []}; DELETE empties everything', async () => {
    await t.put({ applications: [appConfig('a')] });
    await t.put({ applications: [] });
    await t.dev.control.advance(200);
    const body = await t.details();
    expect(body.applications).toEqual({});
    expect(body['controller_info']).toMatchObject({ actor_name: 'SERVE_CONTROLLER_ACTOR' });
    expect(instanceDetailsErrors(body)).toEqual([]);
    await http(`${t.dev.dashboardUrl}/api/serve/applications/`, { method: 'DELETE' });
    expect(await t.details()).toEqual({
      deploy_mode: 'MULTI_APP',
      controller_info: {},
      proxies: {},
      applications: {},
      target_capacity: null,
    });
  });

  it('serializes PUTs: the last writer wins (docs/ray-serve-rest.md#concurrent-writers)', async () => {
    const results = await Promise.all([
      t.put({ applications: [appConfig('x')] }),
      t.put({ applications: [appConfig('y')] }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    await t.dev.control.advance(200);
    const names = Object.keys((await t.details()).applications);
    expect(names.length).toBe(1);
    expect(['x', 'y']).toContain(names[0]);
  });

  it('lets a foreign writer drop "your" app right after your PUT (docs/ray-serve-rest.md#concurrent-writers)', async () => {
    await t.put({ applications: [appConfig('theirs')] });
    t.dev.control.dropAppAfterNextPut('mine', 50);
    await t.put({ applications: [appConfig('theirs'), appConfig('mine')] });
    expect((await t.app('mine'))?.status).toBe('DEPLOYING');
    await t.dev.control.advance(50);
    expect((await t.app('mine'))?.status).toBe('DELETING');
    expect((await t.app('theirs'))?.status).toBe('DEPLOYING');
    await t.dev.control.advance(200);
    expect(await t.app('mine')).toBeUndefined();
  });
});

describe('update classes (docs/ray-serve-rest.md#update-classes)', () => {
  let t: TestServer;
  const base = { deployments: [{ name: 'app', user_config: { v: 1 } }, { name: 'other' }] };
  beforeEach(async () => {
    t = await startTestServer();
    await t.put({ applications: [appConfig('a', base), appConfig('b')] });
    await t.dev.control.advance(600);
  });
  afterEach(() => t.dev.stop());

  const replicaIds = async (dep = 'app') =>
    (await t.app('a'))?.deployments[dep]?.replicas.map((r) => r.replica_id);

  it('treats an unchanged app as a no-op but bumps last_deployed_time_s of every app', async () => {
    const before = await t.details();
    t.clock.advance(5000);
    await t.put({ applications: [appConfig('a', base), appConfig('b')] });
    const after = await t.details();
    expect([after.applications['a']?.status, after.applications['b']?.status]).toEqual([
      'RUNNING',
      'RUNNING',
    ]);
    expect([
      after.applications['a']?.last_deployed_time_s,
      after.applications['b']?.last_deployed_time_s,
    ]).toEqual([T0 + 5.6, T0 + 5.6]);
    expect(after.applications['a']?.deployments).toEqual(before.applications['a']?.deployments);
  });

  it('applies a user_config change in place without restarting replicas', async () => {
    const ids = await replicaIds();
    await t.put({
      applications: [
        appConfig('a', {
          deployments: [{ name: 'app', user_config: { v: 2 } }, { name: 'other' }],
        }),
        appConfig('b'),
      ],
    });
    const updating = await t.app('a');
    expect(updating?.status).toBe('DEPLOYING');
    expect(updating?.deployments['app']).toMatchObject({
      status: 'UPDATING',
      status_trigger: 'CONFIG_UPDATE_STARTED',
    });
    expect(updating?.deployments['app']?.replicas.map((r) => r.state)).toEqual(['UPDATING']);
    expect(updating?.deployments['other']?.status).toBe('HEALTHY');
    expect(await replicaIds()).toEqual(ids);
    await t.dev.control.advance(100);
    expect((await t.app('a'))?.status).toBe('RUNNING');
    expect((await t.app('a'))?.deployments['app']?.deployment_config['user_config']).toEqual({
      v: 2,
    });
  });

  it('restarts only the deployment whose ray_actor_options changed', async () => {
    const ids = await replicaIds();
    const otherIds = await replicaIds('other');
    await t.put({
      applications: [
        appConfig('a', {
          deployments: [
            { name: 'app', user_config: { v: 1 }, ray_actor_options: { num_cpus: 2 } },
            { name: 'other' },
          ],
        }),
        appConfig('b'),
      ],
    });
    const app = await t.app('a');
    expect(app?.deployments['app']?.replicas.map((r) => r.state)).toEqual(['STARTING']);
    expect(await replicaIds()).not.toEqual(ids);
    expect(await replicaIds('other')).toEqual(otherIds);
    await t.dev.control.advance(300);
    expect((await t.app('a'))?.deployments['app']?.required_resources).toEqual({ CPU: 2 });
  });

  it('rebuilds on a code change (args), the old replicas serving while it builds', async () => {
    const ids = await replicaIds();
    await t.put({ applications: [appConfig('a', { ...base, args: { x: 1 } }), appConfig('b')] });
    const building = await t.app('a');
    expect([building?.status, building?.route_prefix, building?.deployments]).toEqual([
      'DEPLOYING',
      '/a',
      {},
    ]);
    const served = await http(`${t.dev.serveUrl}/a`);
    expect([served.status, served.json<{ deployment: string }>().deployment]).toEqual([200, 'app']);
    await t.dev.control.advance(300);
    expect((await t.app('a'))?.deployments['app']?.replicas.map((r) => r.state)).toEqual([
      'STARTING',
    ]);
    await t.dev.control.advance(300);
    expect((await t.app('a'))?.status).toBe('RUNNING');
    expect(await replicaIds()).not.toEqual(ids);
  });

  it('applies a route_prefix change in place', async () => {
    await t.put({
      applications: [appConfig('a', { ...base, route_prefix: '/moved' }), appConfig('b')],
    });
    const app = await t.app('a');
    expect([app?.status, app?.route_prefix]).toEqual(['RUNNING', '/moved']);
  });
});

describe('deferred failures: 200, then DEPLOY_FAILED (docs/ray-serve-rest.md#what-only-fails-later)', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(() => t.dev.stop());

  async function failedMessage(app: Record<string, unknown>): Promise<string> {
    expect((await t.put({ applications: [app] })).status).toBe(200);
    expect((await t.app(String(app['name'])))?.status).toBe('DEPLOYING');
    await t.dev.control.advance(300);
    const details = await t.app(String(app['name']));
    expect(details?.status).toBe('DEPLOY_FAILED');
    return details?.message ?? '';
  }

  it('fails a bad route_prefix format after the build', async () => {
    const message = await failedMessage(appConfig('a', { route_prefix: 'no-slash' }));
    expect(message).toMatch(/^Traceback \(most recent call last\):\n/);
    expect(message).toContain(
      "ValueError: Invalid route_prefix 'no-slash', must start with a forward slash ('/').",
    );
  });

  it('fails an override naming a deployment the built app does not have', async () => {
    const message = await failedMessage(
      appConfig('a', {
        args: { entrypoint: 'plugin.model:Model' },
        deployments: [{ name: 'Nope' }],
      }),
    );
    expect(message).toContain("ValueError: Deployment 'Nope' does not exist. Available: ['Model']");
  });

  it('fails an invalid autoscaling_config (min > max)', async () => {
    const message = await failedMessage(
      appConfig('a', {
        deployments: [{ name: 'app', autoscaling_config: { min_replicas: 3, max_replicas: 1 } }],
      }),
    );
    expect(message).toContain(
      '1 validation error for AutoscalingConfig\nmax_replicas\n  max_replicas (1) must be greater than or equal to min_replicas (3)! (type=value_error)',
    );
  });

  it('fails max_replicas_per_node out of range', async () => {
    expect(
      await failedMessage(
        appConfig('a', { deployments: [{ name: 'app', max_replicas_per_node: 0 }] }),
      ),
    ).toContain('[1, 100]');
  });

  it('fails an in-place update with a bad route_prefix at once; the old replicas keep serving', async () => {
    await t.put({ applications: [appConfig('a')] });
    await t.dev.control.advance(600);
    await t.put({ applications: [appConfig('a', { route_prefix: '/bad/' })] });
    const app = await t.app('a');
    expect([app?.status, app?.route_prefix, app?.deployments]).toEqual(['DEPLOY_FAILED', '/a', {}]);
    expect(app?.message).toContain(
      "ValueError: Invalid route_prefix '/bad/', may not end with a trailing '/'.",
    );
    expect((await http(`${t.dev.serveUrl}/a`)).status).toBe(200);
  });
});

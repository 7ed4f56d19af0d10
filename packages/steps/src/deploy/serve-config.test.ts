import { describe, expect, it } from '@jest/globals';
import type { ServeApplicationConfig, ServeInstanceDetails } from '@synapse-sdk/clients';

import { classifyChange, liveFingerprint, mergeApplication, sameConfig } from './serve-config.js';

const app = (
  name: string,
  extra: Partial<ServeApplicationConfig> = {},
): ServeApplicationConfig => ({
  name,
  route_prefix: `/${name}`,
  import_path: 'mod:app',
  ...extra,
});

function details(
  apps: Record<string, Partial<ServeInstanceDetails['applications'][string]>>,
): ServeInstanceDetails {
  return {
    target_capacity: 50,
    proxy_location: 'EveryNode',
    http_options: { host: '0.0.0.0', port: 8000, keep_alive_timeout_s: 90 },
    applications: Object.fromEntries(
      Object.entries(apps).map(([name, a]) => [
        name,
        { name, status: 'RUNNING', source: 'declarative', deployed_app_config: app(name), ...a },
      ]),
    ),
  } as ServeInstanceDetails;
}

describe('mergeApplication', () => {
  it('replaces ours, keeps the other declarative apps verbatim and carries cluster settings', () => {
    const live = details({
      a: {},
      ours: {},
      b: { deployed_app_config: app('b', { args: { k: 1 } }) },
    });
    const next = app('ours', { import_path: 'new:app' });
    expect(mergeApplication(live, 'ours', next)).toEqual({
      target_capacity: 50,
      proxy_location: 'EveryNode',
      http_options: { host: '0.0.0.0', port: 8000 },
      applications: [app('a'), next, app('b', { args: { k: 1 } })],
    });
  });

  it('leaves out imperative apps and apps being deleted, and removes ours for null', () => {
    const live = details({
      a: {},
      imp: { source: 'imperative', deployed_app_config: null },
      gone: { status: 'DELETING' },
      ours: {},
    });
    expect(mergeApplication(live, 'ours', null).applications.map((x) => x.name)).toEqual(['a']);
  });
});

describe('classifyChange', () => {
  it('tells added, unchanged, in-place and code changes apart', () => {
    const base = app('x', {
      runtime_env: { working_dir: 'gcs://_ray_pkg_1.zip' },
      deployments: [{ name: 'M', num_replicas: 1 }],
    });
    expect([
      classifyChange(null, base),
      classifyChange(base, { ...base }),
      classifyChange(base, { ...base, deployments: [{ name: 'M', num_replicas: 2 }] }),
      classifyChange(base, { ...base, runtime_env: { working_dir: 'gcs://_ray_pkg_2.zip' } }),
    ]).toEqual([
      { change: 'added', changedFields: [] },
      { change: 'unchanged', changedFields: [] },
      { change: 'updated-in-place', changedFields: ['deployments.0.num_replicas'] },
      { change: 'code-change', changedFields: ['runtime_env.working_dir'] },
    ]);
  });
});

describe('config equality', () => {
  it('ignores key order', () => {
    expect(sameConfig({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toBe(true);
  });
  it('fingerprints only what a PUT carries', () => {
    const one = details({ a: {} });
    const two = details({ a: { status: 'DEPLOYING', last_deployed_time_s: 99 } });
    const three = details({ a: { deployed_app_config: app('a', { args: { v: 2 } }) } });
    expect([
      liveFingerprint(one) === liveFingerprint(two),
      liveFingerprint(one) === liveFingerprint(three),
    ]).toEqual([true, false]);
  });
});

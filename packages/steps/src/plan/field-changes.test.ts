import { describe, expect, it } from '@jest/globals';
import { registerSecret } from '@synapse-sdk/core';

import { classifyChange } from '../deploy/serve-config.js';
import { fieldChanges } from './field-changes.js';

const previous = {
  name: 'app',
  import_path: '_synapse_serve_builder:build_app',
  runtime_env: {
    working_dir: 'gcs://_ray_pkg_aaaa.zip',
    env_vars: { MODE: 'fast', HF_TOKEN: 'hf_old_value', AWS_SECRET_ACCESS_KEY: 'old' },
  },
  deployments: [{ name: 'Model', num_replicas: 1, ray_actor_options: { num_cpus: 1 } }],
};
const next = {
  name: 'app',
  import_path: '_synapse_serve_builder:build_app',
  runtime_env: {
    working_dir: 'gcs://_ray_pkg_bbbb.zip',
    env_vars: { MODE: 'slow', HF_TOKEN: 'hf_new_value', AWS_SECRET_ACCESS_KEY: 'new' },
  },
  deployments: [
    { name: 'Model', num_replicas: 2, ray_actor_options: { num_cpus: 1, num_gpus: 1 } },
  ],
};

describe(fieldChanges, () => {
  it('names the same fields as classifyChange, with old and new values', () => {
    const changes = fieldChanges(previous, next);
    expect(changes.map((change) => change.field)).toEqual(
      classifyChange(previous, next).changedFields,
    );
    expect(changes).toContainEqual({
      field: 'runtime_env.working_dir',
      change: 'changed',
      before: 'gcs://_ray_pkg_aaaa.zip',
      after: 'gcs://_ray_pkg_bbbb.zip',
      masked: false,
    });
    expect(changes).toContainEqual({
      field: 'deployments.0.num_replicas',
      change: 'changed',
      before: 1,
      after: 2,
      masked: false,
    });
    expect(changes).toContainEqual({
      field: 'deployments.0.ray_actor_options.num_gpus',
      change: 'added',
      after: 1,
      masked: false,
    });
  });

  it('masks environment variables named like credentials, and says so', () => {
    const changes = fieldChanges(previous, next);
    expect(changes).toContainEqual({
      field: 'runtime_env.env_vars.HF_TOKEN',
      change: 'changed',
      before: '[REDACTED]',
      after: '[REDACTED]',
      masked: true,
    });
    expect(changes).toContainEqual(
      expect.objectContaining({
        field: 'runtime_env.env_vars.AWS_SECRET_ACCESS_KEY',
        masked: true,
      }),
    );
    expect(changes).toContainEqual(
      expect.objectContaining({
        field: 'runtime_env.env_vars.MODE',
        before: 'fast',
        after: 'slow',
      }),
    );
    expect(JSON.stringify(changes)).not.toMatch(/hf_old_value|hf_new_value/);
  });

  it('masks credentials inside a value shown whole, and registered secrets anywhere', () => {
    registerSecret('s3cr3t-registered-value');
    const changes = fieldChanges(null, {
      name: 'app',
      args: { url: 'https://x/?k=s3cr3t-registered-value' },
      runtime_env: { env_vars: { API_KEY: 'k-123', LEVEL: 'debug' } },
    });
    expect(changes.map((change) => [change.field, change.change])).toEqual([
      ['args', 'added'],
      ['name', 'added'],
      ['runtime_env', 'added'],
    ]);
    expect(changes[0]).toMatchObject({ after: { url: 'https://x/?k=[REDACTED]' }, masked: true });
    expect(changes[2]).toMatchObject({
      after: { env_vars: { API_KEY: '[REDACTED]', LEVEL: 'debug' } },
      masked: true,
    });
  });

  it('is empty for identical configs, and names a removed field', () => {
    expect(fieldChanges(previous, structuredClone(previous))).toEqual([]);
    const { import_path: _dropped, ...withoutImport } = previous;
    expect(fieldChanges(previous, withoutImport)).toEqual([
      {
        field: 'import_path',
        change: 'removed',
        before: '_synapse_serve_builder:build_app',
        masked: false,
      },
    ]);
  });
});

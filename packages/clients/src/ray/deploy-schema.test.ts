import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@synapse-sdk/core';
import { raySchema } from '@synapse-sdk/test-kit';

import type { ServeDeployConfig } from './deploy-schema.js';
import {
  importPathProblem,
  parseServeDeployConfig,
  remoteUriProblem,
  serveDeployConfigIssues,
  ServeDeploySchema,
} from './deploy-schema.js';

const rayV1 = raySchema('deploy', 'v1');
const rayV2 = raySchema('deploy', 'v2');

/** Ray's documented example of a PUT body (docs/ray-serve-rest.md#applications). */
const DOCS_EXAMPLE: ServeDeployConfig = {
  proxy_location: 'EveryNode',
  http_options: { host: '0.0.0.0', port: 8000 },
  applications: [
    {
      name: 'text_app',
      route_prefix: '/',
      import_path: 'text_ml:app',
      runtime_env: {
        working_dir: 'https://github.com/ray-project/serve_config_examples/archive/HEAD.zip',
      },
      deployments: [
        { name: 'Translator', user_config: { language: 'french' } },
        { name: 'Summarizer', num_replicas: 2 },
      ],
    },
  ],
};

/** Every field we model, no nulls (the v1 JSON Schema never allows null). */
const FULL: ServeDeployConfig = {
  proxy_location: 'HeadOnly',
  http_options: {
    host: '127.0.0.1',
    port: 8000,
    root_path: '',
    request_timeout_s: 30,
    keep_alive_timeout_s: 90,
  },
  grpc_options: {
    port: 9000,
    grpc_servicer_functions: ['pkg.mod:add_Servicer_to_server'],
    request_timeout_s: 10,
  },
  logging_config: {
    encoding: 'JSON',
    log_level: 'DEBUG',
    logs_dir: '/tmp/logs',
    enable_access_log: false,
  },
  target_capacity: 50,
  applications: [
    {
      name: 'app1',
      route_prefix: '/app1',
      import_path: 'synapse_builder:build_app',
      runtime_env: {
        working_dir: 'gcs://_ray_pkg_0123456789abcdef.zip',
        py_modules: ['s3://bucket/mod.zip', 'https://example.com/m.whl'],
        pip: ['torch==2.5.0'],
        env_vars: { A: 'b' },
      },
      args: { entrypoint: 'plugin.main:Model', backend_url: 'https://backend.example' },
      logging_config: { log_level: 20, additional_log_standard_attrs: ['name'] },
      deployments: [
        {
          name: 'Model',
          num_replicas: 2,
          max_ongoing_requests: 5,
          max_queued_requests: -1,
          user_config: { threshold: 0.5 },
          graceful_shutdown_wait_loop_s: 2,
          graceful_shutdown_timeout_s: 20,
          health_check_period_s: 10,
          health_check_timeout_s: 30,
          ray_actor_options: {
            num_cpus: 1,
            num_gpus: 0.5,
            memory: 1_073_741_824,
            resources: { custom: 1 },
            accelerator_type: 'A100',
            runtime_env: { env_vars: { X: '1' } },
          },
          placement_group_bundles: [{ CPU: 1 }, { GPU: 1 }],
          placement_group_strategy: 'PACK',
          logging_config: { encoding: 'TEXT' },
        },
        {
          name: 'Router',
          num_replicas: 'auto',
          autoscaling_config: {
            min_replicas: 1,
            max_replicas: 4,
            initial_replicas: 2,
            target_ongoing_requests: 3,
            upscale_delay_s: 5,
          },
          max_replicas_per_node: 2,
        },
      ],
    },
    { name: 'app2', route_prefix: '/app2', import_path: 'other.module.app' },
  ],
};

/** Nulls Ray accepts (checked against the v2 JSON Schema only). */
const WITH_NULLS: ServeDeployConfig = {
  logging_config: null,
  target_capacity: null,
  http_options: { request_timeout_s: null },
  applications: [
    {
      name: 'a',
      route_prefix: null,
      import_path: 'm:a',
      logging_config: null,
      deployments: [
        {
          name: 'D',
          num_replicas: null,
          user_config: null,
          autoscaling_config: null,
          ray_actor_options: {
            num_cpus: null,
            num_gpus: null,
            memory: null,
            accelerator_type: null,
          },
        },
      ],
    },
    { name: 'b', route_prefix: null, import_path: 'm:b' },
  ],
};

const app = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'a',
  import_path: 'm:app',
  ...extra,
});
const withApps = (...apps: Record<string, unknown>[]): Record<string, unknown> => ({
  applications: apps,
});
const withDeployment = (deployment: Record<string, unknown>): Record<string, unknown> =>
  withApps(app({ deployments: [{ name: 'Ok' }, { name: 'D', ...deployment }] }));

/** [description, config, field path, text the message must contain] — docs/ray-serve-rest.md#config-validation. */
const INVALID: [string, unknown, string, string][] = [
  ['applications missing', {}, 'applications', 'expected array'],
  [
    'unknown top-level key',
    { applications: [], proxy_locaton: 'HeadOnly' },
    'proxy_locaton',
    'did you mean "proxy_location"',
  ],
  [
    'duplicate application names',
    withApps(app({ route_prefix: '/a' }), app({ route_prefix: '/b' })),
    'applications.1.name',
    'Found multiple configs for application "a"',
  ],
  [
    'duplicate default names',
    withApps(
      { import_path: 'm:a', route_prefix: '/a' },
      { import_path: 'm:b', route_prefix: '/b' },
    ),
    'applications.1.name',
    'Found multiple configs for application "default"',
  ],
  [
    'empty application name',
    withApps(app({ name: '' })),
    'applications.0.name',
    'Application names must be nonempty.',
  ],
  [
    'duplicate route prefixes',
    withApps(app({ route_prefix: '/x' }), app({ name: 'b', route_prefix: '/x' })),
    'applications.1.route_prefix',
    'Found duplicate applications for route prefix "/x"',
  ],
  [
    'duplicate implicit "/" prefixes',
    withApps(app(), app({ name: 'b' })),
    'applications.1.route_prefix',
    'route prefix "/"',
  ],
  [
    'route prefix without leading slash',
    withApps(app({ route_prefix: 'api' })),
    'applications.0.route_prefix',
    'must start with "/"',
  ],
  [
    'route prefix with trailing slash',
    withApps(app({ route_prefix: '/api/' })),
    'applications.0.route_prefix',
    'must not end with "/"',
  ],
  [
    'route prefix with braces',
    withApps(app({ route_prefix: '/{id}' })),
    'applications.0.route_prefix',
    'must not contain "{"',
  ],
  [
    'bad proxy_location',
    { applications: [], proxy_location: 'Everywhere' },
    'proxy_location',
    'Invalid option',
  ],
  [
    'target_capacity above 100',
    { applications: [], target_capacity: 101 },
    'target_capacity',
    'Too big',
  ],
  [
    'target_capacity below 0',
    { applications: [], target_capacity: -1 },
    'target_capacity',
    'Too small',
  ],
  [
    'host inside an application',
    withApps(app({ host: '0.0.0.0' })),
    'applications.0.host',
    'set http_options.host at the top level',
  ],
  [
    'port inside an application',
    withApps(app({ port: 8000 })),
    'applications.0.port',
    'set http_options.port at the top level',
  ],
  ['import_path missing', withApps({ name: 'a' }), 'applications.0.import_path', 'expected string'],
  [
    'import_path with two colons',
    withApps(app({ import_path: 'a:b:c' })),
    'applications.0.import_path',
    'at most one colon',
  ],
  [
    'import_path starting with a colon',
    withApps(app({ import_path: ':app' })),
    'applications.0.import_path',
    'may not start or end with a colon',
  ],
  [
    'import_path ending with a colon',
    withApps(app({ import_path: 'mod:' })),
    'applications.0.import_path',
    'may not start or end with a colon',
  ],
  [
    'import_path without a dot or colon',
    withApps(app({ import_path: 'app' })),
    'applications.0.import_path',
    'must contain at least one "."',
  ],
  [
    'import_path ending with a period',
    withApps(app({ import_path: 'mod.app.' })),
    'applications.0.import_path',
    'may not start or end with a period',
  ],
  [
    'local working_dir',
    withApps(app({ runtime_env: { working_dir: '.' } })),
    'applications.0.runtime_env.working_dir',
    'is a local path',
  ],
  [
    'absolute local working_dir',
    withApps(app({ runtime_env: { working_dir: '/home/me/plugin' } })),
    'applications.0.runtime_env.working_dir',
    'is a local path',
  ],
  [
    'ftp:// working_dir',
    withApps(app({ runtime_env: { working_dir: 'ftp://example.com/a.zip' } })),
    'applications.0.runtime_env.working_dir',
    'unsupported URI scheme "ftp"',
  ],
  [
    'local py_modules entry',
    withApps(app({ runtime_env: { py_modules: ['s3://b/m.zip', './mod'] } })),
    'applications.0.runtime_env.py_modules.1',
    'is a local path',
  ],
  [
    'local working_dir in ray_actor_options',
    withDeployment({ ray_actor_options: { runtime_env: { working_dir: 'src' } } }),
    'applications.0.deployments.1.ray_actor_options.runtime_env.working_dir',
    'is a local path',
  ],
  [
    'null runtime_env (docs/ray-serve-rest.md#config-validation)',
    withApps(app({ runtime_env: null })),
    'applications.0.runtime_env',
    'must not be null',
  ],
  [
    'null args (docs/ray-serve-rest.md#config-validation)',
    withApps(app({ args: null })),
    'applications.0.args',
    'must not be null',
  ],
  [
    'null deployments (docs/ray-serve-rest.md#config-validation)',
    withApps(app({ deployments: null })),
    'applications.0.deployments',
    'must not be null',
  ],
  [
    'deployment without a name',
    withApps(app({ deployments: [{ num_replicas: 1 }] })),
    'applications.0.deployments.0.name',
    'expected string',
  ],
  [
    'num_replicas 0',
    withDeployment({ num_replicas: 0 }),
    'applications.0.deployments.1.num_replicas',
    'must be a positive integer or "auto"',
  ],
  [
    'num_replicas -1',
    withDeployment({ num_replicas: -1 }),
    'applications.0.deployments.1.num_replicas',
    'must be a positive integer or "auto"',
  ],
  [
    'num_replicas 1.5',
    withDeployment({ num_replicas: 1.5 }),
    'applications.0.deployments.1.num_replicas',
    'must be a positive integer or "auto"',
  ],
  [
    'num_replicas "two"',
    withDeployment({ num_replicas: 'two' }),
    'applications.0.deployments.1.num_replicas',
    'must be a positive integer or "auto"',
  ],
  [
    'num_replicas "2" (docs/ray-serve-rest.md#the-400-text)',
    withDeployment({ num_replicas: '2' }),
    'applications.0.deployments.1.num_replicas',
    'must be a positive integer or "auto"',
  ],
  [
    'num_replicas with autoscaling_config',
    withDeployment({ num_replicas: 2, autoscaling_config: { min_replicas: 1, max_replicas: 3 } }),
    'applications.0.deployments.1.num_replicas',
    'not allowed when autoscaling_config is provided',
  ],
  [
    'max_ongoing_requests 0',
    withDeployment({ max_ongoing_requests: 0 }),
    'applications.0.deployments.1.max_ongoing_requests',
    'Too small',
  ],
  [
    'max_queued_requests 0',
    withDeployment({ max_queued_requests: 0 }),
    'applications.0.deployments.1.max_queued_requests',
    'must be -1 (no limit) or >= 1',
  ],
  [
    'max_queued_requests -2',
    withDeployment({ max_queued_requests: -2 }),
    'applications.0.deployments.1.max_queued_requests',
    'must be -1 (no limit) or >= 1',
  ],
  [
    'max_queued_requests 1.5 (StrictInt)',
    withDeployment({ max_queued_requests: 1.5 }),
    'applications.0.deployments.1.max_queued_requests',
    'expected int',
  ],
  [
    'graceful_shutdown_timeout_s < 0',
    withDeployment({ graceful_shutdown_timeout_s: -1 }),
    'applications.0.deployments.1.graceful_shutdown_timeout_s',
    'Too small',
  ],
  [
    'health_check_period_s 0',
    withDeployment({ health_check_period_s: 0 }),
    'applications.0.deployments.1.health_check_period_s',
    'Too small',
  ],
  [
    'negative num_cpus',
    withDeployment({ ray_actor_options: { num_cpus: -1 } }),
    'applications.0.deployments.1.ray_actor_options.num_cpus',
    'Too small',
  ],
  [
    'placement_group_bundles with max_replicas_per_node',
    withDeployment({ placement_group_bundles: [{ CPU: 1 }], max_replicas_per_node: 2 }),
    'applications.0.deployments.1.max_replicas_per_node',
    'not allowed when placement_group_bundles is provided',
  ],
  [
    'max_replicas_per_node above 100',
    withDeployment({ max_replicas_per_node: 101 }),
    'applications.0.deployments.1.max_replicas_per_node',
    'Too big',
  ],
  [
    'typo in a deployment key',
    withDeployment({ num_replica: 2 }),
    'applications.0.deployments.1.num_replica',
    'did you mean "num_replicas"',
  ],
  [
    'max_ongoing_requests inside autoscaling_config (#62538)',
    withDeployment({ autoscaling_config: { max_ongoing_requests: 5 } }),
    'applications.0.deployments.1.autoscaling_config.max_ongoing_requests',
    'is an option of the deployment itself',
  ],
  [
    'autoscaling min above max',
    withDeployment({ autoscaling_config: { min_replicas: 5, max_replicas: 2 } }),
    'applications.0.deployments.1.autoscaling_config.max_replicas',
    'must be >= min_replicas',
  ],
  [
    'unknown key in LoggingConfig',
    withApps(app({ logging_config: { level: 'INFO' } })),
    'applications.0.logging_config.level',
    'unknown field',
  ],
  [
    'bad log encoding',
    { applications: [], logging_config: { encoding: 'XML' } },
    'logging_config.encoding',
    'Invalid option',
  ],
  [
    'bad log level',
    { applications: [], logging_config: { log_level: 'LOUD' } },
    'logging_config.log_level',
    'is not a log level',
  ],
  [
    'external scaler with autoscaling',
    withApps(
      app({ external_scaler_enabled: true, deployments: [{ name: 'D', num_replicas: 'auto' }] }),
    ),
    'applications.0.deployments.0',
    'must not autoscale',
  ],
  [
    'unknown key in http_options',
    { applications: [], http_options: { hots: 'x' } },
    'http_options.hots',
    'did you mean "host"',
  ],
];

describe('ServeDeploySchema', () => {
  describe('when the config is valid', () => {
    it.each([
      ['the documented example', DOCS_EXAMPLE],
      ['a config using every modelled field', FULL],
      ['an empty application list', { applications: [] }],
    ])("accepts %s and Ray's v1 and v2 JSON Schemas accept it too", (_name, config) => {
      expect(serveDeployConfigIssues(config)).toEqual([]);
      expect(ServeDeploySchema.parse(config)).toEqual(config);
      expect(rayV1(config)).toBe(true);
      expect(rayV2(config)).toBe(true);
    });

    it('accepts the nulls Ray accepts, and the v2 JSON Schema agrees', () => {
      expect(serveDeployConfigIssues(WITH_NULLS)).toEqual([]);
      expect(rayV2(WITH_NULLS)).toBe(true);
    });

    it('adds no defaults, so unset fields stay unset', () => {
      expect(ServeDeploySchema.parse({ applications: [{ import_path: 'm:a' }] })).toEqual({
        applications: [{ import_path: 'm:a' }],
      });
    });
  });

  describe('when the config is invalid', () => {
    it.each(INVALID)('rejects %s, naming the field', (_name, config, path, text) => {
      const issues = serveDeployConfigIssues(config);
      const issue = issues.find((i) => i.path === path);
      expect({ path: issue?.path, all: issues }).toMatchObject({ path });
      expect(issue?.message).toContain(text);
    });

    it('parseServeDeployConfig throws ConfigError with every issue and the field paths', () => {
      let caught: unknown;
      try {
        parseServeDeployConfig(withDeployment({ num_replicas: 0, max_ongoing_requests: 0 }));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      const error = caught as ConfigError;
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.issues.map((i) => i.path)).toEqual([
        'applications.0.deployments.1.num_replicas',
        'applications.0.deployments.1.max_ongoing_requests',
      ]);
      expect(error.message).toContain(
        'Serve deploy config: applications.0.deployments.1.num_replicas: must be a positive integer or "auto"',
      );
    });
  });
});

describe('remoteUriProblem', () => {
  it.each(['gcs', 'conda', 'pip', 'uv', 'http', 'https', 's3', 'gs', 'azure', 'abfss', 'file'])(
    'accepts %s://',
    (scheme) => {
      expect(remoteUriProblem(`${scheme}://x/y.zip`)).toBeUndefined();
    },
  );
  it.each(['ftp://x/y.zip', 'relative/dir', 'C:\\plugin'])('rejects %s', (uri) => {
    expect(remoteUriProblem(uri)).toMatch(/local path|unsupported URI scheme/);
  });
});

describe('importPathProblem', () => {
  it.each(['m:app', 'a.b.c:app', 'a.b.app'])('accepts %s', (path) => {
    expect(importPathProblem(path)).toBeUndefined();
  });
});

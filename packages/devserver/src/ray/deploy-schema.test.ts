import { describe, expect, it } from '@jest/globals';

import { validateServeDeploy } from './deploy-schema.js';
import { rayBehaviour } from './ray-behaviour.js';

// These are the texts and rules of Ray before 2.58 (`rayVersion` below 2.58); 2.58's are in
// deploy-schema-v2.test.ts.
const legacy = rayBehaviour('2.46.0');
const lenient = { strictExtras: false, behaviour: legacy };
const strict = { strictExtras: true, behaviour: legacy };
const app = (extra: Record<string, unknown> = {}) => ({
  name: 'a',
  import_path: 'mod:app',
  ...extra,
});

function errorText(body: unknown, options = lenient): string {
  const result = validateServeDeploy(body, options);
  if (result.ok) throw new Error('expected a validation error');
  return result.text;
}

describe('validateServeDeploy (docs/ray-serve-rest.md#config-validation, pydantic v1 era)', () => {
  it('accepts a minimal config and keeps only the keys that were sent', () => {
    const result = validateServeDeploy({ applications: [{ import_path: 'mod:app' }] }, lenient);
    expect(result).toEqual({ ok: true, config: { applications: [{ import_path: 'mod:app' }] } });
  });

  it('reports a missing applications list, followed by the root validator error (docs/ray-serve-rest.md#the-400-text)', () => {
    expect(errorText({})).toBe(
      "ValidationError(model='ServeDeploySchema', errors=[{'loc': ('applications',), 'msg': 'field required', 'type': 'value_error.missing'}, {'loc': ('__root__',), 'msg': \"'NoneType' object is not iterable\", 'type': 'type_error'}])",
    );
  });

  it('rejects a body that is not a dict', () => {
    expect(errorText([])).toBe(
      "ValidationError(model='ServeDeploySchema', errors=[{'loc': ('__root__',), 'msg': 'ServeDeploySchema expected dict not list', 'type': 'type_error'}])",
    );
  });

  it('reports a missing import_path with its full location', () => {
    expect(errorText({ applications: [{ name: 'a' }] })).toContain(
      "{'loc': ('applications', 0, 'import_path'), 'msg': 'field required', 'type': 'value_error.missing'}",
    );
  });

  it('checks the import_path format', () => {
    expect(errorText({ applications: [app({ import_path: 'a:b:c' })] })).toContain(
      'Got invalid import path "a:b:c". An import path may have at most one colon.',
    );
    expect(errorText({ applications: [app({ import_path: ':app' })] })).toContain(
      'may not start or end with a colon.',
    );
    expect(errorText({ applications: [app({ import_path: 'nodot' })] })).toContain(
      'must contain at least on dot or colon',
    );
    expect(errorText({ applications: [app({ import_path: 'mod.' })] })).toContain(
      'may not start or end with a dot.',
    );
    expect(
      validateServeDeploy({ applications: [app({ import_path: 'pkg.mod.app' })] }, lenient).ok,
    ).toBe(true);
  });

  it('rejects duplicate names, duplicate route prefixes and empty names', () => {
    expect(errorText({ applications: [app(), app({ route_prefix: '/x' })] })).toContain(
      "'msg': 'Found multiple configs for application \"a\". Please remove all duplicates.', 'type': 'value_error'",
    );
    expect(
      errorText({
        applications: [app({ route_prefix: '/a' }), app({ name: 'b', route_prefix: '/a' })],
      }),
    ).toBe(
      "ValidationError(model='ServeDeploySchema', errors=[{'loc': ('applications',), 'msg': 'Found duplicate applications for route prefix \"/a\". Please ensure each application\\'s route_prefix is unique.', 'type': 'value_error'}, {'loc': ('__root__',), 'msg': \"'NoneType' object is not iterable\", 'type': 'type_error'}])",
    );
    expect(errorText({ applications: [app({ name: '' })] })).toContain(
      'Application names must be nonempty.',
    );
  });

  it('lets apps with route_prefix null share the (absent) prefix', () => {
    expect(
      validateServeDeploy(
        { applications: [app({ route_prefix: null }), app({ name: 'b', route_prefix: null })] },
        lenient,
      ).ok,
    ).toBe(true);
  });

  it('accepts remote URIs and gcs packages, rejects local paths and http:// (docs/ray-serve-rest.md#config-validation)', () => {
    for (const uri of ['gcs://_ray_pkg_abc.zip', 'https://x/y.zip', 's3://b/k.zip']) {
      expect(
        validateServeDeploy({ applications: [app({ runtime_env: { working_dir: uri } })] }, lenient)
          .ok,
      ).toBe(true);
    }
    expect(errorText({ applications: [app({ runtime_env: { working_dir: '.' } })] })).toContain(
      'runtime_envs in the Serve config support only remote URIs in working_dir and py_modules. Got error when parsing URI: Invalid protocol for runtime_env URI ".".',
    );
    expect(
      errorText({ applications: [app({ runtime_env: { working_dir: 'http://x/y.zip' } })] }),
    ).toContain("Original error: \\'http\\' is not a valid Protocol");
    expect(
      errorText({ applications: [app({ runtime_env: { py_modules: ['/local/dir'] } })] }),
    ).toContain("('applications', 0, 'runtime_env')");
  });

  it('rejects num_replicas together with autoscaling_config and bad num_replicas strings', () => {
    expect(
      errorText({
        applications: [
          app({
            deployments: [{ name: 'D', num_replicas: 2, autoscaling_config: { min_replicas: 1 } }],
          }),
        ],
      }),
    ).toContain(
      "{'loc': ('applications', 0, 'deployments', 0, '__root__'), 'msg': 'Manually setting num_replicas is not allowed when autoscaling_config is provided.', 'type': 'value_error'}",
    );
    expect(
      errorText({ applications: [app({ deployments: [{ name: 'D', num_replicas: 'many' }] })] }),
    ).toContain('`num_replicas` must be an int or "auto", but got: many');
    // pydantic v1 turns 0 into the string "0" (Union[PositiveInt, str]), which the validator rejects.
    expect(
      errorText({ applications: [app({ deployments: [{ name: 'D', num_replicas: 0 }] })] }),
    ).toContain('but got: 0');
  });

  it('coerces like pydantic v1: "2" and 1.5 and true become ints (docs/ray-serve-rest.md#the-400-text)', () => {
    const result = validateServeDeploy(
      {
        applications: [
          app({
            deployments: [
              { name: 'D', num_replicas: '2', max_ongoing_requests: 1.5 },
              { name: 'E', num_replicas: true },
            ],
          }),
        ],
      },
      lenient,
    );
    expect(result.ok && result.config.applications[0]?.deployments).toEqual([
      { name: 'D', num_replicas: 2, max_ongoing_requests: 1 },
      { name: 'E', num_replicas: 1 },
    ]);
  });

  it('reports range and type errors with pydantic codes and ctx', () => {
    expect(
      errorText({ applications: [app({ deployments: [{ name: 'D', max_ongoing_requests: 0 }] })] }),
    ).toContain(
      "{'loc': ('applications', 0, 'deployments', 0, 'max_ongoing_requests'), 'msg': 'ensure this value is greater than 0', 'type': 'value_error.number.not_gt', 'ctx': {'limit_value': 0}}",
    );
    expect(
      errorText({
        applications: [app({ deployments: [{ name: 'D', ray_actor_options: { num_cpus: -1 } }] })],
      }),
    ).toContain(
      "('applications', 0, 'deployments', 0, 'ray_actor_options', 'num_cpus'), 'msg': 'ensure this value is greater than or equal to 0', 'type': 'value_error.number.not_ge'",
    );
    expect(
      errorText({ applications: [app({ deployments: [{ name: 'D', max_queued_requests: 0 }] })] }),
    ).toContain('max_queued_requests must be -1 (no limit) or a positive integer.');
    expect(
      errorText({
        applications: [app({ deployments: [{ name: 'D', max_queued_requests: '3' }] })],
      }),
    ).toContain("'msg': 'value is not a valid integer', 'type': 'type_error.integer'");
    expect(errorText({ target_capacity: 150, applications: [] })).toContain(
      "'msg': 'ensure this value is less than or equal to 100', 'type': 'value_error.number.not_le', 'ctx': {'limit_value': 100}",
    );
    expect(errorText({ proxy_location: 'Nowhere', applications: [] })).toContain(
      "'msg': \"value is not a valid enumeration member; permitted: 'Disabled', 'HeadOnly', 'EveryNode'\", 'type': 'type_error.enum', 'ctx': {'enum_values': [<ProxyLocation.Disabled: 'Disabled'>, <ProxyLocation.HeadOnly: 'HeadOnly'>, <ProxyLocation.EveryNode: 'EveryNode'>]}",
    );
  });

  it('rejects null for args, runtime_env and deployments (docs/ray-serve-rest.md#config-validation)', () => {
    for (const key of ['args', 'runtime_env', 'deployments']) {
      expect(errorText({ applications: [app({ [key]: null })] })).toContain(
        `('applications', 0, '${key}'), 'msg': 'none is not an allowed value', 'type': 'type_error.none.not_allowed'`,
      );
    }
  });

  it('rejects host or port inside an app', () => {
    expect(errorText({ applications: [app({ host: '1.2.3.4' })] })).toContain(
      'Host "1.2.3.4" is set in the config for application `a`. Please remove it and set host in the top level deploy config only.',
    );
    expect(errorText({ applications: [app({ port: 9 })] })).toContain(
      'Port 9 is set in the config for application `a`.',
    );
  });

  it('rejects placement_group_bundles with max_replicas_per_node', () => {
    expect(
      errorText({
        applications: [
          app({
            deployments: [
              { name: 'D', placement_group_bundles: [{ CPU: 1 }], max_replicas_per_node: 2 },
            ],
          }),
        ],
      }),
    ).toContain(
      'Setting max_replicas_per_node is not allowed when placement_group_bundles is provided.',
    );
  });

  it('rejects external_scaler_enabled with autoscaling deployments', () => {
    expect(
      errorText({
        applications: [
          app({
            external_scaler_enabled: true,
            deployments: [{ name: 'D', num_replicas: 'auto' }],
          }),
        ],
      }),
    ).toContain(
      'external_scaler_enabled is set to True, but the following deployment(s) have autoscaling configured: "D".',
    );
  });

  it('ignores unknown keys by default and drops them from the stored config (Ray ≥ 2.7)', () => {
    const result = validateServeDeploy(
      {
        bogus: 1,
        applications: [
          app({
            typo: 1,
            deployments: [
              {
                name: 'D',
                max_concurrent_queries: 3,
                autoscaling_config: { max_ongoing_requests: 2 },
              },
            ],
          }),
        ],
      },
      lenient,
    );
    expect(result.ok && result.config).toEqual({
      applications: [
        {
          name: 'a',
          import_path: 'mod:app',
          deployments: [{ name: 'D', autoscaling_config: { max_ongoing_requests: 2 } }],
        },
      ],
    });
  });

  it('rejects unknown keys everywhere with strictExtras (Ray ≤ 2.6)', () => {
    const text = errorText(
      {
        bogus: 1,
        applications: [app({ typo: 1, deployments: [{ name: 'D', max_concurrent_queries: 3 }] })],
      },
      strict,
    );
    expect(text).toContain(
      "{'loc': ('applications', 0, 'deployments', 0, 'max_concurrent_queries'), 'msg': 'extra fields not permitted', 'type': 'value_error.extra'}",
    );
    expect(text).toContain(
      "{'loc': ('applications', 0, 'typo'), 'msg': 'extra fields not permitted', 'type': 'value_error.extra'}",
    );
    expect(text).toContain(
      "{'loc': ('bogus',), 'msg': 'extra fields not permitted', 'type': 'value_error.extra'}",
    );
  });

  it('keeps LoggingConfig strict in lenient mode and validates its values', () => {
    expect(
      errorText({ logging_config: { log_level: 'INFO', colour: true }, applications: [] }),
    ).toBe(
      "ValidationError(model='ServeDeploySchema', errors=[{'loc': ('logging_config', 'colour'), 'msg': 'extra fields not permitted', 'type': 'value_error.extra'}])",
    );
    expect(errorText({ applications: [app({ logging_config: { encoding: 'XML' } })] })).toContain(
      "Got 'XML' for encoding.",
    );
    expect(errorText({ applications: [app({ logging_config: { log_level: 'LOUD' } })] })).toContain(
      'Got "LOUD" for log_level.',
    );
    const ok = validateServeDeploy(
      { logging_config: { log_level: 10 }, applications: [] },
      lenient,
    );
    expect(ok.ok && ok.config.logging_config).toEqual({ log_level: 'DEBUG' });
  });

  it('does not validate route_prefix format or autoscaling_config contents at PUT time (docs/ray-serve-rest.md#what-only-fails-later)', () => {
    expect(
      validateServeDeploy(
        {
          applications: [
            app({
              route_prefix: 'no-slash/',
              deployments: [
                { name: 'D', autoscaling_config: { min_replicas: 5, max_replicas: 1 } },
              ],
            }),
          ],
        },
        lenient,
      ).ok,
    ).toBe(true);
  });
});

import { pyRepr, pyStrOf } from '../python/py-repr.js';
import type { Coerced, FieldSpec, Loc, PydanticError } from './pydantic.js';
import {
  checkNumber,
  coerceBool,
  coerceDict,
  coerceEnum,
  coerceFloat,
  coerceInt,
  coerceList,
  coerceStr,
  coerceStrictInt,
  coerceStrList,
  ErrorSink,
  FAIL,
  formatValidationError,
  formatValidationErrorV2,
  isDict,
  modelField,
  parseModel,
  unionOf,
} from './pydantic.js';
import type { RayBehaviour } from './ray-behaviour.js';
import { rayBehaviour } from './ray-behaviour.js';

/** A deployment override as sent (only the keys the client set, values after coercion). */
export interface DeploymentOverride {
  name: string;
  [key: string]: unknown;
}

/** One application of a validated PUT body (only the keys the client set; `exclude_unset`). */
export interface AppConfig {
  import_path: string;
  name?: string;
  route_prefix?: string | null;
  runtime_env?: Record<string, unknown>;
  deployments?: DeploymentOverride[];
  args?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A validated `ServeDeploySchema` body. */
export interface ServeDeployConfig {
  applications: AppConfig[];
  proxy_location?: ProxyLocation;
  http_options?: Record<string, unknown>;
  grpc_options?: Record<string, unknown>;
  logging_config?: Record<string, unknown> | null;
  target_capacity?: number | null;
}

/** Where Serve runs proxies. */
export type ProxyLocation = 'Disabled' | 'HeadOnly' | 'EveryNode';
const PROXY_LOCATIONS: readonly ProxyLocation[] = ['Disabled', 'HeadOnly', 'EveryNode'];

/** Outcome of {@link validateServeDeploy}. */
export type DeployValidation =
  | { ok: true; config: ServeDeployConfig }
  | { ok: false; errors: PydanticError[]; text: string };

const LOG_LEVEL_NAMES = [
  'CRITICAL',
  'FATAL',
  'ERROR',
  'WARN',
  'WARNING',
  'INFO',
  'DEBUG',
  'NOTSET',
];
const LOG_LEVEL_BY_NUMBER: Record<number, string> = {
  50: 'CRITICAL',
  40: 'ERROR',
  30: 'WARNING',
  20: 'INFO',
  10: 'DEBUG',
  0: 'NOTSET',
};
const LOGRECORD_STANDARD_ATTRS = [
  'asctime',
  'created',
  'exc_info',
  'exc_text',
  'filename',
  'funcName',
  'levelname',
  'levelno',
  'lineno',
  'module',
  'msecs',
  'message',
  'msg',
  'name',
  'pathname',
  'process',
  'processName',
  'relativeCreated',
  'stack_info',
  'thread',
  'threadName',
  'taskName',
];

type Parse = FieldSpec['parse'];
const str: Parse = coerceStr;
const int: Parse = coerceInt;
const float: Parse = coerceFloat;
const bool: Parse = coerceBool;
const dict: Parse = coerceDict;
const list: Parse = coerceList;
const strList: Parse = coerceStrList;

function constrained(
  base: (s: ErrorSink, v: unknown, l: Loc) => Coerced<number>,
  limits: { gt?: number; ge?: number; le?: number },
): Parse {
  return (sink, v, loc) => {
    const n = base(sink, v, loc);
    return n === FAIL ? FAIL : checkNumber(sink, n, loc, limits);
  };
}

/** Raises a validator's `ValueError` when `check` returns a message. */
function validated(
  parse: Parse,
  check: (value: unknown, sink: ErrorSink) => string | undefined,
): Parse {
  return (sink, v, loc) => {
    const out = parse(sink, v, loc);
    if (out === FAIL) return FAIL;
    const message = check(out, sink);
    return message === undefined ? out : sink.valueError(loc, message, v);
  };
}

/** `parse_uri` of Ray's packaging.py, reduced to the scheme check the Serve schema relies on. */
function parseUriError(uri: unknown, schemes: readonly string[], era: 1 | 2): string | undefined {
  const text = String(uri);
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  const scheme = match?.[1]?.toLowerCase() ?? '';
  if (schemes.includes(scheme)) return undefined;
  if (era === 2 && match === null) return `Expected URI but received path ${text}`;
  return (
    `Invalid protocol for runtime_env URI "${text}". Supported protocols: ` +
    `${pyRepr(schemes.map((s) => s.toUpperCase()))}. Original error: ${pyRepr(scheme)} is not a valid Protocol`
  );
}

/** The `runtime_env_contains_remote_uris` validator, for the given URI schemes. */
const remoteUrisOnly = (schemes: readonly string[]) => (value: unknown, sink: ErrorSink) => {
  if (!isDict(value)) return undefined;
  const modules = value['py_modules'];
  const uris: unknown[] = Array.isArray(modules)
    ? [...modules]
    : typeof modules === 'string'
      ? [...modules]
      : [];
  if (Object.hasOwn(value, 'working_dir')) uris.push(value['working_dir']);
  for (const uri of uris) {
    if (uri === null) continue;
    const error = parseUriError(uri, schemes, sink.era);
    if (error !== undefined) {
      return `runtime_envs in the Serve config support only remote URIs in working_dir and py_modules. Got error when parsing URI: ${error}`;
    }
  }
  return undefined;
};

function importPathError(v: unknown): string | undefined {
  const path = String(v);
  if (path.includes(':')) {
    if (path.split(':').length - 1 > 1)
      return `Got invalid import path "${path}". An import path may have at most one colon.`;
    const at = path.lastIndexOf(':');
    if (at === 0 || at === path.length - 1)
      return `Got invalid import path "${path}". An import path may not start or end with a colon.`;
    return undefined;
  }
  if (!path.includes('.')) {
    return (
      `Got invalid import path "${path}". An import path must contain at least on dot or colon separating ` +
      'the module (and potentially submodules) from the deployment graph. E.g.: "module.deployment_graph".'
    );
  }
  const at = path.lastIndexOf('.');
  if (at === 0 || at === path.length - 1)
    return `Got invalid import path "${path}". An import path may not start or end with a dot.`;
  return undefined;
}

// ---- LoggingConfig (always Extra.forbid) ----

const LOGGING_FIELDS: readonly FieldSpec[] = [
  {
    name: 'encoding',
    parse: validated(str, (v, sink) =>
      v === 'TEXT' || v === 'JSON'
        ? undefined
        : `Got '${String(v)}' for encoding. Encoding must be one of ${
            sink.era === 1
              ? "{<EncodingType.TEXT: 'TEXT'>, <EncodingType.JSON: 'JSON'>}"
              : "{<EncodingType.JSON: 'JSON'>, <EncodingType.TEXT: 'TEXT'>}"
          }.`,
    ),
  },
  {
    name: 'log_level',
    parse: (sink, v, loc) => {
      const value = unionOf({ tag: 'int', parse: int }, { tag: 'str', parse: str })(sink, v, loc);
      if (value === FAIL) return FAIL;
      if (typeof value === 'number') {
        const name = LOG_LEVEL_BY_NUMBER[value];
        if (name !== undefined) return name;
        return sink.valueError(
          loc,
          `Got "${value}" for log_level. log_level must be one of [50, 40, 30, 20, 10, 0].`,
          v,
        );
      }
      if (LOG_LEVEL_NAMES.includes(String(value))) return value;
      return sink.valueError(
        loc,
        `Got "${String(value)}" for log_level. log_level must be one of ${pyRepr(LOG_LEVEL_NAMES)}.`,
        v,
      );
    },
  },
  { name: 'logs_dir', allowNone: true, parse: str },
  { name: 'enable_access_log', parse: bool },
  {
    name: 'additional_log_standard_attrs',
    parse: (sink, v, loc) => {
      const attrs = strList(sink, v, loc);
      if (attrs === FAIL) return FAIL;
      for (const attr of attrs as string[]) {
        if (!LOGRECORD_STANDARD_ATTRS.includes(attr)) {
          return sink.valueError(
            loc,
            `Unknown attribute '${attr}'. Additional log standard attributes must be one of ${pyRepr(LOGRECORD_STANDARD_ATTRS)}.`,
            v,
          );
        }
      }
      return [...new Set(attrs as string[])];
    },
  },
];

const loggingConfig: Parse = modelField(
  'LoggingConfig',
  (sink, input, loc) => parseModel(sink, input, loc, LOGGING_FIELDS, true).values,
);

/** Validation switches. */
export interface DeploySchemaOptions {
  /** Reject unknown keys (Ray ≤ 2.6) instead of ignoring them (Ray ≥ 2.7). */
  strictExtras: boolean;
  /** The Ray release whose schema and texts to follow. @default Ray 2.58's */
  behaviour?: RayBehaviour;
}

/**
 * Validates a PUT body the way `ServeDeploySchema.parse_obj` does: field order, coercion,
 * validators and model validators. Ray 2.58 (pydantic v2) runs its "before" model validators on
 * the raw input and its "after" ones only when the fields passed, and words errors as v2 does;
 * older Ray (pydantic v1) runs root validators after the fields either way, and adds the
 * `'NoneType' object is not iterable` root error after any failure under `applications`
 * (docs/ray-serve-rest.md#the-400-text).
 */
export function validateServeDeploy(body: unknown, options: DeploySchemaOptions): DeployValidation {
  const behaviour = options.behaviour ?? rayBehaviour('2.58.0');
  const era = behaviour.pydantic;
  const sink = new ErrorSink(era);
  const strict = options.strictExtras;
  const remoteOnly = remoteUrisOnly(behaviour.uriSchemes);
  const format = (errors: PydanticError[]) =>
    era === 1
      ? formatValidationError('ServeDeploySchema', errors)
      : formatValidationErrorV2('ServeDeploySchema', errors);

  const rayActorOptionsFields: FieldSpec[] = [
    { name: 'runtime_env', parse: validated(dict, remoteOnly) },
    { name: 'num_cpus', allowNone: true, parse: constrained(coerceFloat, { ge: 0 }) },
    { name: 'num_gpus', allowNone: true, parse: constrained(coerceFloat, { ge: 0 }) },
    { name: 'memory', allowNone: true, parse: constrained(coerceFloat, { ge: 0 }) },
    { name: 'resources', parse: dict },
    { name: 'accelerator_type', allowNone: true, parse: str },
    { name: 'label_selector', allowNone: true, parse: dict },
    { name: 'fallback_strategy', allowNone: true, parse: list },
  ];

  const bundleList: Parse = (s, v, loc) => {
    const items = coerceList(s, v, loc);
    if (items === FAIL) return FAIL;
    const out: Record<string, number>[] = [];
    let failed = false;
    items.forEach((item, i) => {
      const bundle = coerceDict(s, item, [...loc, i]);
      if (bundle === FAIL) {
        failed = true;
        return;
      }
      const parsed: Record<string, number> = {};
      for (const [key, amount] of Object.entries(bundle)) {
        const n = coerceFloat(s, amount, [...loc, i, key]);
        if (n === FAIL) failed = true;
        else parsed[key] = n;
      }
      out.push(parsed);
    });
    return failed ? FAIL : out;
  };

  const deploymentFields: FieldSpec[] = [
    { name: 'name', required: true, parse: str },
    {
      name: 'num_replicas',
      allowNone: true,
      parse: unionOf(
        { tag: 'constrained-int', parse: constrained(coerceInt, { gt: 0 }) },
        { tag: 'str', parse: str },
      ),
    },
    { name: 'max_ongoing_requests', parse: constrained(coerceInt, { gt: 0 }) },
    { name: 'max_queued_requests', parse: coerceStrictInt },
    { name: 'user_config', allowNone: true, parse: dict },
    { name: 'autoscaling_config', allowNone: true, parse: dict },
    { name: 'graceful_shutdown_wait_loop_s', parse: constrained(coerceFloat, { ge: 0 }) },
    { name: 'graceful_shutdown_timeout_s', parse: constrained(coerceFloat, { ge: 0 }) },
    { name: 'health_check_period_s', parse: constrained(coerceFloat, { gt: 0 }) },
    { name: 'health_check_timeout_s', parse: constrained(coerceFloat, { gt: 0 }) },
    {
      name: 'ray_actor_options',
      parse: modelField(
        'RayActorOptionsSchema',
        (s, input, loc) => parseModel(s, input, loc, rayActorOptionsFields, strict).values,
      ),
    },
    { name: 'placement_group_bundles', parse: bundleList },
    { name: 'placement_group_strategy', parse: str },
    { name: 'placement_group_bundle_label_selector', parse: list },
    { name: 'max_replicas_per_node', parse: int },
    { name: 'logging_config', parse: loggingConfig },
    { name: 'request_router_config', parse: dict },
    { name: 'gang_scheduling_config', allowNone: true, parse: dict },
  ];

  /** `num_replicas` with `autoscaling_config`: checked on the fields (v1) or on the raw input (v2). */
  const replicasProblem = (fields: Record<string, unknown>): string | undefined => {
    const numReplicas = fields['num_replicas'];
    const autoscaling = fields['autoscaling_config'];
    // Python's isinstance(x, int) is true for booleans too.
    if (Number.isInteger(numReplicas) || typeof numReplicas === 'boolean') {
      return autoscaling !== undefined && autoscaling !== null
        ? 'Manually setting num_replicas is not allowed when autoscaling_config is provided.'
        : undefined;
    }
    if (numReplicas !== undefined && numReplicas !== null && numReplicas !== 'auto')
      return `\`num_replicas\` must be an int or "auto", but got: ${pyStrOf(numReplicas)}`;
    return undefined;
  };
  /** The checks that look at several fields once they are parsed, in Ray's order. */
  const combinationProblems = (values: Record<string, unknown>): string[] => {
    const problems: string[] = [];
    const perNode = values['max_replicas_per_node'];
    const bundles = values['placement_group_bundles'];
    if (perNode !== undefined && perNode !== null && bundles !== undefined && bundles !== null)
      problems.push(
        'Setting max_replicas_per_node is not allowed when placement_group_bundles is provided.',
      );
    const queued = values['max_queued_requests'];
    if (typeof queued === 'number' && queued < 1 && queued !== -1)
      problems.push('max_queued_requests must be -1 (no limit) or a positive integer.');
    return problems;
  };

  const deployment = modelField('DeploymentSchema', (s, input, loc) => {
    if (s.era === 2) {
      // "before" validator: a failure stops the model before its fields are looked at.
      const before = replicasProblem(input);
      if (before !== undefined) return s.modelError(loc, before, input);
      const errors = s.errors.length;
      const { values } = parseModel(s, input, loc, deploymentFields, strict);
      if (s.errors.length > errors) return FAIL;
      // "after" validators: the first that raises is the only error.
      const after = combinationProblems(values)[0];
      return after === undefined ? values : s.modelError(loc, after, input);
    }
    const { values } = parseModel(s, input, loc, deploymentFields, strict);
    const problems = [replicasProblem(values), ...combinationProblems(values)];
    for (const problem of problems) if (problem !== undefined) s.modelError(loc, problem, input);
    return values;
  });

  const deploymentList: Parse = (s, v, loc) => {
    const items = coerceList(s, v, loc);
    if (items === FAIL) return FAIL;
    const before = s.errors.length;
    const out = items.map((item, i) => deployment(s, item, [...loc, i]));
    return s.errors.length > before ? FAIL : out;
  };

  const appFields: FieldSpec[] = [
    { name: 'name', parse: str },
    { name: 'route_prefix', allowNone: true, parse: str },
    { name: 'import_path', required: true, parse: validated(str, importPathError) },
    { name: 'runtime_env', parse: validated(dict, remoteOnly) },
    { name: 'host', parse: str },
    { name: 'port', parse: int },
    { name: 'deployments', parse: deploymentList },
    { name: 'autoscaling_policy', allowNone: true, parse: dict },
    { name: 'args', parse: dict },
    { name: 'logging_config', allowNone: true, parse: loggingConfig },
    { name: 'external_scaler_enabled', parse: bool },
  ];

  const application = modelField('ServeApplicationSchema', (s, input, loc) => {
    const before = s.errors.length;
    const { values } = parseModel(s, input, loc, appFields, strict);
    // An "after" validator in v2: it only runs when the fields passed.
    const fieldsPassed = s.errors.length === before;
    if (
      (s.era === 1 || fieldsPassed) &&
      values['external_scaler_enabled'] === true &&
      Array.isArray(values['deployments'])
    ) {
      const autoscaled = (values['deployments'] as Record<string, unknown>[])
        .filter(
          (d) =>
            d['num_replicas'] === 'auto' ||
            (d['autoscaling_config'] !== undefined && d['autoscaling_config'] !== null),
        )
        .map((d) => `"${String(d['name'])}"`);
      if (autoscaled.length > 0) {
        s.modelError(
          loc,
          `external_scaler_enabled is set to True, but the following deployment(s) have autoscaling configured: ${autoscaled.join(', ')}. ` +
            "When using an external autoscaler, Serve's built-in autoscaling must be disabled for all deployments in the application.",
          input,
        );
      }
    }
    return s.errors.length > before ? FAIL : values;
  });

  const applications: Parse = (s, v, loc) => {
    const items = coerceList(s, v, loc);
    if (items === FAIL) return FAIL;
    const before = s.errors.length;
    const apps = items.map((item, i) => application(s, item, [...loc, i]));
    if (s.errors.length > before) return FAIL;
    const parsed = apps as Record<string, unknown>[];
    const names = parsed.map((a) => (typeof a['name'] === 'string' ? a['name'] : 'default'));
    const dupNames = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))].map(
      (n) => `"${n}"`,
    );
    if (dupNames.length > 0) {
      const what = (dupNames.length === 1 ? 'application ' : 'applications ') + dupNames.join(', ');
      return s.valueError(
        loc,
        `Found multiple configs for ${what}. Please remove all duplicates.`,
        v,
      );
    }
    const routes = parsed
      .map((a) => (Object.hasOwn(a, 'route_prefix') ? a['route_prefix'] : '/'))
      .filter((r): r is string => typeof r === 'string');
    const dupRoutes = [...new Set(routes.filter((r, i) => routes.indexOf(r) !== i))].map(
      (r) => `"${r}"`,
    );
    if (dupRoutes.length > 0) {
      const what =
        (dupRoutes.length === 1 ? 'route prefix ' : 'route prefixes ') + dupRoutes.join(', ');
      return s.valueError(
        loc,
        `Found duplicate applications for ${what}. Please ensure each application's route_prefix is unique.`,
        v,
      );
    }
    if (names.some((n) => n.length === 0))
      return s.valueError(loc, 'Application names must be nonempty.', v);
    return parsed;
  };

  const httpFields: FieldSpec[] = [
    { name: 'host', parse: str },
    { name: 'port', parse: int },
    { name: 'root_path', parse: str },
    { name: 'request_timeout_s', allowNone: true, parse: float },
    { name: 'keep_alive_timeout_s', parse: int },
    { name: 'ssl_keyfile', allowNone: true, parse: str },
    { name: 'ssl_certfile', allowNone: true, parse: str },
    { name: 'ssl_keyfile_password', allowNone: true, parse: str },
    { name: 'ssl_ca_certs', allowNone: true, parse: str },
  ];
  const httpOptions = modelField('HTTPOptionsSchema', (s, input, loc) => {
    const { values } = parseModel(s, input, loc, httpFields, strict);
    const cert = values['ssl_certfile'];
    if (
      typeof cert === 'string' &&
      (values['ssl_keyfile'] === undefined || values['ssl_keyfile'] === null)
    ) {
      return s.valueError(
        [...loc, 'ssl_certfile'],
        'Both ssl_keyfile and ssl_certfile must be provided together to enable HTTPS.',
        cert,
      );
    }
    return values;
  });
  const grpcFields: FieldSpec[] = [
    { name: 'port', parse: int },
    { name: 'grpc_servicer_functions', parse: strList },
    { name: 'request_timeout_s', allowNone: true, parse: float },
  ];

  const topFields: FieldSpec[] = [
    {
      name: 'proxy_location',
      parse: (s, v, loc) => coerceEnum(s, v, loc, 'ProxyLocation', PROXY_LOCATIONS),
    },
    { name: 'http_options', parse: httpOptions },
    {
      name: 'grpc_options',
      parse: modelField(
        'gRPCOptionsSchema',
        (s, input, loc) => parseModel(s, input, loc, grpcFields, strict).values,
      ),
    },
    // New in 2.58 (experimental, applied when the controller is created).
    ...(era === 2 ? [{ name: 'controller_options', allowNone: true, parse: dict }] : []),
    { name: 'logging_config', allowNone: true, parse: loggingConfig },
    { name: 'applications', required: true, parse: applications },
    {
      name: 'target_capacity',
      allowNone: true,
      parse: constrained(coerceFloat, { ge: 0, le: 100 }),
    },
  ];

  if (!isDict(body)) {
    if (era === 2) {
      sink.add(
        [],
        'Input should be a valid dictionary or instance of ServeDeploySchema',
        'model_type',
        undefined,
        body,
      );
    } else {
      const kind = Array.isArray(body)
        ? 'list'
        : body === null
          ? 'NoneType'
          : typeof body === 'string'
            ? 'str'
            : typeof body === 'boolean'
              ? 'bool'
              : Number.isInteger(body)
                ? 'int'
                : 'float';
      sink.add(['__root__'], `ServeDeploySchema expected dict not ${kind}`, 'type_error');
    }
    return { ok: false, errors: sink.errors, text: format(sink.errors) };
  }

  const { values, failed } = parseModel(sink, body, [], topFields, strict);
  const fieldsPassed = sink.errors.length === 0;
  if (era === 1 && (failed.has('applications') || !Object.hasOwn(values, 'applications'))) {
    // The `nested_host_and_port` root validator iterates `values.get("applications")`.
    sink.add(['__root__'], "'NoneType' object is not iterable", 'type_error');
  } else if (Object.hasOwn(values, 'applications') && (era === 1 || fieldsPassed)) {
    const hostOrPort = nestedHostOrPort(values['applications'] as Record<string, unknown>[]);
    if (hostOrPort !== undefined) sink.modelError([], hostOrPort, body);
  }

  if (sink.errors.length > 0) return { ok: false, errors: sink.errors, text: format(sink.errors) };
  return { ok: true, config: values as unknown as ServeDeployConfig };
}

/** The `nested_host_and_port` validator: host and port belong to the top level only. */
function nestedHostOrPort(apps: readonly Record<string, unknown>[]): string | undefined {
  for (const app of apps) {
    const appName = typeof app['name'] === 'string' ? app['name'] : 'default';
    if (Object.hasOwn(app, 'host'))
      return `Host "${String(app['host'])}" is set in the config for application \`${appName}\`. Please remove it and set host in the top level deploy config only.`;
    if (Object.hasOwn(app, 'port'))
      return `Port ${String(app['port'])} is set in the config for application \`${appName}\`. Please remove it and set port in the top level deploy config only.`;
  }
  return undefined;
}

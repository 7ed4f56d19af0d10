import { pyRepr } from '../python/py-repr.js';
import { formatTraceback, rayFrame } from '../python/traceback.js';
import type { AppConfig, DeploymentOverride } from './deploy-schema.js';
import { importPathAttr } from './import-sim.js';
import type { PydanticError } from './pydantic.js';
import {
  checkNumber,
  coerceFloat,
  coerceInt,
  ErrorSink,
  FAIL,
  isDict,
  parseModel,
} from './pydantic.js';
import type { RayBehaviour } from './ray-behaviour.js';

/** What a deployment of a built app runs with, as `GET` shows it. */
export interface DeploymentPlan {
  name: string;
  /** The override the client sent for it (`{}` when none), used to classify updates. */
  override: Record<string, unknown>;
  /** Effective `deployment_config` (code defaults + overrides + Serve defaults). */
  deploymentConfig: Record<string, unknown>;
  targetReplicas: number;
  requiredResources: Record<string, number>;
}

/** Outcome of planning an app's deployments. */
export type PlanOutcome =
  | { ok: true; plans: DeploymentPlan[]; routePrefix: string | null }
  | { ok: false; message: string };

/** Options that an update applies without restarting replicas (docs `inplace-updates.md`). */
export const LIGHTWEIGHT_OPTIONS = new Set([
  'num_replicas',
  'autoscaling_config',
  'user_config',
  'max_ongoing_requests',
  'graceful_shutdown_wait_loop_s',
  'graceful_shutdown_timeout_s',
  'health_check_period_s',
  'health_check_timeout_s',
]);

const AUTOSCALING_DEFAULTS: Record<string, number> = {
  min_replicas: 1,
  max_replicas: 1,
  target_ongoing_requests: 2,
  metrics_interval_s: 10,
  look_back_period_s: 30,
  smoothing_factor: 1,
  downscale_delay_s: 600,
  upscale_delay_s: 30,
};
const AUTOSCALING_OPTIONAL = [
  'initial_replicas',
  'upscaling_factor',
  'downscaling_factor',
  'upscale_smoothing_factor',
  'downscale_smoothing_factor',
];

/**
 * Deployment names of a built app. Our SDK's builder (`args.entrypoint = 'module:Class'`) makes
 * one deployment named after the class; otherwise the override names, else the import attribute.
 */
export function deploymentNamesOf(app: AppConfig): { names: string[]; fromEntrypoint: boolean } {
  const entrypoint = app.args?.['entrypoint'];
  if (typeof entrypoint === 'string' && entrypoint.includes(':')) {
    return { names: [entrypoint.slice(entrypoint.lastIndexOf(':') + 1)], fromEntrypoint: true };
  }
  const overrides = app.deployments ?? [];
  if (overrides.length > 0)
    return { names: [...new Set(overrides.map((d) => d.name))], fromEntrypoint: false };
  return { names: [importPathAttr(app.import_path)], fromEntrypoint: false };
}

function overrideFailure(exceptionType: string, message: string): string {
  return formatTraceback(
    [
      rayFrame(
        'ray/serve/_private/application_state.py',
        1278,
        '_reconcile_build_app_task',
        'overrided_infos = override_deployment_info(args, self._build_app_task_info.config)',
      ),
      rayFrame(
        'ray/serve/_private/application_state.py',
        1496,
        'override_deployment_info',
        'raise ValueError(',
      ),
    ],
    exceptionType,
    message,
  );
}

function formatPydanticStr(model: string, errors: readonly PydanticError[]): string {
  const lines = [`${errors.length} validation error${errors.length === 1 ? '' : 's'} for ${model}`];
  for (const e of errors) {
    lines.push(e.loc.join(' -> '));
    const ctx =
      e.ctx === undefined
        ? ''
        : `; ${Object.entries(e.ctx)
            .map(([k, v]) => `${k}=${pyRepr(v)}`)
            .join('; ')}`;
    lines.push(`  ${e.msg} (type=${e.type}${ctx})`);
  }
  return lines.join('\n');
}

/** Validates an `autoscaling_config` dict like Ray's `AutoscalingConfig` (done after the PUT). */
export function resolveAutoscaling(
  raw: Record<string, unknown>,
): { ok: true; config: Record<string, unknown> } | { ok: false; text: string } {
  const sink = new ErrorSink();
  const nonNegInt = (s: ErrorSink, v: unknown, loc: readonly (string | number)[]) => {
    const n = coerceInt(s, v, loc);
    return n === FAIL ? FAIL : checkNumber(s, n, loc, { ge: 0 });
  };
  const posFloat = (s: ErrorSink, v: unknown, loc: readonly (string | number)[]) => {
    const n = coerceFloat(s, v, loc);
    return n === FAIL ? FAIL : checkNumber(s, n, loc, { gt: 0 });
  };
  const { values } = parseModel(
    sink,
    raw,
    [],
    [
      { name: 'min_replicas', parse: nonNegInt },
      { name: 'initial_replicas', allowNone: true, parse: nonNegInt },
      {
        name: 'max_replicas',
        parse: (s, v, loc) => {
          const n = coerceInt(s, v, loc);
          return n === FAIL ? FAIL : checkNumber(s, n, loc, { gt: 0 });
        },
      },
      { name: 'target_ongoing_requests', parse: posFloat },
      { name: 'metrics_interval_s', parse: posFloat },
      { name: 'look_back_period_s', parse: posFloat },
      { name: 'smoothing_factor', parse: posFloat },
      { name: 'upscale_smoothing_factor', allowNone: true, parse: posFloat },
      { name: 'downscale_smoothing_factor', allowNone: true, parse: posFloat },
      { name: 'upscaling_factor', allowNone: true, parse: posFloat },
      { name: 'downscaling_factor', allowNone: true, parse: posFloat },
      {
        name: 'downscale_delay_s',
        parse: (s, v, loc) => {
          const n = coerceFloat(s, v, loc);
          return n === FAIL ? FAIL : checkNumber(s, n, loc, { ge: 0 });
        },
      },
      {
        name: 'upscale_delay_s',
        parse: (s, v, loc) => {
          const n = coerceFloat(s, v, loc);
          return n === FAIL ? FAIL : checkNumber(s, n, loc, { ge: 0 });
        },
      },
    ],
    false,
  );
  if (sink.errors.length === 0) {
    const min =
      (values['min_replicas'] as number | undefined) ?? AUTOSCALING_DEFAULTS['min_replicas']!;
    const max =
      (values['max_replicas'] as number | undefined) ?? AUTOSCALING_DEFAULTS['max_replicas']!;
    const initial = values['initial_replicas'] as number | null | undefined;
    if (max < min)
      sink.valueError(
        ['max_replicas'],
        `max_replicas (${max}) must be greater than or equal to min_replicas (${min})!`,
      );
    else if (initial !== undefined && initial !== null) {
      if (initial < min)
        sink.valueError(
          ['max_replicas'],
          `min_replicas (${min}) must be less than or equal to initial_replicas (${initial})!`,
        );
      else if (initial > max)
        sink.valueError(
          ['max_replicas'],
          `max_replicas (${max}) must be greater than or equal to initial_replicas (${initial})!`,
        );
    }
  }
  if (sink.errors.length > 0)
    return { ok: false, text: formatPydanticStr('AutoscalingConfig', sink.errors) };
  const config: Record<string, unknown> = { ...AUTOSCALING_DEFAULTS };
  for (const [k, v] of Object.entries(values)) if (v !== null) config[k] = v;
  for (const k of AUTOSCALING_OPTIONAL) if (config[k] === null) delete config[k];
  return { ok: true, config };
}

/** Ray's `get_capacity_adjusted_num_replicas`. */
export function capacityAdjusted(replicas: number, targetCapacity: number | null): number {
  if (targetCapacity === null || targetCapacity === 100) return replicas;
  if (targetCapacity === 0) return 0;
  return Math.max(1, Math.ceil((replicas * targetCapacity) / 100));
}

function mergeRuntimeEnv(
  appEnv: Record<string, unknown>,
  deploymentEnv: unknown,
): Record<string, unknown> {
  if (!isDict(deploymentEnv)) return { ...appEnv };
  const merged: Record<string, unknown> = { ...appEnv, ...deploymentEnv };
  const appVars = appEnv['env_vars'];
  const depVars = deploymentEnv['env_vars'];
  if (isDict(appVars) || isDict(depVars))
    merged['env_vars'] = {
      ...(isDict(appVars) ? appVars : {}),
      ...(isDict(depVars) ? depVars : {}),
    };
  return merged;
}

function routePrefixError(prefix: string, serve258: boolean): string | undefined {
  if (serve258) {
    if (!prefix.startsWith('/'))
      return `Invalid route_prefix '${prefix}', must start with a forward slash ('/').`;
    if (prefix !== '/' && prefix.endsWith('/'))
      return `Invalid route_prefix '${prefix}', may not end with a trailing '/'.`;
    if (prefix.includes('{') || prefix.includes('}'))
      return `Invalid route_prefix '${prefix}', may not contain wildcards.`;
    return undefined;
  }
  if (!prefix.startsWith('/'))
    return `Got "${prefix}" for route_prefix. Route prefix must start with "/".`;
  if (prefix.length > 1 && prefix.endsWith('/'))
    return `Got "${prefix}" for route_prefix. Route prefix cannot end with "/" unless the entire prefix is just "/".`;
  if (prefix.includes('{') || prefix.includes('}'))
    return `Got "${prefix}" for route_prefix. Route prefix cannot contain wildcards, so it cannot contain "{" or "}".`;
  return undefined;
}

/**
 * The controller-side checks that happen after a 200 (docs/ray-serve-rest.md#what-only-fails-later) and the effective options
 * of every deployment: route prefix format, override names, autoscaling config, replicas per node.
 */
export function planDeployments(
  app: AppConfig,
  targetCapacity: number | null,
  behaviour: RayBehaviour,
): PlanOutcome {
  const routePrefix = Object.hasOwn(app, 'route_prefix') ? (app.route_prefix ?? null) : '/';
  if (routePrefix !== null) {
    const error = routePrefixError(routePrefix, behaviour.serve258);
    if (error !== undefined) return { ok: false, message: overrideFailure('ValueError', error) };
  }
  const { names, fromEntrypoint } = deploymentNamesOf(app);
  const overrides = new Map<string, DeploymentOverride>();
  for (const o of app.deployments ?? []) overrides.set(o.name, o);
  if (fromEntrypoint) {
    for (const name of overrides.keys()) {
      if (!names.includes(name)) {
        return {
          ok: false,
          message: overrideFailure(
            'ValueError',
            `Deployment '${name}' does not exist. Available: ${pyRepr(names)}`,
          ),
        };
      }
    }
  }
  const appEnv = app.runtime_env ?? {};
  const plans: DeploymentPlan[] = [];
  for (const name of names) {
    const o: Record<string, unknown> = { ...(overrides.get(name) ?? { name }) };
    const perNode = o['max_replicas_per_node'];
    if (typeof perNode === 'number' && (perNode < 1 || perNode > 100)) {
      return {
        ok: false,
        message: overrideFailure(
          'ValueError',
          `Valid values for max_replicas_per_node are None (default, no limit) or an integer in the range of [1, 100], but got ${perNode}.`,
        ),
      };
    }
    const config: Record<string, unknown> = {
      name,
      max_ongoing_requests: o['max_ongoing_requests'] ?? 5,
      max_queued_requests: o['max_queued_requests'] ?? -1,
    };
    if (behaviour.serve258) {
      config['backpressure_config'] = { status_code: 503, retry_after_s: null };
      config['user_config'] = o['user_config'] ?? null;
    } else if (o['user_config'] !== undefined && o['user_config'] !== null)
      config['user_config'] = o['user_config'];
    config['graceful_shutdown_wait_loop_s'] = o['graceful_shutdown_wait_loop_s'] ?? 2;
    config['graceful_shutdown_timeout_s'] = o['graceful_shutdown_timeout_s'] ?? 20;
    config['health_check_period_s'] = o['health_check_period_s'] ?? 10;
    config['health_check_timeout_s'] = o['health_check_timeout_s'] ?? 30;
    const actor = isDict(o['ray_actor_options']) ? { ...o['ray_actor_options'] } : {};
    const runtimeEnv = mergeRuntimeEnv(appEnv, actor['runtime_env']);
    // 2.58 always lists the (merged) env_vars of a replica's runtime env.
    if (behaviour.serve258 && !isDict(runtimeEnv['env_vars'])) runtimeEnv['env_vars'] = {};
    const actorOptions: Record<string, unknown> = { runtime_env: runtimeEnv };
    for (const [k, v] of Object.entries(actor))
      if (k !== 'runtime_env' && v !== null) actorOptions[k] = v;
    if (actorOptions['num_cpus'] === undefined) actorOptions['num_cpus'] = 1;
    config['ray_actor_options'] = actorOptions;
    for (const key of [
      'placement_group_bundles',
      'placement_group_strategy',
      'max_replicas_per_node',
      'logging_config',
    ]) {
      if (o[key] !== undefined && o[key] !== null) config[key] = o[key];
    }
    if (behaviour.serve258) {
      config['request_router_config'] = {
        request_router_class: 'ray.serve._private.request_router:PowerOfTwoChoicesRequestRouter',
        request_router_kwargs: {},
        request_routing_stats_period_s: 10,
        request_routing_stats_timeout_s: 30,
        initial_backoff_s: 0.025,
        backoff_multiplier: 2,
        max_backoff_s: 0.5,
      };
      config['rolling_update_percentage'] = o['rolling_update_percentage'] ?? 0.2;
    }

    let replicas: number;
    const autoscalingRaw = o['autoscaling_config'];
    if (o['num_replicas'] === 'auto' || (autoscalingRaw !== undefined && autoscalingRaw !== null)) {
      const base =
        o['num_replicas'] === 'auto'
          ? { min_replicas: 1, max_replicas: 100, target_ongoing_requests: 2 }
          : {};
      const resolved = resolveAutoscaling({
        ...base,
        ...(isDict(autoscalingRaw) ? autoscalingRaw : {}),
      });
      if (!resolved.ok)
        return {
          ok: false,
          message: overrideFailure('pydantic.error_wrappers.ValidationError', resolved.text),
        };
      config['autoscaling_config'] = resolved.config;
      replicas =
        (resolved.config['initial_replicas'] as number | undefined) ??
        (resolved.config['min_replicas'] as number);
    } else {
      replicas = typeof o['num_replicas'] === 'number' ? o['num_replicas'] : 1;
      config['num_replicas'] = replicas;
    }

    // 2.58 lists every resource the options name, 0 included; older Ray only those above 0.
    const listed = (n: unknown): n is number =>
      typeof n === 'number' && (behaviour.serve258 ? n >= 0 : n > 0);
    const required: Record<string, number> = {};
    const cpus = actorOptions['num_cpus'];
    if (listed(cpus)) required['CPU'] = cpus;
    const gpus = actorOptions['num_gpus'];
    if (listed(gpus)) required['GPU'] = gpus;
    const memory = actorOptions['memory'];
    if (listed(memory)) required['memory'] = memory;
    const resources = actorOptions['resources'];
    if (isDict(resources))
      for (const [k, v] of Object.entries(resources)) if (typeof v === 'number') required[k] = v;

    plans.push({
      name,
      override: overrides.get(name) ?? {},
      deploymentConfig: config,
      targetReplicas: capacityAdjusted(replicas, targetCapacity),
      requiredResources: required,
    });
  }
  return { ok: true, plans, routePrefix };
}

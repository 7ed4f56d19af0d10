import type { FieldIssue } from '@synapse-sdk/core/base';
import { ConfigError, formatIssues, zodIssues } from '@synapse-sdk/core/base';
import { z } from 'zod';

import { REMOTE_URI_SCHEMES } from './package-uri.js';

/*
 * The body of `PUT /api/serve/applications/` (Ray's ServeDeploySchema and the models it nests),
 * strict on unknown keys: current Ray ignores a misspelt key silently, so it is caught here.
 * Nothing here sets a default: Ray stores exactly the keys sent (exclude_unset), and a default
 * added by the client would turn "not set" into an override.
 */

const LOG_LEVELS = ['CRITICAL', 'FATAL', 'ERROR', 'WARN', 'WARNING', 'INFO', 'DEBUG', 'NOTSET'];

const notNull = (iss: { input?: unknown }): string | undefined =>
  iss.input === null ? 'must not be null; omit the field instead' : undefined;

const looseRecord = () => z.record(z.string(), z.unknown(), { error: notNull });
const nonNegative = () => z.number().nonnegative();
const positive = () => z.number().positive();

/** Why `value` is not a remote URI Ray accepts in a Serve runtime_env, or undefined if it is. */
export function remoteUriProblem(value: string): string | undefined {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value);
  const schemes = REMOTE_URI_SCHEMES.join(', ');
  if (!match) {
    return `"${value}" is a local path; Serve configs accept only remote URIs (${schemes}): upload the directory as a package (gcs://_ray_pkg_<hash>.zip) or host a zip over https/s3`;
  }
  const scheme = (match[1] ?? '').toLowerCase();
  if (!REMOTE_URI_SCHEMES.includes(scheme)) {
    return `"${value}" has the unsupported URI scheme "${scheme}"; use one of ${schemes}`;
  }
  return undefined;
}

/** Why `path` is not a valid Ray import path (`module.sub:attr` or `module.sub.attr`). */
export function importPathProblem(path: string): string | undefined {
  const prefix = `Got invalid import path "${path}".`;
  if (path.includes(':')) {
    if (path.split(':').length > 2) return `${prefix} An import path may have at most one colon.`;
    if (path.startsWith(':') || path.endsWith(':')) {
      return `${prefix} An import path may not start or end with a colon.`;
    }
    return undefined;
  }
  if (!path.includes('.')) {
    return `${prefix} An import path must contain at least one ".", e.g. "module.attr" or "module:attr".`;
  }
  if (path.startsWith('.') || path.endsWith('.')) {
    return `${prefix} An import path may not start or end with a period.`;
  }
  return undefined;
}

/** Why `prefix` is not a valid route prefix (checked by Ray only after the PUT was accepted). */
export function routePrefixProblem(prefix: string): string | undefined {
  if (!prefix.startsWith('/')) return `route_prefix "${prefix}" must start with "/"`;
  if (prefix !== '/' && prefix.endsWith('/')) {
    return `route_prefix "${prefix}" must not end with "/" (only the root "/" may)`;
  }
  if (prefix.includes('{') || prefix.includes('}')) {
    return `route_prefix "${prefix}" must not contain "{" or "}"`;
  }
  return undefined;
}

/** A runtime_env: free-form, except that working_dir and py_modules must be remote URIs. */
export const RuntimeEnvSchema = looseRecord().superRefine((env, ctx) => {
  const workingDir = env['working_dir'];
  if (typeof workingDir === 'string') {
    const problem = remoteUriProblem(workingDir);
    if (problem) ctx.addIssue({ code: 'custom', path: ['working_dir'], message: problem });
  } else if (workingDir !== undefined && workingDir !== null) {
    ctx.addIssue({ code: 'custom', path: ['working_dir'], message: 'must be a URI string' });
  }
  const pyModules = env['py_modules'];
  if (Array.isArray(pyModules)) {
    pyModules.forEach((entry: unknown, index) => {
      const problem = typeof entry === 'string' ? remoteUriProblem(entry) : 'must be a URI string';
      if (problem) ctx.addIssue({ code: 'custom', path: ['py_modules', index], message: problem });
    });
  } else if (pyModules !== undefined && pyModules !== null) {
    ctx.addIssue({ code: 'custom', path: ['py_modules'], message: 'must be a list of URIs' });
  }
});

/** Serve logging options; Ray itself forbids unknown keys here. */
export const LoggingConfigSchema = z
  .strictObject({
    encoding: z.enum(['TEXT', 'JSON']).optional(),
    log_level: z.union([z.int(), z.string()]).optional(),
    logs_dir: z.string().nullable().optional(),
    enable_access_log: z.boolean().optional(),
    additional_log_standard_attrs: z.array(z.string()).optional(),
  })
  .superRefine((config, ctx) => {
    const level = config.log_level;
    if (typeof level === 'string' && !LOG_LEVELS.includes(level.toUpperCase())) {
      ctx.addIssue({
        code: 'custom',
        path: ['log_level'],
        message: `"${level}" is not a log level; use one of ${LOG_LEVELS.join(', ')} or a number`,
      });
    }
  });

/** Autoscaling of one deployment (Ray validates it only after the PUT; checked here first). */
export const AutoscalingConfigSchema = z
  .strictObject({
    min_replicas: z.int().nonnegative().optional(),
    initial_replicas: z.int().nonnegative().nullable().optional(),
    max_replicas: z.int().positive().optional(),
    target_ongoing_requests: positive().nullable().optional(),
    metrics_interval_s: positive().optional(),
    look_back_period_s: positive().optional(),
    smoothing_factor: positive().optional(),
    upscale_smoothing_factor: positive().nullable().optional(),
    downscale_smoothing_factor: positive().nullable().optional(),
    upscaling_factor: positive().nullable().optional(),
    downscaling_factor: positive().nullable().optional(),
    downscale_delay_s: nonNegative().optional(),
    downscale_to_zero_delay_s: nonNegative().nullable().optional(),
    upscale_delay_s: nonNegative().optional(),
    aggregation_function: z.enum(['mean', 'max', 'min']).optional(),
    policy: z
      .strictObject({
        policy_function: z.string().optional(),
        policy_kwargs: looseRecord().optional(),
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
    const { min_replicas: min, max_replicas: max, initial_replicas: initial } = config;
    if (min !== undefined && max !== undefined && max < min) {
      ctx.addIssue({
        code: 'custom',
        path: ['max_replicas'],
        message: `max_replicas (${max}) must be >= min_replicas (${min})`,
      });
    }
    if (typeof initial === 'number') {
      if (min !== undefined && initial < min) {
        ctx.addIssue({
          code: 'custom',
          path: ['initial_replicas'],
          message: `initial_replicas (${initial}) must be >= min_replicas (${min})`,
        });
      }
      if (max !== undefined && initial > max) {
        ctx.addIssue({
          code: 'custom',
          path: ['initial_replicas'],
          message: `initial_replicas (${initial}) must be <= max_replicas (${max})`,
        });
      }
    }
  });

/** Resources and runtime_env of each replica actor. */
export const RayActorOptionsSchema = z.strictObject({
  runtime_env: RuntimeEnvSchema.optional(),
  num_cpus: nonNegative().nullable().optional(),
  num_gpus: nonNegative().nullable().optional(),
  memory: nonNegative().nullable().optional(),
  resources: z.record(z.string(), nonNegative()).optional(),
  accelerator_type: z.string().nullable().optional(),
  label_selector: z.record(z.string(), z.string()).nullable().optional(),
  fallback_strategy: z.array(looseRecord()).nullable().optional(),
});

const NUM_REPLICAS_MESSAGE = 'must be a positive integer or "auto"';

/** An override of one deployment's options inside an application. */
export const DeploymentSchema = z
  .strictObject({
    name: z.string().min(1, 'must not be empty'),
    num_replicas: z
      .union(
        [
          z.int({ error: NUM_REPLICAS_MESSAGE }).positive(NUM_REPLICAS_MESSAGE),
          z.literal('auto'),
          z.null(),
        ],
        { error: NUM_REPLICAS_MESSAGE },
      )
      .optional(),
    max_ongoing_requests: z.int().positive().optional(),
    max_queued_requests: z
      .int()
      .refine((v) => v === -1 || v >= 1, 'must be -1 (no limit) or >= 1')
      .optional(),
    user_config: z.record(z.string(), z.unknown()).nullable().optional(),
    autoscaling_config: AutoscalingConfigSchema.nullable().optional(),
    graceful_shutdown_wait_loop_s: nonNegative().optional(),
    graceful_shutdown_timeout_s: nonNegative().optional(),
    health_check_period_s: positive().optional(),
    health_check_timeout_s: positive().optional(),
    ray_actor_options: RayActorOptionsSchema.optional(),
    placement_group_bundles: z.array(z.record(z.string(), nonNegative())).min(1).optional(),
    placement_group_strategy: z.enum(['PACK', 'SPREAD', 'STRICT_PACK', 'STRICT_SPREAD']).optional(),
    placement_group_bundle_label_selector: z.array(z.record(z.string(), z.string())).optional(),
    max_replicas_per_node: z.int().min(1).max(100).optional(),
    logging_config: LoggingConfigSchema.optional(),
    request_router_config: looseRecord().optional(),
    gang_scheduling_config: z
      .strictObject({
        gang_size: z.int().min(1),
        gang_placement_strategy: z.enum(['PACK', 'SPREAD']).optional(),
        runtime_failure_policy: z.enum(['RESTART_GANG', 'RESTART_REPLICA']).optional(),
      })
      .nullable()
      .optional(),
    deployment_actors: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          actor_class: z.string().min(1),
          init_args: z.array(z.unknown()).optional(),
          init_kwargs: looseRecord().optional(),
          actor_options: looseRecord().optional(),
        }),
      )
      .nullable()
      .optional(),
    rolling_update_percentage: z.number().gt(0).max(1).optional(),
  })
  .superRefine((deployment, ctx) => {
    if (typeof deployment.num_replicas === 'number' && deployment.autoscaling_config) {
      ctx.addIssue({
        code: 'custom',
        path: ['num_replicas'],
        message:
          'Manually setting num_replicas is not allowed when autoscaling_config is provided; drop one of them (or use num_replicas: "auto")',
      });
    }
    if (
      deployment.placement_group_bundles !== undefined &&
      deployment.max_replicas_per_node !== undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['max_replicas_per_node'],
        message:
          'Setting max_replicas_per_node is not allowed when placement_group_bundles is provided',
      });
    }
  });

/** One Serve application. */
export const ServeApplicationSchema = z
  .strictObject({
    name: z.string().optional(),
    route_prefix: z
      .string()
      .nullable()
      .optional()
      .superRefine((prefix, ctx) => {
        const problem = typeof prefix === 'string' ? routePrefixProblem(prefix) : undefined;
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    import_path: z.string().superRefine((path, ctx) => {
      const problem = importPathProblem(path);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    runtime_env: RuntimeEnvSchema.optional(),
    deployments: z.array(DeploymentSchema, { error: notNull }).optional(),
    args: looseRecord().optional(),
    logging_config: LoggingConfigSchema.nullable().optional(),
    external_scaler_enabled: z.boolean().optional(),
    autoscaling_policy: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .superRefine((app, ctx) => {
    if (app.external_scaler_enabled !== true || !Array.isArray(app.deployments)) return;
    app.deployments.forEach((deployment, index) => {
      if (deployment.num_replicas === 'auto' || deployment.autoscaling_config) {
        ctx.addIssue({
          code: 'custom',
          path: ['deployments', index],
          message: `external_scaler_enabled is true, so deployment "${deployment.name}" must not autoscale (no num_replicas "auto", no autoscaling_config)`,
        });
      }
    });
  });

/** HTTP proxy options (applied by Ray only when Serve starts). */
export const HttpOptionsSchema = z.strictObject({
  host: z.string().optional(),
  port: z.int().min(0).max(65_535).optional(),
  root_path: z.string().optional(),
  request_timeout_s: z.number().nullable().optional(),
  keep_alive_timeout_s: z.int().optional(),
  ssl_keyfile: z.string().nullable().optional(),
  ssl_certfile: z.string().nullable().optional(),
  ssl_keyfile_password: z.string().nullable().optional(),
  ssl_ca_certs: z.string().nullable().optional(),
});

/** gRPC proxy options (applied by Ray only when Serve starts). */
export const GrpcOptionsSchema = z.strictObject({
  port: z.int().min(0).max(65_535).optional(),
  grpc_servicer_functions: z.array(z.string()).optional(),
  request_timeout_s: z.number().nullable().optional(),
});

/** Where Serve runs HTTP proxies. */
export const ProxyLocationSchema = z.enum(['Disabled', 'HeadOnly', 'EveryNode']);

/** The whole body of `PUT /api/serve/applications/`: every application Ray should run. */
export const ServeDeploySchema = z
  .strictObject({
    applications: z.array(ServeApplicationSchema),
    proxy_location: ProxyLocationSchema.optional(),
    http_options: HttpOptionsSchema.optional(),
    grpc_options: GrpcOptionsSchema.optional(),
    logging_config: LoggingConfigSchema.nullable().optional(),
    target_capacity: z.number().min(0).max(100).nullable().optional(),
  })
  .superRefine((config, ctx) => {
    if (!Array.isArray(config.applications)) return;
    const names = new Set<string>();
    const prefixes = new Set<string>();
    config.applications.forEach((app, index) => {
      const name = app.name ?? 'default';
      if (name === '') {
        ctx.addIssue({
          code: 'custom',
          path: ['applications', index, 'name'],
          message: 'Application names must be nonempty.',
        });
      } else if (names.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['applications', index, 'name'],
          message: `Found multiple configs for application "${name}". Please remove all duplicates.`,
        });
      }
      names.add(name);
      const prefix = app.route_prefix === undefined ? '/' : app.route_prefix;
      if (prefix === null) return;
      if (prefixes.has(prefix)) {
        ctx.addIssue({
          code: 'custom',
          path: ['applications', index, 'route_prefix'],
          message: `Found duplicate applications for route prefix "${prefix}". Please ensure each application's route_prefix is unique.`,
        });
      }
      prefixes.add(prefix);
    });
  });

/** The body of `PUT /api/serve/applications/`. */
export type ServeDeployConfig = z.infer<typeof ServeDeploySchema>;
/** One application of a {@link ServeDeployConfig}. */
export type ServeApplicationConfig = z.infer<typeof ServeApplicationSchema>;
/** One entry of an application's `deployments`. */
export type DeploymentOverride = z.infer<typeof DeploymentSchema>;
/** A deployment's `ray_actor_options`. */
export type RayActorOptions = z.infer<typeof RayActorOptionsSchema>;
/** A deployment's `autoscaling_config`. */
export type AutoscalingConfig = z.infer<typeof AutoscalingConfigSchema>;
/** Serve `logging_config` (global, per application or per deployment). */
export type LoggingConfig = z.infer<typeof LoggingConfigSchema>;
/** Top-level `http_options`. */
export type HttpOptions = z.infer<typeof HttpOptionsSchema>;
/** Top-level `grpc_options`. */
export type GrpcOptions = z.infer<typeof GrpcOptionsSchema>;
/** Top-level `proxy_location`. */
export type ProxyLocation = z.infer<typeof ProxyLocationSchema>;
/** A runtime_env (application or actor level). */
export type RuntimeEnv = z.infer<typeof RuntimeEnvSchema>;

/**
 * Every problem of `value` as a Serve deploy config, one per field, with dotted paths such as
 * `applications.0.deployments.1.num_replicas`; empty when it is valid.
 */
export function serveDeployConfigIssues(value: unknown): FieldIssue[] {
  const result = ServeDeploySchema.safeParse(value);
  return result.success ? [] : deployIssues(result.error);
}

/**
 * Validates `value` as a Serve deploy config and returns it unchanged in content.
 * @throws ConfigError (code CONFIG_INVALID) naming every invalid field.
 */
export function parseServeDeployConfig(
  value: unknown,
  source = 'Serve deploy config',
): ServeDeployConfig {
  const result = ServeDeploySchema.safeParse(value);
  if (result.success) return result.data;
  const issues = deployIssues(result.error);
  throw new ConfigError(source, formatIssues(issues), issues, {
    hint: 'fix the fields named above; Ray would reject them or silently ignore unknown keys',
  });
}

function deployIssues(error: z.ZodError): FieldIssue[] {
  return zodIssues(error, ServeDeploySchema).map((issue) => {
    if (!issue.message.startsWith('unknown field')) return issue;
    const hostOrPort = /^applications\.\d+\.(host|port)$/.exec(issue.path)?.[1];
    if (hostOrPort) {
      return {
        path: issue.path,
        message: `${hostOrPort} is set in the config for an application; remove it and set http_options.${hostOrPort} at the top level of the deploy config only`,
      };
    }
    const misplaced = /\.autoscaling_config\.([^.]+)$/.exec(issue.path)?.[1];
    if (misplaced && misplaced in DeploymentSchema.shape) {
      return {
        path: issue.path,
        message: `unknown field of autoscaling_config; "${misplaced}" is an option of the deployment itself: move it up one level (Ray would ignore it here silently)`,
      };
    }
    return issue;
  });
}

import { REDACTED, redactValue } from '@synapse-sdk/core';

import { canonicalJson, differingFields, fieldName } from '../deploy/serve-config.js';

/** One field a deploy would change, with its value before and after. */
export interface FieldChange {
  /** Dotted path, as in `DeploymentPlan.changedFields`, e.g. `deployments.0.num_replicas`. */
  field: string;
  /** `added`: absent before; `removed`: absent after; `changed`: both present. */
  change: 'added' | 'removed' | 'changed';
  /** The value before (absent for `added`), secrets masked. */
  before?: unknown;
  /** The value after (absent for `removed`), secrets masked. */
  after?: unknown;
  /** True when a value was masked, so equal-looking masked values still differ. */
  masked: boolean;
}

// Names of environment variables whose values are credentials (HF_TOKEN, AWS_SECRET_ACCESS_KEY…).
const SECRET_NAME =
  /(token|secret|passw(or)?d|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth)/i;

/**
 * The fields that differ between two app configs, with both values: the same fields, in the
 * same order, as the plan's `changedFields`. Values that could be credentials — registered
 * secrets, credential-named keys, and `runtime_env.env_vars` entries named like one — are
 * masked as `[REDACTED]`.
 */
export function fieldChanges(previous: unknown, next: unknown): FieldChange[] {
  return differingFields(previous ?? {}, next).map(({ path, before, after }) =>
    describe(path, before, after),
  );
}

function describe(path: readonly string[], before: unknown, after: unknown): FieldChange {
  const maskedBefore = mask(before, path);
  const maskedAfter = mask(after, path);
  const masked =
    canonicalJson(maskedBefore) !== canonicalJson(before) ||
    canonicalJson(maskedAfter) !== canonicalJson(after);
  const change = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
  return {
    field: fieldName(path),
    change,
    ...(before === undefined ? {} : { before: maskedBefore }),
    ...(after === undefined ? {} : { after: maskedAfter }),
    masked,
  };
}

function isSecretPath(path: readonly string[]): boolean {
  const envVars = path.indexOf('env_vars');
  return envVars >= 0 && path.length > envVars + 1 && SECRET_NAME.test(path[envVars + 1]!);
}

function mask(value: unknown, path: readonly string[]): unknown {
  if (value === undefined) return undefined;
  if (isSecretPath(path)) return REDACTED;
  return maskEnvVars(redactValue(value), path.at(-1) === 'env_vars');
}

/** Masks credential-named entries of `env_vars` objects in `value` (or of `value` itself). */
function maskEnvVars(value: unknown, isEnvVars: boolean): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => maskEnvVars(item, false));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      isEnvVars && SECRET_NAME.test(key) ? REDACTED : maskEnvVars(item, key === 'env_vars');
  }
  return out;
}

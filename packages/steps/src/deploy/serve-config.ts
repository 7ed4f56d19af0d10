import type {
  ApplicationDetails,
  ServeApplicationConfig,
  ServeDeployConfig,
  ServeInstanceDetails,
} from '@synapse-sdk/clients';

/** JSON with object keys sorted, so that equal configs serialize equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** True when two application configs are the same, ignoring key order. */
export function sameConfig(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * The configs a PUT must carry to keep the declarative applications as they are: each one's
 * `deployed_app_config`, which is exactly what its last PUT sent. Imperative apps (`serve.run`)
 * survive a PUT anyway and apps being deleted must not come back, so both are left out.
 */
export function declarativeConfigs(
  details: ServeInstanceDetails,
): Map<string, ServeApplicationConfig> {
  const configs = new Map<string, ServeApplicationConfig>();
  for (const [name, app] of Object.entries(details.applications)) {
    if (!isKept(app)) continue;
    configs.set(name, app.deployed_app_config as ServeApplicationConfig);
  }
  return configs;
}

function isKept(app: ApplicationDetails): boolean {
  return (
    app.source !== 'imperative' &&
    app.status !== 'DELETING' &&
    typeof app.deployed_app_config === 'object' &&
    app.deployed_app_config !== null
  );
}

/**
 * True for an app started with `serve.run`. Before Ray exposed `source` (≈ 2.11), such an app
 * shows as one with no `deployed_app_config` that is not being deleted.
 */
export function isImperative(app: ApplicationDetails): boolean {
  if (app.source === 'imperative') return true;
  return (
    app.source === undefined &&
    app.status !== 'DELETING' &&
    (app.deployed_app_config === undefined || app.deployed_app_config === null)
  );
}

/** Applications present but not ours to carry: imperative ones, and ones being deleted. */
export function untouchableApps(details: ServeInstanceDetails): string[] {
  return Object.entries(details.applications)
    .filter(([, app]) => !isKept(app))
    .map(([name]) => name);
}

/**
 * The body of a PUT that sets application `name` to `app` (or removes it when `app` is null) and
 * keeps every other declarative application verbatim, with the cluster-wide settings that a PUT
 * applies each time (`target_capacity`, `proxy_location`, `http_options`) carried over.
 */
export function mergeApplication(
  details: ServeInstanceDetails,
  name: string,
  app: ServeApplicationConfig | null,
): ServeDeployConfig {
  const configs = declarativeConfigs(details);
  if (app) configs.set(name, app);
  else configs.delete(name);
  const config: ServeDeployConfig = { applications: [...configs.values()] };
  const carried = clusterSettings(details);
  return { ...carried, ...config };
}

function clusterSettings(details: ServeInstanceDetails): Partial<ServeDeployConfig> {
  const settings: Record<string, unknown> = {};
  if (typeof details.target_capacity === 'number')
    settings['target_capacity'] = details.target_capacity;
  if (typeof details.proxy_location === 'string')
    settings['proxy_location'] = details.proxy_location;
  const http = details.http_options as Record<string, unknown> | undefined;
  if (http && (typeof http['host'] === 'string' || typeof http['port'] === 'number')) {
    settings['http_options'] = {
      ...(typeof http['host'] === 'string' ? { host: http['host'] } : {}),
      ...(typeof http['port'] === 'number' ? { port: http['port'] } : {}),
    };
  }
  return settings as Partial<ServeDeployConfig>;
}

/** A fingerprint of what a PUT carries, to notice a PUT by another writer in between. */
export function liveFingerprint(details: ServeInstanceDetails): string {
  return canonicalJson({
    applications: Object.fromEntries(declarativeConfigs(details)),
    target_capacity: details.target_capacity ?? null,
  });
}

/**
 * True when every key we sent for an app is live with the same value. Ray may add keys of its
 * own (a global logging_config), so extra live keys do not count as a difference.
 */
export function configIsLive(sent: ServeApplicationConfig, live: unknown): boolean {
  if (typeof live !== 'object' || live === null) return false;
  const liveRecord = live as Record<string, unknown>;
  return Object.entries(sent).every(([key, value]) => sameConfig(value, liveRecord[key]));
}

/** How a new application config relates to the one deployed (docs/ray-serve-rest.md#update-classes). */
export type ChangeKind = 'added' | 'unchanged' | 'updated-in-place' | 'code-change';

/** The fields Ray hashes into an application's code version; a change rebuilds the app. */
const CODE_FIELDS = ['import_path', 'runtime_env', 'args'] as const;

/** Classifies the change from `previous` to `next` and lists the top-level fields that differ. */
export function classifyChange(
  previous: ServeApplicationConfig | null | undefined,
  next: ServeApplicationConfig,
): { change: ChangeKind; changedFields: string[] } {
  if (!previous) return { change: 'added', changedFields: [] };
  const changedFields = differingFields(previous, next).map((field) => fieldName(field.path));
  if (changedFields.length === 0) return { change: 'unchanged', changedFields };
  const codeChange = changedFields.some((field) =>
    CODE_FIELDS.some((code) => field === code || field.startsWith(`${code}.`)),
  );
  return { change: codeChange ? 'code-change' : 'updated-in-place', changedFields };
}

/** A field that differs between two configs: its path and both values (undefined where absent). */
export interface DifferingField {
  path: readonly string[];
  before: unknown;
  after: unknown;
}

// Deep enough to name `deployments.0.ray_actor_options.num_cpus`, shallow enough to stay readable.
const MAX_PATH_DEPTH = 4;

/**
 * The fields that differ between `a` and `b`, keys sorted, down to four levels: where the two
 * are not objects of the same shape (arrays of the same length), or deeper, the value as a
 * whole differs.
 */
export function differingFields(
  a: unknown,
  b: unknown,
  path: readonly string[] = [],
): DifferingField[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  const comparable =
    typeof a === 'object' &&
    a !== null &&
    typeof b === 'object' &&
    b !== null &&
    Array.isArray(a) === Array.isArray(b) &&
    (!Array.isArray(a) || a.length === (b as unknown[]).length);
  if (!comparable || path.length >= MAX_PATH_DEPTH) return [{ path, before: a, after: b }];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((key) =>
    differingFields((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], [
      ...path,
      key,
    ]),
  );
}

/** A field path's dotted name (`deployments.0.num_replicas`), `(root)` for the whole config. */
export function fieldName(path: readonly string[]): string {
  return path.join('.') || '(root)';
}

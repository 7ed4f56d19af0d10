/** The Ray release the devserver emulates unless told otherwise. */
export const DEFAULT_RAY_VERSION = '2.58.0';

/**
 * What the simulated dashboard does differently across Ray releases. Two behaviours exist: Ray
 * 2.58's, measured against a real 2.58.0 head (the parity suite in `tests/parity` holds the
 * devserver to it), and the older one the devserver was first written against (Ray ≈ 2.46, from
 * Ray's source), used for any `rayVersion` below 2.58. Releases in between were not measured.
 */
export interface RayBehaviour {
  /** `ray_version` of `/api/version`. */
  version: string;
  /** 400 bodies: pydantic v1's `repr(ValidationError)` or pydantic v2's multi-line text. */
  pydantic: 1 | 2;
  /** URI schemes a Serve config's `working_dir` and `py_modules` may use. */
  uriSchemes: readonly string[];
  /**
   * Methods a request that looks like a browser's may still use (2.58: GET, HEAD, OPTIONS;
   * before: anything but POST and PUT).
   */
  browserMayUse(method: string): boolean;
  /** The 405 text for a browser-looking request. */
  browserRefusal(method: string): string;
  /** The head also routes `/api/healthz` and `/api/local_raylet_healthz` (2.58's head does not). */
  headRoutesNodeHealth: boolean;
  /**
   * 2.58's Serve controller, as seen over REST: `controller_health_metrics`, `target_groups`,
   * `deployment_topology`, `recent_dead_replicas`, the newer `deployment_config` fields and short
   * replica ids; no deployments listed while an app builds, after its build failed or while it is
   * deleted; `deployed_app_config: null` where there is none; its messages (`Invalid
   * route_prefix '…'`); and a config put back after a failed build builds again (on the replicas
   * that kept serving).
   */
  serve258: boolean;
}

const LEGACY_SCHEMES = ['gcs', 'conda', 'pip', 'uv', 'https', 's3', 'gs', 'azure', 'abfss', 'file'];

/** Parses `major.minor.patch` (a suffix such as `rc1` is ignored); undefined when it is not one. */
export function parseRayVersion(version: string): [number, number, number] | undefined {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

function atLeast(version: [number, number, number], [a, b, c]: [number, number, number]): boolean {
  for (const [x, y] of [
    [version[0], a],
    [version[1], b],
    [version[2], c],
  ] as const) {
    if (x !== y) return x > y;
  }
  return true;
}

/**
 * The behaviour of Ray `version`.
 * @throws RangeError when `version` is not a `major.minor.patch` version
 */
export function rayBehaviour(version: string): RayBehaviour {
  const parsed = parseRayVersion(version);
  if (parsed === undefined) {
    throw new RangeError(`rayVersion must look like ${DEFAULT_RAY_VERSION}, got "${version}"`);
  }
  if (atLeast(parsed, [2, 58, 0])) {
    return {
      version,
      pydantic: 2,
      uriSchemes: ['gcs', 'conda', 'pip', 'uv', 'http', ...LEGACY_SCHEMES.slice(4)],
      browserMayUse: (method) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS',
      browserRefusal: (method) => `'${method}' method not allowed for browser traffic.`,
      headRoutesNodeHealth: false,
      serve258: true,
    };
  }
  return {
    version,
    pydantic: 1,
    uriSchemes: LEGACY_SCHEMES,
    browserMayUse: (method) => method !== 'POST' && method !== 'PUT',
    browserRefusal: () => 'Method Not Allowed for browser traffic.',
    headRoutesNodeHealth: true,
    serve258: false,
  };
}

/** Kinds of failure the simulator can inject into Serve applications. */
export type FaultKind =
  /** The app's build raises: DEPLOY_FAILED with a traceback, never recovers (until a new config). */
  | 'build-error'
  /** runtime_env setup fails: DEPLOY_FAILED `Runtime env setup for app 'X' failed: …`. */
  | 'runtime-env-error'
  /** Replica constructors raise: deployment DEPLOY_FAILED (REPLICA_STARTUP_FAILED); optional recovery. */
  | 'replica-startup-failure'
  /** Replicas cannot be scheduled: DEPLOYING/UPDATING forever with the "taken more than 30s" message. */
  | 'insufficient-resources'
  /** Health checks start failing after RUNNING: UNHEALTHY (HEALTH_CHECK_FAILED). */
  | 'unhealthy';

/** A fault to inject. It matches an app by name and/or import_path (at least one is required). */
export interface FaultSpec {
  kind: FaultKind;
  /** Match apps with this name. */
  app?: string | undefined;
  /** Match apps with this `import_path`. */
  importPath?: string | undefined;
  /** Only this deployment (replica/resources/unhealthy faults). @default every deployment */
  deployment?: string | undefined;
  /** The exception line, e.g. `RuntimeError: weights not found`. A sensible default per kind. */
  error?: string | undefined;
  /** replica-startup-failure: recover to HEALTHY/RUNNING this many ms after turning DEPLOY_FAILED. */
  recoverAfterMs?: number | undefined;
  /** unhealthy: how long after reaching RUNNING (or after injection) the health checks fail. @default 0 */
  afterMs?: number | undefined;
  /**
   * Hits only the next config that it takes effect on, then is gone: a fault of that version
   * (its code, its resources), not of the app, so the config a rollback puts back starts again
   * as on Ray (docs/ray-serve-rest.md#update-classes).
   * @default false (every later rollout of a matching app)
   */
  once?: boolean | undefined;
}

/** An injected fault with its id. */
export interface Fault extends FaultSpec {
  id: string;
}

/** Whether a fault applies to an app. */
export function faultMatches(
  fault: FaultSpec,
  appName: string,
  importPath: string | undefined,
): boolean {
  if (fault.app === undefined && fault.importPath === undefined) return false;
  if (fault.app !== undefined && fault.app !== appName) return false;
  if (fault.importPath !== undefined && fault.importPath !== importPath) return false;
  return true;
}

/** Whether a fault applies to a deployment of a matched app. */
export function faultMatchesDeployment(fault: FaultSpec, deployment: string): boolean {
  return fault.deployment === undefined || fault.deployment === deployment;
}

import type { AppConfig } from './deploy-schema.js';
import type { DeploymentPlan } from './effective-config.js';

/** Failure plan attached to a deployment's rollout. */
export type DeploymentFault =
  | { kind: 'replica-startup-failure'; error: string; recoverAfterMs?: number }
  | { kind: 'insufficient-resources' };

/** When a deployment starts failing health checks. */
export interface UnhealthyPlan {
  /** Failing starts `afterMs` after max(time it became healthy, `notBefore`). */
  afterMs: number;
  notBefore: number;
  error: string;
}

/**
 * One deployment's rollout on the simulator's clock: replicas start (or update) at `startAt`
 * and are ready `durationMs` later unless a fault says otherwise. Plain data (persisted as JSON).
 */
export interface DeploymentTimeline {
  plan: DeploymentPlan;
  startAt: number;
  durationMs: number;
  mode: 'start' | 'update';
  fault?: DeploymentFault;
  unhealthy?: UnhealthyPlan;
  /** Seed of the replica ids, so they stay stable across reads and change on restart. */
  replicaSeed: string;
  /** When the current replicas started (kept by lightweight updates); defaults to `startAt`. */
  replicasSince?: number;
  /**
   * These replicas replace running ones of the same deployment: until they are up, the proxy
   * still gets answers (Ray queues requests while it swaps replicas; nothing fails).
   */
  replacesRunning?: boolean;
}

/** What is running for an app (the last successful build). */
export interface ActiveBuild {
  deployments: DeploymentTimeline[];
  routePrefix: string | null;
  /** Code version of this build; undefined before the first successful build. */
  codeVersion?: string;
}

/** A build in progress or a failed build/update; the app shows DEPLOYING, then DEPLOY_FAILED if `failure`. */
export interface PendingBuild {
  startedAt: number;
  endsAt: number;
  codeVersion: string;
  failure?: string;
  deployments: DeploymentTimeline[];
  routePrefix: string | null;
}

/** The simulator's record of one Serve application. */
export interface AppState {
  name: string;
  source: 'declarative' | 'imperative';
  /** `deployed_app_config`: what the last PUT sent for this app (declarative apps only). */
  config?: AppConfig;
  importPath: string;
  lastDeployedTimeS: number;
  active: ActiveBuild;
  pending?: PendingBuild;
  deletingSince?: number;
}

import { SynapseError } from '@synapse-sdk/core';

/**
 * What went wrong in a deploy, a plan or a removal: the codes of {@link StepsError}. Each says
 * what happened; the CLI alone decides which exit code it means.
 */
export type StepsErrorCode =
  /** The plugin directory cannot be packaged (a link out of it, too large, …). */
  | 'PACKAGE_INVALID'
  /** An application of that name was started with `serve.run`: replacing it could not be undone. */
  | 'IMPERATIVE_APP'
  /** The cluster's Ray deletes `serve.run` applications on every config PUT, and some run. */
  | 'IMPERATIVE_APPS_AT_RISK'
  /** The cluster's Ray is older than the Serve REST API the SDK speaks. */
  | 'RAY_TOO_OLD'
  /** The Ray dashboard did not answer for the whole connect timeout. */
  | 'RAY_UNREACHABLE'
  /** The Synapse backend could not be reached, or answered 502/503/504, before the deploy began. */
  | 'BACKEND_UNREACHABLE'
  /** The address answers, but not like a Ray dashboard. */
  | 'NOT_A_RAY_DASHBOARD'
  /** The folder of the cluster lock files cannot be used. */
  | 'LOCK_DIR_UNUSABLE'
  /** Another deploy of the application runs, and the run was told not to wait (`--no-wait`). */
  | 'APP_LOCKED'
  /** Another deploy held the cluster lock for the whole wait. */
  | 'LOCK_TIMEOUT'
  /** Another tool kept changing the Serve config while an update was being prepared. */
  | 'SERVE_CONFIG_BUSY'
  /** Another writer kept replacing the application while the deploy waited for it. */
  | 'DEPLOY_CONTESTED'
  /** A rollback cannot put the previous config back: the package it runs from is gone. */
  | 'RESTORE_IMPOSSIBLE'
  /** A rollback's restore did not settle in time. */
  | 'RESTORE_TIMEOUT'
  /** A package the config to put back runs from is gone from the cluster, and no journal kept it. */
  | 'PACKAGE_GONE'
  /** The application cannot be registered (it is not RUNNING). */
  | 'REGISTER_FAILED'
  /** A Ray job printed a result block that is not a JSON object. */
  | 'JOB_RESULT_INVALID';

/** An error of `@synapse-sdk/steps`, with one of the {@link StepsErrorCode}s. */
export class StepsError extends SynapseError<StepsErrorCode> {}

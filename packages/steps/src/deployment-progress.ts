/**
 * Standard progress category names for deployment workflows, for use with `setProgress`:
 * `this.setProgress(2, 3, this.progress.DEPLOY)`. They are also the names of the three standard
 * steps, whose progress is reported under their name.
 */
export const DeploymentProgressCategories = Object.freeze({
  /** Connecting to the Ray cluster. */
  INITIALIZE: 'initialize',
  /** Deploying to Ray Serve. */
  DEPLOY: 'deploy',
  /** Registering with the Synapse backend. */
  REGISTER: 'register',
} as const);

/** One of the {@link DeploymentProgressCategories} values. */
export type DeploymentProgressCategory =
  (typeof DeploymentProgressCategories)[keyof typeof DeploymentProgressCategories];

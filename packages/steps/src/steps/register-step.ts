import type { StepAttempt, StepResult } from '@synapse-sdk/core';
import { BaseStep, stepSuccess } from '@synapse-sdk/core';

import type { DeploymentContext } from '../deployment-context.js';
import { DeploymentProgressCategories } from '../deployment-progress.js';
import { registerApplication } from '../registration/register-application.js';

/**
 * Registers the running app with the Synapse backend (`POST serve_applications/`); its result
 * data is the {@link Registration}. No job id means nothing to register: the step is skipped.
 *
 * Unlike the Python SDK, the payload matches the backend's schema, and a retried or repeated run
 * reuses the record of the same app and plugin release instead of creating another (it looks
 * it up first and sends an idempotency key).
 */
export class RegisterStep extends BaseStep<DeploymentContext> {
  public readonly name = DeploymentProgressCategories.REGISTER;
  public readonly progressWeight = 0.2;
  /**
   * Run again after its process died, it finds the record the interrupted attempt may have
   * created (same app and release) instead of creating a second.
   */
  public override readonly resumable = true;
  /** A POST in flight is let finish, so that the record it created is reported on rollback. */
  public override readonly settlesOnAbort = true;

  public override canSkip(context: DeploymentContext): boolean {
    return !context.spec.jobId;
  }

  public async execute(context: DeploymentContext, attempt: StepAttempt): Promise<StepResult> {
    const registration = await registerApplication(context, attempt.signal);
    // Also the rollback data: a run cancelled once the record exists still reports it.
    const record = {
      serveApplication: registration.serveApplication,
      created: registration.created,
    };
    return stepSuccess({ ...registration }, record);
  }

  public override rollback(context: DeploymentContext, result: StepResult): void {
    if (result.rollbackData['created'] === true) {
      // The backend has no endpoint to delete a serve application record.
      context.runtimeCtx.logger.warn(
        `Backend record ${String(result.rollbackData['serveApplication'])} of '${context.serveAppName}' is left in place: the Synapse backend offers no way to delete it`,
      );
    }
  }
}

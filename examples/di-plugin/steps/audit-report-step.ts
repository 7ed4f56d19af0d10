import type { BackendClient } from '@synapse-sdk/clients';
import { BACKEND_CLIENT } from '@synapse-sdk/clients';
import type { StepResult } from '@synapse-sdk/core';
import { BaseStep, stepSuccess } from '@synapse-sdk/core';
import type { DeploymentContext } from '@synapse-sdk/steps';
import { inject, injectable } from 'inversify';

import type { AuditLog } from '../services/audit-log.js';
import { AUDIT_LOG } from '../services/audit-log.js';
import { AuditedBackendClient } from '../services/audited-backend-client.js';

/**
 * Registered by class, so the container builds it and injects the plugin's {@link AuditLog}
 * and the (swapped) backend client. Explicit `@inject` tokens: the loader compiles plugins
 * with esbuild, which emits no decorator metadata.
 */
@injectable()
export class AuditReportStep extends BaseStep<DeploymentContext> {
  public readonly name = 'audit-report';
  public readonly progressWeight = 0.05;

  public constructor(
    @inject(AUDIT_LOG) private readonly audit: AuditLog,
    @inject(BACKEND_CLIENT) private readonly backend: BackendClient,
  ) {
    super();
  }

  public execute(context: DeploymentContext): StepResult {
    const report = {
      audited: this.backend instanceof AuditedBackendClient,
      backendCalls: [...this.audit.entries],
    };
    context.log('backend_audit', report);
    return stepSuccess(report);
  }
}

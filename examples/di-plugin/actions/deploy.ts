import type { StepRegistry } from '@synapse-sdk/core';
import type { DeploymentContext } from '@synapse-sdk/steps';
import {
  BaseDeploymentAction,
  DeployStep,
  InitializeRayStep,
  RegisterStep,
} from '@synapse-sdk/steps';
import { z } from 'zod';

import { AUDIT_LOG } from '../services/audit-log.js';
import { diPluginModule } from '../services/container-module.js';
import { AuditReportStep } from '../steps/audit-report-step.js';

/**
 * Container modules the CLI loads before the run (after binding the SDK's clients). A static
 * `containerModules` on the action class works too.
 */
export const containerModules = [diPluginModule];

/** Params of the deployment: resources per replica and the model to serve. */
export const DeployParams = z.object({
  num_cpus: z.number().positive().default(1),
  num_gpus: z.number().min(0).default(0),
  model_id: z.number().int().positive().optional(),
});

/**
 * The standard steps, plus {@link AuditReportStep} registered by class (resolved from the
 * container). The result adds the audit of backend calls.
 */
export class DeployAction extends BaseDeploymentAction<typeof DeployParams> {
  static override paramsSchema = DeployParams;
  static override entrypoint = 'serve_app:Segmenter';

  override setupSteps(registry: StepRegistry<DeploymentContext>): void {
    registry.register(new InitializeRayStep());
    registry.register(new DeployStep());
    registry.register(new RegisterStep());
    registry.register(AuditReportStep);
  }

  override async run(): Promise<unknown> {
    const result = (await super.run()) as Record<string, unknown>;
    return { ...result, backendCalls: this.ctx.container.get(AUDIT_LOG).entries };
  }
}

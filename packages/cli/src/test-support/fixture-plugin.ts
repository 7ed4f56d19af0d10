import type { PluginDir } from '@synapse-sdk/test-kit';
import { writePluginDir } from '@synapse-sdk/test-kit';

/**
 * A plugin written to a temp directory (outside the repository, no node_modules): a step-mode
 * deployment action with a short connect timeout, an `echo` action that reports its params and
 * environment without any I/O, `fragile` (a step whose rollback throws, then a step that fails
 * or, with `{"wait": true}`, waits for cancellation), and `not-action` whose export is not an
 * action.
 */
export const FIXTURE_FILES: Readonly<Record<string, string>> = {
  'config.yaml': `name: Fixture Model
code: fixture
version: 1.0.0
category: neural_net
data_type: image
env:
  FIXTURE_FROM_CONFIG: from-config
  FIXTURE_OVERRIDE: from-config
actions:
  deployment:
    entrypoint: actions/deploy.ts:DeployAction
  echo:
    entrypoint: actions/echo.ts:EchoAction
  not-action:
    entrypoint: actions/echo.ts:NOT_AN_ACTION
  missing-export:
    entrypoint: actions/echo.ts:Nope
  missing-module:
    entrypoint: actions/nope.ts:Nope
  fragile:
    entrypoint: actions/fragile.ts:FragileAction
`,
  'actions/deploy.ts': `import type { StepRegistry } from '@synapse-sdk/core';
import { BaseDeploymentAction, DeployStep, InitializeRayStep, RegisterStep, type DeploymentContext } from '@synapse-sdk/steps';
import { z } from 'zod';

export const Params = z.object({
  num_cpus: z.number().positive().default(1),
  num_gpus: z.number().min(0).default(0),
  model_id: z.number().int().positive().optional(),
});

export class DeployAction extends BaseDeploymentAction<typeof Params> {
  static override paramsSchema = Params;
  static override entrypoint = 'serve_app:Model';

  override setupSteps(registry: StepRegistry<DeploymentContext>): void {
    registry.register(new InitializeRayStep({ connectTimeoutMs: 300 }));
    registry.register(new DeployStep());
    registry.register(new RegisterStep());
  }
}
`,
  'actions/echo.ts': `import { BaseAction } from '@synapse-sdk/core';
import { RAY_SERVE_CLIENT } from '@synapse-sdk/clients';
import { z } from 'zod';

export const Params = z.object({ message: z.string(), repeat: z.number().int().min(1).default(1) });

export class EchoAction extends BaseAction<typeof Params> {
  static override paramsSchema = Params;

  override execute() {
    const env = this.ctx.env;
    return {
      text: Array(this.params.repeat).fill(this.params.message).join(' '),
      actionName: (this.constructor as typeof EchoAction).actionName,
      category: (this.constructor as typeof EchoAction).category,
      pluginDir: env.get('SYNAPSE_PLUGIN_DIR'),
      fromConfig: env.get('FIXTURE_FROM_CONFIG'),
      override: env.get('FIXTURE_OVERRIDE'),
      rayAddress: this.ctx.container.get(RAY_SERVE_CLIENT).address,
      jobId: this.ctx.jobId ?? null,
      hasBackendClient: this.ctx.client !== undefined,
    };
  }
}

export const NOT_AN_ACTION = { run: () => 1 };
`,
  'actions/fragile.ts': `import { BaseAction, BaseStep, stepSuccess, type StepAttempt, type StepRegistry } from '@synapse-sdk/core';
import { z } from 'zod';

class FragileStep extends BaseStep {
  readonly name = 'fragile';
  readonly progressWeight = 1;
  execute() {
    return stepSuccess();
  }
  override rollback(): void {
    throw new Error('restore refused');
  }
}

class BoomStep extends BaseStep {
  readonly name = 'boom';
  readonly progressWeight = 1;
  execute(): never {
    throw new Error('it broke');
  }
}

class WaitStep extends BaseStep {
  readonly name = 'wait';
  readonly progressWeight = 1;
  execute(_context: unknown, attempt: StepAttempt) {
    process.stderr.write('waiting for cancellation\\n');
    // The timer keeps the process alive: a bare pending promise would let it exit.
    const alive = setInterval(() => undefined, 1_000);
    return new Promise<never>((_resolve, reject) => {
      attempt.signal.addEventListener('abort', () => {
        clearInterval(alive);
        reject(attempt.signal.reason);
      });
    });
  }
}

export const Params = z.object({ wait: z.boolean().default(false) });

export class FragileAction extends BaseAction<typeof Params> {
  static override paramsSchema = Params;

  override setupSteps(registry: StepRegistry): void {
    registry.register(new FragileStep());
    registry.register(this.params.wait ? new WaitStep() : new BoomStep());
  }
}
`,
  'serve_app.py': `class Model:
    def __init__(self, backend_url):
        self.backend_url = backend_url

    async def __call__(self, request):
        return {"ok": True}
`,
  'requirements.txt': 'starlette==0.41.3\n',
};

/**
 * A deployment action that writes to stdout at module load, in `setupSteps` and in a step
 * (`chatter`, between initialize and deploy): a `--json` run must keep all of it off stdout.
 */
export const NOISY_DEPLOY_ACTION = `import type { StepRegistry } from '@synapse-sdk/core';
import { BaseStep, stepSuccess } from '@synapse-sdk/core';
import { BaseDeploymentAction, DeployStep, InitializeRayStep, RegisterStep, type DeploymentContext } from '@synapse-sdk/steps';
import { z } from 'zod';

console.log('noise: module loaded');
process.stdout.write('noise: raw write at load\\n');

class ChatterStep extends BaseStep<DeploymentContext> {
  readonly name = 'chatter';
  readonly progressWeight = 1;
  execute() {
    console.log('noise: in a step');
    console.info({ noise: 'an object' });
    return stepSuccess();
  }
}

export const Params = z.object({ num_cpus: z.number().positive().default(1) });

export class DeployAction extends BaseDeploymentAction<typeof Params> {
  static override paramsSchema = Params;
  static override entrypoint = 'serve_app:Model';

  override setupSteps(registry: StepRegistry<DeploymentContext>): void {
    console.log('noise: setupSteps');
    registry.register(new InitializeRayStep({ connectTimeoutMs: 300 }));
    registry.register(new ChatterStep());
    registry.register(new DeployStep());
    registry.register(new RegisterStep());
  }
}
`;

/** A fixture plugin directory; `remove()` deletes it. */
export type FixturePlugin = PluginDir;

/** Writes {@link FIXTURE_FILES} (with `overrides`; `null` deletes a file) to a new temp dir. */
export function createFixturePlugin(
  overrides: Readonly<Record<string, string | null>> = {},
): Promise<FixturePlugin> {
  return writePluginDir({ ...FIXTURE_FILES, ...overrides }, 'synapse-cli-plugin-');
}

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** What varies between the plugins a scenario deploys. */
export interface PluginOptions {
  /** config.yaml `code`; the app is `<code>@<version>` unless SYNAPSE_PLUGIN_RELEASE_CODE says otherwise. @default 'model' */
  code?: string;
  /** @default '1.0.0' */
  version?: string;
  /**
   * A string written into serve_app.py: another marker is another package, so a code change
   * (a rebuild); the suite finds which version runs by looking for it in the package. @default 'v1'
   */
  marker?: string;
  /** The Python serve class (and so the name of the app's one deployment). @default 'Model' */
  className?: string;
  /** Files replaced (or, with null, removed) after the defaults are written. */
  files?: Readonly<Record<string, string | null>>;
}

/** The action a plugin author writes from the README: initialize, deploy, register. */
export const deployAction = (
  className = 'Model',
): string => `import type { StepRegistry } from '@synapse-sdk/core';
import {
  BaseDeploymentAction,
  DeployStep,
  InitializeRayStep,
  RegisterStep,
  type DeploymentContext,
} from '@synapse-sdk/steps';
import { z } from 'zod';

export const DeployParams = z.object({
  num_cpus: z.number().positive().default(0.5),
  num_gpus: z.number().min(0).default(0),
  memory: z.number().int().positive().optional(),
});

export class DeployAction extends BaseDeploymentAction<typeof DeployParams> {
  static override paramsSchema = DeployParams;
  static override entrypoint = 'serve_app:${className}';

  override setupSteps(registry: StepRegistry<DeploymentContext>): void {
    registry.register(new InitializeRayStep());
    registry.register(new DeployStep());
    registry.register(new RegisterStep());
  }
}
`;

/** The files of a plugin, before `options.files`. */
export function pluginFiles(options: PluginOptions = {}): Record<string, string> {
  const code = options.code ?? 'model';
  return {
    'config.yaml': `name: Reliability ${code}
code: ${code}
version: ${options.version ?? '1.0.0'}
category: neural_net
data_type: text
actions:
  deployment:
    entrypoint: actions/deploy.ts:DeployAction
    method: job
`,
    'actions/deploy.ts': deployAction(options.className),
    'serve_app.py': `MARKER = "${options.marker ?? 'v1'}"


class ${options.className ?? 'Model'}:
    def __init__(self, backend_url):
        self.backend_url = backend_url

    async def __call__(self, request):
        return {"marker": MARKER}
`,
  };
}

/** Writes a plugin into a new directory under `parent` and returns its path. */
export async function writePlugin(parent: string, options: PluginOptions = {}): Promise<string> {
  const dir = await mkdtemp(join(parent, 'plugin-'));
  const files: Record<string, string | null> = { ...pluginFiles(options), ...options.files };
  for (const [path, content] of Object.entries(files)) {
    if (content === null) continue;
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return dir;
}

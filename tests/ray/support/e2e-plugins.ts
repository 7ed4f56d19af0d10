import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { FixturePlugin } from '../../../packages/cli/src/test-support/fixture-plugin.js';
import {
  createFixturePlugin,
  FIXTURE_FILES,
} from '../../../packages/cli/src/test-support/fixture-plugin.js';

/** A serve class that answers with its version and the backend URL it was bound to. */
export function versionedServeApp(version: string, { broken = false } = {}): string {
  return `${broken ? 'raise RuntimeError("model weights are missing")\n\n' : ''}VERSION = "${version}"


class Model:
    def __init__(self, backend_url):
        self.backend_url = backend_url

    async def __call__(self, request):
        return {"version": VERSION, "backend_url": self.backend_url}
`;
}

/** The same deployment as the fixture's `deployment` action, in simple mode (`execute()`). */
const SIMPLE_ACTION = `import { BaseDeploymentAction } from '@synapse-sdk/steps';
import { z } from 'zod';

export const Params = z.object({
  num_cpus: z.number().positive().default(1),
  num_gpus: z.number().min(0).default(0),
  model_id: z.number().int().positive().optional(),
});

export class SimpleAction extends BaseDeploymentAction<typeof Params> {
  static override paramsSchema = Params;
  static override entrypoint = 'serve_app:Model';

  override async execute() {
    await this.rayInit();
    await this.deploy();
    return { serveApplication: await this.registerServeApplication() };
  }
}
`;

/**
 * The CLI's fixture plugin (`code: fixture`, app `fixture@1.0.0`) made for a real head: no
 * requirements (a pip runtime env would add a virtualenv build to every deploy), the versioned
 * serve class, and a `simple` action that deploys the same thing in simple mode.
 */
export function createVersionedPlugin(version: string): Promise<FixturePlugin> {
  return createFixturePlugin({
    'requirements.txt': null,
    'serve_app.py': versionedServeApp(version),
    'actions/simple.ts': SIMPLE_ACTION,
    'config.yaml': `${FIXTURE_FILES['config.yaml']}  simple:\n    entrypoint: actions/simple.ts:SimpleAction\n`,
  });
}

/** Rewrites the plugin's serve class (a code change, or a broken release). */
export function writeServeApp(
  plugin: FixturePlugin,
  version: string,
  options: { broken?: boolean } = {},
): Promise<void> {
  return writeFile(join(plugin.dir, 'serve_app.py'), versionedServeApp(version, options));
}

/**
 * A serve class with a FastAPI app of its own, the Python SDK's documented pattern: a module
 * `app = FastAPI()`, `app = app` on the class, routes on its methods that use `self`.
 */
export const FASTAPI_SERVE_APP = `from fastapi import FastAPI

app = FastAPI()


class Model:
    app = app

    def __init__(self, backend_url):
        self.backend_url = backend_url
        self.greeting = "hello"

    @app.get("/hello/{name}")
    def hello(self, name: str) -> dict:
        return {"greeting": f"{self.greeting} {name}", "backend_url": self.backend_url}

    @app.post("/echo")
    async def echo(self, payload: dict) -> dict:
        return {"echo": payload, "served_by": type(self).__name__}
`;

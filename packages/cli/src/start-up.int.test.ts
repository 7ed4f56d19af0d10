import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDevServer } from '@synapse-sdk/test-kit';
import { startTestDevServer } from '@synapse-sdk/test-kit';

import { REPO_ROOT, runSynapse } from './test-support/run-synapse.js';

// What a command loads decides how fast it starts: these record every module the built command
// imports (through a module hook) and check that it leaves out what it does not run.
describe('synapse start-up', () => {
  let dev: TestDevServer;
  let dir: string;

  beforeAll(async () => {
    dev = await startTestDevServer();
    dir = await mkdtemp(join(tmpdir(), 'synapse-start-up-'));
  });

  afterAll(async () => {
    await dev.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `synapse args` and returns its exit code and the URLs of the modules it imported. */
  async function modulesOf(args: string[]): Promise<{ code: number | null; modules: string[] }> {
    const log = join(dir, `${args.join('-').replace(/[^\w-]/g, '_')}.log`);
    const hooks = join(dir, 'hooks.mjs');
    await writeFile(
      hooks,
      `import { appendFileSync } from 'node:fs';\n` +
        `export async function load(url, context, next) {\n` +
        `  appendFileSync(${JSON.stringify(log)}, url + '\\n');\n` +
        `  return next(url, context);\n}\n`,
    );
    const register = join(dir, 'register.mjs');
    await writeFile(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    await writeFile(log, '');
    const run = await runSynapse(args, {
      env: { ...dev.env, NODE_OPTIONS: `--import=${pathToFileURL(register).href}` },
    });
    return { code: run.code, modules: (await readFile(log, 'utf8')).trim().split('\n') };
  }

  const heavy =
    /\/(inversify|@inversifyjs|reflect-metadata|typescript|tsx|yaml|ws)\/|packages\/steps\//;

  it('serve status imports the Ray client and not the engine, DI, steps, TypeScript, yaml, ws or the deploy schema', async () => {
    const { code, modules } = await modulesOf(['serve', 'status']);
    expect([
      code,
      modules.some((url) => url.endsWith('packages/clients/dist/ray/ray-serve-client.js')),
      modules.some((url) => url.endsWith('packages/core/dist/base.js')),
      modules.filter(
        (url) =>
          heavy.test(url) ||
          /packages\/(core|clients)\/dist\/index\.js$/.test(url) ||
          url.endsWith('packages/clients/dist/ray/deploy-schema.js'),
      ),
    ]).toEqual([0, true, true, []]);
  });

  it('plugin run checks config.yaml with what its first request needs, not the engine, DI, steps or TypeScript', async () => {
    const plugin = join(REPO_ROOT, 'examples/step-based');
    const { code, modules } = await modulesOf(['plugin', 'run', 'nope', '--path', plugin]);
    expect([
      code,
      modules.some((url) => url.endsWith('packages/clients/dist/ray/ray-serve-client.js')),
      modules.some((url) => url.endsWith('packages/core/dist/plugin-config.js')),
      modules.filter((url) => heavy.test(url) && !/\/yaml\//.test(url)),
      modules.filter((url) => /packages\/(core|clients)\/dist\/index\.js$/.test(url)),
    ]).toEqual([2, true, true, [], []]);
  });

  it('--help imports none of the SDK packages', async () => {
    const { code, modules } = await modulesOf(['--help']);
    expect([
      code,
      modules.some((url) => url.endsWith('packages/cli/dist/program.js')),
      modules.filter((url) => /packages\/(core|clients|steps|devserver)\//.test(url)),
    ]).toEqual([0, true, []]);
  });
});

import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitForExit, waitForOutput } from '@synapse-sdk/test-kit';

import { createFixturePlugin } from './test-support/fixture-plugin.js';
import type { SynapseRun } from './test-support/run-synapse.js';
import { runSynapse, spawnSynapse } from './test-support/run-synapse.js';

/** The `error:` lines of a run, with the plugin directory written as DIR. */
function errors(stderr: string, dir: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('error:'))
    .map((line) => line.replaceAll(dir, 'DIR'));
}

// `plugin check` runs the TypeScript compiler: on a busy 2-core machine that alone took over
// 30 s (the default bound of one command), so this file's commands and tests get more room.
const TYPE_CHECK_MS = 120_000;
const TEST_MS = 240_000;

describe('synapse plugin init', () => {
  let dev: ChildProcess;
  let devExit: Promise<SynapseRun>;
  /** What `synapse dev` printed to export. */
  const devEnv: Record<string, string> = {};
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'synapse-init-'));
    // `synapse dev` as a plugin author starts it, on free ports.
    const ports = ['dashboard', 'serve', 'backend', 'agent'].flatMap((p) => [`--${p}-port`, '0']);
    dev = spawnSynapse(['dev', ...ports]);
    // It serves the whole file: its kill bound covers both tests and the hooks, not the default
    // 30 s of one command (which killed it mid-deploy on a busy machine).
    devExit = waitForExit(dev, 180_000);
    const exports = await waitForOutput(dev, 'stdout', /SYNAPSE_AGENT_TOKEN=.*\n/);
    for (const [, key, value] of exports.matchAll(/^export (\w+)=(\S+)$/gm)) devEnv[key!] = value!;
  });

  afterAll(async () => {
    dev.kill('SIGINT');
    await devExit;
    await rm(root, { recursive: true, force: true });
  });

  it(
    'writes a plugin that checks and deploys to synapse dev unchanged, and answers on its route',
    async () => {
      const init = await runSynapse(['plugin', 'init', 'My Model'], {
        cwd: root,
        timeoutMs: TYPE_CHECK_MS,
      });
      const dir = join(root, 'My Model');
      expect([init.code, init.stderr]).toEqual([0, '']);
      expect(init.stdout.split('\n')[0]).toBe(
        `created plugin my-model in ${dir}: .gitignore, actions/deploy.ts, config.yaml, requirements.txt, serve_app.py, tsconfig.json`,
      );
      expect((await readdir(dir)).sort()).toEqual([
        '.gitignore',
        'actions',
        'config.yaml',
        'requirements.txt',
        'serve_app.py',
        'tsconfig.json',
      ]);
      expect(await readFile(join(dir, 'config.yaml'), 'utf8')).toContain(
        'name: my-model\ncode: my-model\nversion: 0.1.0\n',
      );

      const check = await runSynapse(['plugin', 'check', '--path', dir], {
        cwd: root,
        timeoutMs: TYPE_CHECK_MS,
      });
      expect([check.code, check.stdout, check.stderr]).toEqual([
        0,
        'My Model: ok — config.yaml (actions: deployment) and 1 TypeScript file type-checked against the SDK\n',
        '',
      ]);

      const run = await runSynapse(['plugin', 'run', 'deployment', '--path', dir, '-o', 'json'], {
        env: devEnv,
        timeoutMs: TYPE_CHECK_MS,
      });
      expect([run.code, JSON.parse(run.stdout)]).toEqual([
        0,
        { ok: true, result: { success: true, stepsExecuted: 2, stepsTotal: 3, deployed: true } },
      ]);
      // The route the init printed is the one the app answers on.
      const route = /"\$RAY_SERVE_URL(\/[0-9a-f]{32})"/.exec(init.stdout)?.[1];
      const answer = await fetch(`${devEnv['RAY_SERVE_URL']}${route}`, {
        method: 'POST',
        body: 'hi',
      });
      expect([answer.status, await answer.json()]).toEqual([
        200,
        expect.objectContaining({ app: 'my-model@0.1.0', deployment: 'Model', body: 'hi' }),
      ]);
    },
    TEST_MS,
  );

  it(
    'overwrites nothing: a directory that has one of the files is refused as it is',
    async () => {
      const dir = join(root, 'taken');
      const first = await runSynapse(['plugin', 'init', dir, '-o', 'json'], {
        timeoutMs: TYPE_CHECK_MS,
      });
      await writeFile(join(dir, 'config.yaml'), 'name: mine\n');
      const again = await runSynapse(['plugin', 'init', dir], { timeoutMs: TYPE_CHECK_MS });
      expect([first.code, JSON.parse(first.stdout)]).toEqual([
        0,
        {
          ok: true,
          result: {
            dir,
            code: 'taken',
            files: [
              '.gitignore',
              'actions/deploy.ts',
              'config.yaml',
              'requirements.txt',
              'serve_app.py',
              'tsconfig.json',
            ],
          },
        },
      ]);
      expect([again.code, again.stdout, errors(again.stderr, dir)]).toEqual([
        2,
        '',
        [
          'error: DIR already has .gitignore, actions/deploy.ts, config.yaml, requirements.txt, serve_app.py, tsconfig.json; nothing was written. Pass a new or empty directory, or check this plugin with synapse plugin check',
        ],
      ]);
      expect(await readFile(join(dir, 'config.yaml'), 'utf8')).toBe('name: mine\n');
    },
    TEST_MS,
  );
});

describe('synapse plugin check', () => {
  it(
    'names each problem of config.yaml at its line: entrypoints, modules, exports',
    async () => {
      // The fixture declares three broken actions: a module that is missing, an export that is
      // missing, and an export that is not an action class.
      const plugin = await createFixturePlugin();
      try {
        const result = await runSynapse(['plugin', 'check', '--path', plugin.dir], {
          timeoutMs: TYPE_CHECK_MS,
        });
        expect([result.code, result.stdout]).toEqual([2, '']);
        expect(errors(result.stderr, plugin.dir)).toEqual([
          'error: DIR/config.yaml:19:17: actions.missing-module.entrypoint: module actions/nope.ts not found; fix the path (relative to the plugin directory)',
          'error: DIR/config.yaml:15:17: actions.not-action.entrypoint: actions/echo.ts:NOT_AN_ACTION is not a class; export a class that extends BaseAction or BaseDeploymentAction',
          'error: DIR/config.yaml:17:17: actions.missing-export.entrypoint: actions/echo.ts has no export named Nope (exports: Params, EchoAction, NOT_AN_ACTION); fix the name after the colon',
        ]);
        expect(result.stderr).toMatch(/plugin check: 3 problems in .*; nothing was run or sent\n$/);
      } finally {
        await plugin.remove();
      }
    },
    TEST_MS,
  );

  it(
    "reports the plugin's type errors at file:line:column, without running its code",
    async () => {
      const plugin = await createFixturePlugin({
        'config.yaml':
          'name: typo\ncode: typo\nversion: 1.0.0\nactions:\n  deployment:\n    entrypoint: actions/deploy.ts:DeployAction\n',
        'actions/deploy.ts': `import { BaseDeploymentAction, DeployStep } from '@synapse-sdk/steps';
import type { StepRegistry } from '@synapse-sdk/core';
import { missing } from 'not-installed';

throw new Error('plugin check must not run the plugin');

export class DeployAction extends BaseDeploymentAction {
  static override entrypoint = 'serve_app:Modle';
  override setupSteps(registry: StepRegistry): void {
    const replicas: number = 'two';
    registry.register(new DeployStep({ waitTimeoutMs: replicas, nope: missing }));
  }
}
`,
      });
      try {
        const result = await runSynapse(['plugin', 'check', '--path', plugin.dir], {
          timeoutMs: TYPE_CHECK_MS,
        });
        expect(result.code).toBe(2);
        expect(errors(result.stderr, plugin.dir)).toEqual([
          "error: DIR/actions/deploy.ts:3:25: Cannot find module 'not-installed' or its corresponding type declarations. (TS2307)",
          "error: DIR/actions/deploy.ts:10:11: Type 'string' is not assignable to type 'number'. (TS2322)",
          "error: DIR/actions/deploy.ts:11:65: Object literal may only specify known properties, and 'nope' does not exist in type 'DeployStepOptions'. (TS2353)",
          "error: DIR/actions/deploy.ts:8:32: static entrypoint 'serve_app:Modle': serve_app.py defines no Modle; fix the class name or add the class",
        ]);
      } finally {
        await plugin.remove();
      }
    },
    TEST_MS,
  );

  it(
    'reports a YAML syntax error and invalid fields of config.yaml at their lines',
    async () => {
      const syntax = await createFixturePlugin({ 'config.yaml': 'name: x\ncode: [\n' });
      const fields = await createFixturePlugin({
        'config.yaml':
          'name: x\ncategory: neural_nett\nactions:\n  deployment:\n    method: later\n',
      });
      try {
        const bad = await runSynapse(['plugin', 'check', '--path', syntax.dir], {
          timeoutMs: TYPE_CHECK_MS,
        });
        const invalid = await runSynapse(['plugin', 'check', '--path', fields.dir, '-o', 'json'], {
          timeoutMs: TYPE_CHECK_MS,
        });
        expect([bad.code, errors(bad.stderr, syntax.dir)]).toEqual([
          2,
          [
            expect.stringMatching(
              /^error: DIR\/config\.yaml:\d+:\d+: YAML syntax: .*; check the indentation, colons and quotes$/,
            ),
          ],
        ]);
        const body = JSON.parse(invalid.stdout) as {
          ok: boolean;
          error: { code: string; problems: { line: number; message: string }[] };
        };
        expect([invalid.code, body.ok, body.error.code]).toEqual([2, false, 'PLUGIN_INVALID']);
        expect(body.error.problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
          '1: code: is required',
          "1: version: is required: the plugin's version, e.g. version: 1.0.0 (the app is named code@version)",
          expect.stringMatching(/^2: category: /),
          '4: actions.deployment.entrypoint: is required: the module and export of the action, e.g. actions/deploy.ts:DeployAction',
          expect.stringMatching(/^5: actions\.deployment\.method: /),
        ]);
      } finally {
        await syntax.remove();
        await fields.remove();
      }
    },
    TEST_MS,
  );

  it('says what to do when there is no plugin at --path', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'synapse-check-'));
    try {
      const result = await runSynapse(['plugin', 'check', '--path', empty], {
        timeoutMs: TYPE_CHECK_MS,
      });
      expect([result.code, errors(result.stderr, empty)]).toEqual([
        2,
        [
          "error: DIR/config.yaml: not found; pass --path with a plugin directory, or create one with 'synapse plugin init DIR'",
        ],
      ]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDevServer } from '@synapse-sdk/test-kit';
import { closedPort, startTestDevServer, waitForExit, waitForOutput } from '@synapse-sdk/test-kit';

import type { FixturePlugin } from './test-support/fixture-plugin.js';
import { createFixturePlugin, FIXTURE_FILES } from './test-support/fixture-plugin.js';
import { runSynapse, spawnSynapse } from './test-support/run-synapse.js';

/** Every line of stderr that is not a progress/log line. */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('error:'));
}

describe('synapse plugin run: errors a user can cause', () => {
  let dev: TestDevServer;
  let plugin: FixturePlugin;

  beforeAll(async () => {
    dev = await startTestDevServer();
    plugin = await createFixturePlugin();
  });

  afterAll(async () => {
    await dev.stop();
    await plugin.remove();
  });

  async function run(args: string[], env: Record<string, string | undefined> = dev.env) {
    return await runSynapse(['plugin', 'run', ...args], { env });
  }

  it('exits 2 on bad JSON in --params, with one line and nothing sent', async () => {
    const before = dev.requests();
    const result = await run(['deployment', '--path', plugin.dir, '--params', '{num_cpus: 1}']);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      expect.stringMatching(/^error: --params is not valid JSON: .+\. Quote it for the shell/),
    ]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(dev.requests()).toBe(before);
  });

  it('exits 2 when the --params file does not exist', async () => {
    const result = await run(['echo', '--path', plugin.dir, '--params', '@missing.json']);
    expect([result.code, errorLines(result.stderr)]).toEqual([
      2,
      [
        expect.stringMatching(
          /^error: --params @missing\.json: cannot read .*missing\.json \(no such file\)/,
        ),
      ],
    ]);
  });

  it('exits 2 on bad JSON in a --params file, without advice about shell quoting', async () => {
    const file = join(plugin.dir, 'bad-params.json');
    await writeFile(file, '{"message": hi}\n');
    const result = await run(['echo', '--path', plugin.dir, '--params', `@${file}`]);
    expect([result.code, errorLines(result.stderr)]).toEqual([
      2,
      [
        expect.stringMatching(
          new RegExp(
            `^error: ${file.replace(/[.]/g, '\\.')} is not valid JSON: .+\\. Fix the JSON in the file, or pass the params inline$`,
          ),
        ),
      ],
    ]);
    expect(result.stderr).not.toMatch(/quote/i);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('reads params from a YAML file', async () => {
    const file = join(plugin.dir, 'params.yaml');
    await writeFile(file, 'message: hi\nrepeat: 2\n');
    const result = await run(['echo', '--path', plugin.dir, '--params', `@${file}`, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, result: { text: 'hi hi' } });
  });

  it('exits 2 on an unknown action, listing the available ones', async () => {
    const before = dev.requests();
    const result = await run(['nope', '--path', plugin.dir]);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      `error: unknown action 'nope' in ${join(plugin.dir, 'config.yaml')}; available: deployment, echo, not-action, missing-export, missing-module, fragile`,
    ]);
    expect(dev.requests()).toBe(before);
  });

  it('exits 2 when the directory has no config.yaml', async () => {
    const empty = await createFixturePlugin({ 'config.yaml': null });
    try {
      const result = await run(['deployment', '--path', empty.dir]);
      expect([result.code, errorLines(result.stderr)]).toEqual([
        2,
        [
          `error: ${join(empty.dir, 'config.yaml')}: not found; run from a plugin directory or pass --path DIR`,
        ],
      ]);
    } finally {
      await empty.remove();
    }
  });

  it('exits 2 on invalid config.yaml fields, naming the file and every field', async () => {
    const bad = await createFixturePlugin({
      'config.yaml':
        'name: Bad\ncode: "bad code"\ncategory: neural_net\nactions:\n  deployment:\n    entrypoint: actions/deploy.ts:DeployAction\n',
    });
    try {
      const result = await run(['deployment', '--path', bad.dir]);
      expect(result.code).toBe(2);
      const [line] = errorLines(result.stderr);
      expect(line).toContain(`error: ${join(bad.dir, 'config.yaml')}: invalid fields:`);
      expect(line).toContain('code: must be letters, digits');
      expect(line).toContain('data_type: is required for neural_net plugins');
    } finally {
      await bad.remove();
    }
  });

  it("exits 2 on a YAML syntax error in config.yaml, with the parser's reason as the hint", async () => {
    const bad = await createFixturePlugin({
      'config.yaml': 'name: Bad\ncode: bad\nactions:\n  deployment:\n    entrypoint: [a\n',
    });
    try {
      const result = await run(['deployment', '--path', bad.dir]);
      expect([result.code, errorLines(result.stderr)]).toEqual([
        2,
        [
          expect.stringMatching(
            /^error: .*config\.yaml: is not valid YAML at line \d+, column \d+\. Fix the YAML syntax there \(.+\): check indentation, colons and quotes$/,
          ),
        ],
      ]);
    } finally {
      await bad.remove();
    }
  });

  it('exits 2 on an entrypoint that is not module:Export', async () => {
    const bad = await createFixturePlugin({
      'config.yaml':
        'name: Bad\ncode: bad\nversion: 1.0.0\nactions:\n  deployment:\n    entrypoint: actions/deploy.ts\n',
    });
    try {
      const result = await run(['deployment', '--path', bad.dir]);
      expect([result.code, errorLines(result.stderr)]).toEqual([
        2,
        [
          `error: ${join(bad.dir, 'config.yaml')}: actions.deployment.entrypoint: "actions/deploy.ts" is not <module>:<Export>; write it like actions/deploy.ts:DeployAction`,
        ],
      ]);
    } finally {
      await bad.remove();
    }
  });

  it('exits 2 when the entrypoint module or export is missing', async () => {
    const module = await run(['missing-module', '--path', plugin.dir]);
    const exported = await run(['missing-export', '--path', plugin.dir]);
    expect([module.code, exported.code]).toEqual([2, 2]);
    expect(errorLines(module.stderr)[0]).toContain(
      'actions.missing-module.entrypoint: module actions/nope.ts not found in',
    );
    expect(errorLines(exported.stderr)[0]).toContain(
      'actions.missing-export.entrypoint: actions/echo.ts has no export named Nope (exports: EchoAction, NOT_AN_ACTION, Params)',
    );
  });

  it('exits 2 when the export is not a BaseAction subclass', async () => {
    const result = await run(['not-action', '--path', plugin.dir]);
    expect([result.code, errorLines(result.stderr)]).toEqual([
      2,
      [
        'error: actions/echo.ts:NOT_AN_ACTION is not an action class (got object); export a class that extends BaseAction or BaseDeploymentAction',
      ],
    ]);
  });

  it('exits 2 when the plugin code does not compile', async () => {
    const broken = await createFixturePlugin({ 'actions/echo.ts': 'export class EchoAction {{{' });
    try {
      const result = await run(['echo', '--path', broken.dir]);
      expect(result.code).toBe(2);
      expect(errorLines(result.stderr)).toEqual([
        expect.stringMatching(/^error: cannot load .*echo\.ts: .*\. Fix the plugin code$/),
      ]);
    } finally {
      await broken.remove();
    }
  });

  it('advises installing a package only when a bare import is not found', async () => {
    const broken = await createFixturePlugin({
      'actions/echo.ts': `import 'left-pad';\nimport './helpers.js';\n${FIXTURE_FILES['actions/echo.ts']}`,
      'actions/helpers.ts': 'export {};\n',
      'actions/relative.ts': `import './missing.js';\n${FIXTURE_FILES['actions/echo.ts']}`,
      'config.yaml': `${FIXTURE_FILES['config.yaml']}  relative:\n    entrypoint: actions/relative.ts:EchoAction\n`,
    });
    try {
      const bare = await run(['echo', '--path', broken.dir]);
      const relative = await run(['relative', '--path', broken.dir]);
      expect([bare.code, relative.code]).toEqual([2, 2]);
      expect(errorLines(bare.stderr)).toEqual([
        expect.stringMatching(
          /^error: cannot load .*echo\.ts: Cannot find package 'left-pad' .*\. Install left-pad in the plugin's own node_modules \(only @synapse-sdk\/core, .* come from the CLI\)$/,
        ),
      ]);
      expect(errorLines(relative.stderr)).toEqual([
        expect.stringMatching(
          /^error: cannot load .*relative\.ts: Cannot find module .*missing\.js.*\. Fix the plugin code$/,
        ),
      ]);
    } finally {
      await broken.remove();
    }
  });

  it('exits 2 on invalid params, listing every bad field on one line, nothing changed', async () => {
    const before = dev.requests();
    const result = await run([
      'deployment',
      '--path',
      plugin.dir,
      '--params',
      '{"num_cpus": -1, "num_gpus": "two", "model_id": 1.5}',
    ]);
    expect(result.code).toBe(2);
    const lines = errorLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error: Invalid params: num_cpus: .+; num_gpus: .+; model_id: .+\. Fix --params to match the schema of action 'deployment' \(its paramsSchema\)$/,
    );
    // The params schema is the plugin's code: the deploy's first request, a read, goes out while
    // that loads (at most that one), and nothing else.
    const sent = dev.requestLog().slice(before);
    expect(sent.filter((request) => request !== 'dashboard GET /api/version')).toEqual([]);
    expect(sent.length).toBeLessThanOrEqual(1);
  });

  it('prints one JSON error object on stdout with --json', async () => {
    const result = await run([
      'deployment',
      '--path',
      plugin.dir,
      '--params',
      '{"num_cpus": 0}',
      '--json',
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      error: {
        code: 'PARAMS_INVALID',
        message: expect.stringMatching(/^Invalid params: num_cpus: /),
        hint: "fix --params to match the schema of action 'deployment' (its paramsSchema)",
      },
    });
  });

  it('exits 3 when the Ray dashboard cannot be reached, before changing anything', async () => {
    const port = await closedPort();
    const result = await run(['deployment', '--path', plugin.dir, '--json'], {
      ...dev.env,
      RAY_DASHBOARD_ADDRESS: `http://127.0.0.1:${port}`,
    });
    expect(result.code).toBe(3);
    const lines = errorLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`http://127.0.0.1:${port}`);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      error: { code: 'STEP_FAILED', rootCode: 'HTTP_CONNECTION' },
    });
  });

  it('exits 3 when the dashboard refuses the token, and never prints it', async () => {
    const secured = await startTestDevServer({ authToken: 'right-token-123' });
    try {
      const result = await run(['deployment', '--path', plugin.dir, '--json'], {
        ...secured.env,
        RAY_AUTH_TOKEN: 'wrong-token-456',
      });
      expect(result.code).toBe(3);
      expect(JSON.parse(result.stdout)).toMatchObject({ error: { rootCode: 'HTTP_AUTH' } });
      expect(errorLines(result.stderr)).toHaveLength(1);
      expect(result.stderr + result.stdout).not.toContain('wrong-token-456');
      expect(await secured.serveDetails()).toMatchObject({ applications: {} });
    } finally {
      await secured.stop();
    }
  });

  it('exits 3 when the backend refuses the token, checked before anything is deployed', async () => {
    const secured = await startTestDevServer({ backendToken: 'backend-ok' });
    try {
      const result = await run(['deployment', '--path', plugin.dir, '--json', '--job-id', '3'], {
        ...secured.env,
        SYNAPSE_ACCESS_TOKEN: 'backend-wrong-789',
        SYNAPSE_PLUGIN_RELEASE_ID: '1',
      });
      expect(result.code).toBe(3);
      expect(JSON.parse(result.stdout)).toMatchObject({
        ok: false,
        error: { code: 'STEP_FAILED', rootCode: 'HTTP_AUTH' },
      });
      expect(errorLines(result.stderr)).toHaveLength(1);
      expect(result.stderr + result.stdout).not.toContain('backend-wrong-789');
      expect(await secured.serveDetails()).toMatchObject({ applications: {} });
    } finally {
      await secured.stop();
    }
  });

  it('exits 2 when a step finds bad input after work began (a missing serve module), like serve plan', async () => {
    const noModule = await createFixturePlugin({ 'serve_app.py': null });
    try {
      const args = ['--path', noModule.dir, '--json'];
      const result = await run(['deployment', ...args]);
      const plan = await runSynapse(['serve', 'plan', ...args], { env: dev.env });
      expect([result.code, plan.code]).toEqual([2, 2]);
      expect(JSON.parse(result.stdout)).toMatchObject({
        ok: false,
        error: {
          code: 'STEP_FAILED',
          rootCode: 'CONFIG_INVALID',
          message: expect.stringMatching(
            /^Step 'deploy' failed: entrypoint: 'serve_app:Model' names module serve_app, but serve_app\.py is not in .* \(rolled back: deploy\)\. Add serve_app\.py/,
          ),
        },
      });
      expect(JSON.parse(plan.stdout)).toMatchObject({
        ok: false,
        error: { code: 'CONFIG_INVALID' },
      });
    } finally {
      await noModule.remove();
    }
  });

  it('exits 4 when a rollback fails, saying the cluster may not be as it was', async () => {
    const result = await run(['fragile', '--path', plugin.dir, '--json']);
    expect(result.code).toBe(4);
    const rollbackError = "Rollback failed for step 'fragile': restore refused";
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      error: {
        code: 'STEP_FAILED',
        message: `Step 'boom' failed: it broke (${rollbackError.replace('R', 'r')}). The cluster may not be as it was: check \`synapse serve status\``,
        hint: 'the cluster may not be as it was: check `synapse serve status`',
        rollbackErrors: [rollbackError],
      },
    });
    expect(errorLines(result.stderr)).toHaveLength(1);
  });

  it('exits 4, not 130, when a rollback fails after Ctrl-C', async () => {
    const child = spawnSynapse(
      ['plugin', 'run', 'fragile', '--path', plugin.dir, '--params', '{"wait": true}'],
      { env: dev.env },
    );
    const exit = waitForExit(child);
    await waitForOutput(child, 'stderr', /waiting for cancellation/);
    child.kill('SIGINT');
    const result = await exit;
    expect(result.code).toBe(4);
    expect(errorLines(result.stderr)).toEqual([
      "error: Cancelled during step 'wait'; rolled back 0 steps; Rollback failed for step 'fragile': restore refused. The cluster may not be as it was: check `synapse serve status`",
    ]);
  });

  it('exits 2 on an unknown option or command, with one line pointing at --help', async () => {
    const option = await run(['deployment', '--bogus']);
    const command = await runSynapse(['plugin', 'launch']);
    expect([option.code, option.stderr]).toEqual([
      2,
      "error: unknown option '--bogus'. Run 'synapse plugin run --help' for usage.\n",
    ]);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(
      /^error: unknown command 'launch'.*Run 'synapse plugin --help' for usage\.\n$/,
    );
  });

  it('answers a usage error with a JSON object when --json is given', async () => {
    const result = await run(['deployment', '--json', '--bogus']);
    expect([result.code, JSON.parse(result.stdout)]).toEqual([
      2,
      { ok: false, error: { code: 'USAGE', message: "unknown option '--bogus'" } },
    ]);
  });

  it('prints the stack only with --verbose', async () => {
    const quiet = await run(['nope', '--path', plugin.dir]);
    const verbose = await run(['nope', '--path', plugin.dir, '--verbose']);
    expect(quiet.stderr).not.toMatch(/\n\s+at /);
    expect(verbose.stderr).toMatch(/UsageError: unknown action 'nope'[^\n]*\n\s+at /);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDevServer } from '@synapse-sdk/test-kit';
import { startTestDevServer } from '@synapse-sdk/test-kit';

import type { FixturePlugin } from './test-support/fixture-plugin.js';
import { createFixturePlugin, NOISY_DEPLOY_ACTION } from './test-support/fixture-plugin.js';
import { runSynapse } from './test-support/run-synapse.js';

/** stdout holds exactly one line, a JSON object; returns it. */
function onlyJson(stdout: string): unknown {
  expect(stdout.endsWith('\n') && stdout.indexOf('\n') === stdout.length - 1).toBe(true);
  return JSON.parse(stdout) as unknown;
}

describe('--json keeps stdout to one JSON object whatever the plugin prints', () => {
  let dev: TestDevServer;
  let plugin: FixturePlugin;

  beforeAll(async () => {
    dev = await startTestDevServer();
    plugin = await createFixturePlugin({ 'actions/deploy.ts': NOISY_DEPLOY_ACTION });
  });

  afterAll(async () => {
    await dev.stop();
    await plugin.remove();
  });

  it('plugin run: module load, setupSteps and step output go to stderr', async () => {
    const result = await runSynapse(
      ['plugin', 'run', 'deployment', '--path', plugin.dir, '--json'],
      { env: dev.env },
    );
    expect(result.code).toBe(0);
    expect(onlyJson(result.stdout)).toMatchObject({
      ok: true,
      result: { success: true, deployed: true },
    });
    for (const text of [
      'noise: module loaded',
      'noise: raw write at load',
      'noise: setupSteps',
      'noise: in a step',
      "{ noise: 'an object' }",
    ]) {
      expect(result.stderr).toContain(text);
    }
  });

  it('plugin run: the error object is the only thing on stdout too', async () => {
    const result = await runSynapse(
      [
        'plugin',
        'run',
        'deployment',
        '--path',
        plugin.dir,
        '--json',
        '--params',
        '{"num_cpus": 0}',
      ],
      { env: dev.env },
    );
    expect(result.code).toBe(2);
    expect(onlyJson(result.stdout)).toMatchObject({ ok: false, error: { code: 'PARAMS_INVALID' } });
    expect(result.stderr).toContain('noise: module loaded');
  });

  it('serve plan: the plugin output goes to stderr', async () => {
    const result = await runSynapse(['serve', 'plan', '--path', plugin.dir, '--json'], {
      env: dev.env,
    });
    expect(result.code).toBe(0);
    expect(onlyJson(result.stdout)).toMatchObject({
      ok: true,
      result: { appName: 'fixture@1.0.0' },
    });
    expect(result.stderr).toContain('noise: module loaded');
  });

  it('without --json the plugin output stays where the plugin wrote it', async () => {
    const result = await runSynapse(['serve', 'plan', '--path', plugin.dir], { env: dev.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^noise: module loaded\nnoise: raw write at load\nplan for /);
  });
});

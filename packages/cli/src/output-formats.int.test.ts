import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDevServer } from '@synapse-sdk/test-kit';
import { startTestDevServer, withoutHealthMetrics } from '@synapse-sdk/test-kit';
import { parse } from 'yaml';

import type { FixturePlugin } from './test-support/fixture-plugin.js';
import { createFixturePlugin } from './test-support/fixture-plugin.js';
import { runSynapse } from './test-support/run-synapse.js';

/** Every line of stdout as JSON (the last line ends with a newline, no blank lines). */
function ndjson(stdout: string): Record<string, unknown>[] {
  expect(stdout.endsWith('\n')).toBe(true);
  return stdout
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('-o json|yaml|ndjson', () => {
  let dev: TestDevServer;
  let plugin: FixturePlugin;

  beforeAll(async () => {
    dev = await startTestDevServer({ authToken: 'ray-secret-token' });
    plugin = await createFixturePlugin();
  });

  afterAll(async () => {
    await dev.stop();
    await plugin.remove();
  });

  it('plugin run -o ndjson: one JSON event per line as the run goes, the result last', async () => {
    const run = await runSynapse(
      ['plugin', 'run', 'deployment', '--path', plugin.dir, '-o', 'ndjson'],
      { env: dev.env },
    );
    const events = ndjson(run.stdout);
    const steps = events
      .filter((e) => ['step:start', 'step:end', 'step:skip'].includes(String(e['type'])))
      .map((e) => `${String(e['type'])} ${String(e['step'])}`);
    expect({
      code: run.code,
      first: events[0],
      steps,
      tail: events.slice(-2),
      // Every event has its time; the result line is the envelope of -o json, plus its type.
      timed: events
        .slice(0, -1)
        .every((e) => typeof e['time'] === 'string' && !isNaN(Date.parse(e['time']))),
      secretShown:
        run.stdout.includes('ray-secret-token') || run.stderr.includes('ray-secret-token'),
    }).toEqual({
      code: 0,
      first: {
        type: 'run:start',
        time: expect.any(String),
        steps: ['initialize', 'deploy', 'register'],
      },
      steps: [
        'step:start initialize',
        'step:end initialize',
        'step:start deploy',
        'step:end deploy',
        'step:skip register', // no job id: nothing to register
      ],
      tail: [
        { type: 'run:end', time: expect.any(String), outcome: 'done' },
        {
          type: 'result',
          ok: true,
          result: expect.objectContaining({ success: true, deployed: true }),
        },
      ],
      timed: true,
      secretShown: false,
    });
    expect(events.some((e) => e['type'] === 'progress')).toBe(true);
    // The human lines stay on stderr.
    expect(run.stderr).toMatch(/deploy done in/);
  });

  it('plugin run -o ndjson: a failure ends the stream with the error result', async () => {
    const run = await runSynapse(
      [
        'plugin',
        'run',
        'deployment',
        '--path',
        plugin.dir,
        '-o',
        'ndjson',
        '--params',
        '{"num_cpus": 0}',
      ],
      { env: dev.env },
    );
    const events = ndjson(run.stdout);
    expect([run.code, events.at(-1)]).toEqual([
      2,
      { type: 'result', ok: false, error: expect.objectContaining({ code: 'PARAMS_INVALID' }) },
    ]);
  });

  it('plugin run -o yaml prints the envelope of -o json as YAML; --json is -o json', async () => {
    const yaml = await runSynapse(
      [
        'plugin',
        'run',
        'echo',
        '--path',
        plugin.dir,
        '-o',
        'yaml',
        '--params',
        '{"message": "hi"}',
      ],
      {
        env: dev.env,
      },
    );
    const json = await runSynapse(
      ['plugin', 'run', 'echo', '--path', plugin.dir, '--json', '--params', '{"message": "hi"}'],
      {
        env: dev.env,
      },
    );
    const outputJson = await runSynapse(
      [
        'plugin',
        'run',
        'echo',
        '--path',
        plugin.dir,
        '--output=json',
        '--params',
        '{"message": "hi"}',
      ],
      { env: dev.env },
    );
    expect([yaml.code, json.code, outputJson.code]).toEqual([0, 0, 0]);
    expect(parse(yaml.stdout)).toEqual(JSON.parse(json.stdout));
    expect(outputJson.stdout).toBe(json.stdout);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, result: { text: 'hi' } });
  }, 30_000);

  it('serve status, plan and delete print YAML with -o yaml', async () => {
    const deployed = await runSynapse(['plugin', 'run', 'deployment', '--path', plugin.dir], {
      env: dev.env,
    });
    expect(deployed.code).toBe(0);
    const status = await runSynapse(['serve', 'status', '-o', 'yaml'], { env: dev.env });
    const statusJson = await runSynapse(['serve', 'status', '-o', 'json'], { env: dev.env });
    const plan = await runSynapse(['serve', 'plan', '--path', plugin.dir, '-o', 'yaml'], {
      env: dev.env,
    });
    const removed = await runSynapse(['serve', 'delete', 'fixture@1.0.0', '--yes', '-o', 'yaml'], {
      env: dev.env,
    });
    // Two reads: all but controller_health_metrics (recomputed on every read) is the same.
    expect(withoutHealthMetrics(parse(status.stdout) as Record<string, unknown>)).toEqual(
      withoutHealthMetrics(JSON.parse(statusJson.stdout) as Record<string, unknown>),
    );
    expect(parse(status.stdout)).toMatchObject({
      applications: { 'fixture@1.0.0': { status: 'RUNNING' } },
    });
    expect(parse(plan.stdout)).toMatchObject({
      ok: true,
      result: { appName: 'fixture@1.0.0', change: 'unchanged' },
    });
    expect(parse(removed.stdout)).toEqual({
      ok: true,
      result: { removed: 'fixture@1.0.0', kept: [] },
    });
  }, 30_000);

  it('answers a usage error in the format asked for; refuses two formats at once', async () => {
    const usage = await runSynapse(['serve', 'status', '-o', 'yaml', '--nope']);
    const unknownFormat = await runSynapse(['serve', 'status', '-o', 'xml']);
    const both = await runSynapse(['serve', 'status', '--json', '-o', 'yaml'], { env: dev.env });
    expect([usage.code, parse(usage.stdout)]).toEqual([
      2,
      { ok: false, error: { code: 'USAGE', message: "unknown option '--nope'" } },
    ]);
    expect([unknownFormat.code, unknownFormat.stderr]).toEqual([
      2,
      "error: option '-o, --output <format>' argument 'xml' is invalid. Allowed choices are text, json, yaml. Run 'synapse serve status --help' for usage.\n",
    ]);
    expect([both.code, both.stdout, both.stderr]).toEqual([
      2,
      '',
      'error: --json and -o yaml ask for two formats. Pass one of them\n',
    ]);
  });
});

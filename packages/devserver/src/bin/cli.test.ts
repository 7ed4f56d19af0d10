import { describe, expect, it } from '@jest/globals';

import type { DevServer } from '../dev-server.js';
import { http } from '../test-support/http.js';
import { exportLines, parseCliArgs, USAGE } from './cli-args.js';
import { runCli } from './run-cli.js';

function sink(): { write(chunk: string): boolean; text(): string } {
  let out = '';
  return {
    write: (chunk: string) => {
      out += chunk;
      return true;
    },
    text: () => out,
  };
}

describe('parseCliArgs', () => {
  it('uses the documented default ports', () => {
    const parsed = parseCliArgs([], {});
    expect(parsed.help === false && parsed.options.ports).toEqual({
      dashboard: 8265,
      serve: 8000,
      backend: 8266,
      agent: 8267,
    });
  });

  it('reads flags and token environment variables', () => {
    const parsed = parseCliArgs(
      [
        '--dashboard-port',
        '0',
        '--auth-token',
        't1',
        '--state-file',
        's.json',
        '--strict-extras',
        '--build-time-ms',
        '50',
      ],
      { DEVSERVER_BACKEND_TOKEN: 'b1' },
    );
    expect(parsed.help === false && parsed.options).toMatchObject({
      ports: { dashboard: 0 },
      authToken: 't1',
      backendToken: 'b1',
      stateFile: 's.json',
      strictExtras: true,
      timings: { buildTimeMs: 50 },
    });
  });

  it("spells the flags as 'synapse dev' does: --token for every service, --state", () => {
    const parsed = parseCliArgs(
      ['--token', 'all', '--agent-token', 'own', '--state', 's.json'],
      {},
    );
    const renamed = parseCliArgs(['--ray-token', 'r'], {});
    expect(parsed.help === false && parsed.options).toMatchObject({
      authToken: 'all',
      backendToken: 'all',
      agentToken: 'own',
      stateFile: 's.json',
    });
    expect(renamed.help === false && renamed.options.authToken).toBe('r');
    // The earlier spellings still work but are no longer listed.
    expect(USAGE).not.toMatch(/--auth-token|--state-file/);
  });

  it('rejects bad values and unknown flags', () => {
    expect(() => parseCliArgs(['--serve-port', 'x'], {})).toThrow(
      '--serve-port must be a port number between 0 and 65535, got "x"',
    );
    expect(() => parseCliArgs(['--nope'], {})).toThrow(/nope/);
  });
});

describe('exportLines', () => {
  it('prints the variables to export, tokens only when set, shell-quoted', () => {
    const urls = {
      dashboardUrl: 'http://127.0.0.1:8265',
      backendUrl: 'http://127.0.0.1:8266/',
      agentUrl: 'http://127.0.0.1:8267/',
    };
    expect(exportLines(urls, {})).toEqual([
      'export RAY_DASHBOARD_ADDRESS=http://127.0.0.1:8265',
      'export SYNAPSE_HOST=http://127.0.0.1:8266/',
      'export SYNAPSE_AGENT_HOST=http://127.0.0.1:8267/',
    ]);
    expect(exportLines(urls, { authToken: "a b'c", backendToken: 'b', agentToken: 'c' })).toEqual([
      'export RAY_DASHBOARD_ADDRESS=http://127.0.0.1:8265',
      'export SYNAPSE_HOST=http://127.0.0.1:8266/',
      'export SYNAPSE_ACCESS_TOKEN=b',
      'export SYNAPSE_AGENT_HOST=http://127.0.0.1:8267/',
      'export SYNAPSE_AGENT_TOKEN=c',
      "export RAY_AUTH_TOKEN='a b'\\''c'",
    ]);
  });
});

describe('runCli', () => {
  it('prints help and exits 0', async () => {
    const out = sink();
    expect(
      await runCli(
        ['--help'],
        { stdout: out, stderr: sink(), stopSignal: new Promise(() => undefined) },
        {},
      ),
    ).toBe(0);
    expect(out.text()).toMatch(/^Usage: synapse-devserver \[options\]/);
  });

  it('exits 2 on a usage error', async () => {
    const err = sink();
    expect(
      await runCli(
        ['--agent-port=99999'],
        { stdout: sink(), stderr: err, stopSignal: new Promise(() => undefined) },
        {},
      ),
    ).toBe(2);
    expect(err.text()).toContain('--agent-port must be a port number');
  });

  it('starts, prints the exports, serves until the stop signal, then closes the listeners', async () => {
    const out = sink();
    let stop: (signal: string) => void = () => undefined;
    let started: DevServer | undefined;
    const run = runCli(
      [
        '--dashboard-port',
        '0',
        '--serve-port',
        '0',
        '--backend-port',
        '0',
        '--agent-port',
        '0',
        '--backend-token',
        'bt',
      ],
      {
        stdout: out,
        stderr: sink(),
        stopSignal: new Promise((resolve) => (stop = resolve)),
        onStarted: (dev) => (started = dev),
      },
      {},
    );
    while (started === undefined) await new Promise((resolve) => setImmediate(resolve));
    const dashboard = /export RAY_DASHBOARD_ADDRESS=(\S+)/.exec(out.text())?.[1] ?? '';
    expect(dashboard).toBe(started.dashboardUrl);
    expect(out.text()).toContain('export SYNAPSE_ACCESS_TOKEN=bt');
    expect(out.text()).not.toContain('RAY_AUTH_TOKEN');
    expect((await http(`${dashboard}/api/version`)).status).toBe(200);
    stop('SIGTERM');
    expect(await run).toBe(0);
    await expect(http(`${dashboard}/api/version`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

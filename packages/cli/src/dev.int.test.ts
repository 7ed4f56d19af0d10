import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from '@jest/globals';
import { holdPort, waitForExit, waitForOutput } from '@synapse-sdk/test-kit';

import { REPO_ROOT, runSynapse, spawnSynapse } from './test-support/run-synapse.js';

const ANY_PORTS = ['--dashboard-port', '0', '--serve-port', '0', '--backend-port', '0'];

/** The `--flag <value>` spellings of a help text's option lines. */
function flagsOf(help: string): string[] {
  return [...help.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+(?: <\w+>)?)/gm)].map((m) => m[1]!).sort();
}

describe('synapse dev', () => {
  it('spells its flags as synapse-devserver does', async () => {
    const dev = await runSynapse(['dev', '--help']);
    const devserver = await waitForExit(
      spawn(process.execPath, [
        join(REPO_ROOT, 'packages/devserver/dist/bin/synapse-devserver.js'),
        '--help',
      ]),
    );
    const shared = flagsOf(devserver.stdout);
    expect(flagsOf(dev.stdout)).toEqual([
      '--agent-port <n>',
      '--backend-port <n>',
      '--dashboard-port <n>',
      '--help',
      '--serve-port <n>',
      '--state <file>',
      '--token <t>',
      '--verbose',
    ]);
    expect(flagsOf(dev.stdout).filter((flag) => !shared.includes(flag))).toEqual([]);
  });

  it('prints the export lines, serves the dashboard, and stops cleanly on SIGINT', async () => {
    const child = spawnSynapse(['dev', ...ANY_PORTS, '--agent-port', '0', '--token', 'dev-secret']);
    const exit = waitForExit(child);
    const stdout = await waitForOutput(child, 'stdout', /RAY_AUTH_TOKEN=.*\n/);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^export RAY_DASHBOARD_ADDRESS=http:\/\/127\.0\.0\.1:\d+$/),
      expect.stringMatching(/^export RAY_SERVE_URL=http:\/\/127\.0\.0\.1:\d+$/),
      expect.stringMatching(/^export SYNAPSE_HOST=http:\/\/127\.0\.0\.1:\d+\/$/),
      'export SYNAPSE_ACCESS_TOKEN=dev-secret',
      expect.stringMatching(/^export SYNAPSE_AGENT_HOST=http:\/\/127\.0\.0\.1:\d+\/$/),
      'export SYNAPSE_AGENT_TOKEN=dev-secret',
      'export RAY_AUTH_TOKEN=dev-secret',
    ]);
    const dashboard = lines[0]!.split('=')[1]!;
    const refused = await fetch(`${dashboard}/api/serve/applications/`);
    const version = await fetch(`${dashboard}/api/version`, {
      headers: { authorization: 'Bearer dev-secret' },
    });
    expect([refused.status, version.status]).toEqual([401, 200]);
    expect(await version.json()).toMatchObject({ ray_version: '2.58.0' });
    const proxy = await fetch(`${lines[1]!.split('=')[1]!}/-/healthz`);
    expect(await proxy.text()).toMatch(/^Serve is not running/);
    child.kill('SIGINT');
    expect((await exit).code).toBe(0);
  });

  it('exports placeholder tokens without --token, which the devserver accepts', async () => {
    const child = spawnSynapse(['dev', ...ANY_PORTS, '--agent-port', '0']);
    const exit = waitForExit(child);
    const stdout = await waitForOutput(child, 'stdout', /SYNAPSE_AGENT_TOKEN=.*\n/);
    const env = Object.fromEntries(
      stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.replace(/^export /, '').split('=') as [string, string]),
    );
    expect(Object.keys(env)).toEqual([
      'RAY_DASHBOARD_ADDRESS',
      'RAY_SERVE_URL',
      'SYNAPSE_HOST',
      'SYNAPSE_ACCESS_TOKEN',
      'SYNAPSE_AGENT_HOST',
      'SYNAPSE_AGENT_TOKEN',
    ]);
    expect([env['SYNAPSE_ACCESS_TOKEN'], env['SYNAPSE_AGENT_TOKEN']]).toEqual(['dev', 'dev']);
    const records = await fetch(`${env['SYNAPSE_HOST']}serve_applications/`, {
      headers: { 'Synapse-Access-Token': `Token ${env['SYNAPSE_ACCESS_TOKEN']}` },
    });
    expect(records.status).toBe(200);
    child.kill('SIGINT');
    expect((await exit).code).toBe(0);
  });

  it('exits 2 on a bad port', async () => {
    const result = await waitForExit(spawnSynapse(['dev', '--dashboard-port', 'eighty']));
    expect([result.code, result.stderr]).toEqual([
      2,
      'error: --dashboard-port must be a port number between 0 and 65535, got "eighty"\n',
    ]);
  });

  it('exits 2 when a port is taken, naming it and the flag that changes it', async () => {
    const { port, release } = await holdPort();
    try {
      const result = await waitForExit(
        spawnSynapse(['dev', ...ANY_PORTS, '--agent-port', String(port)]),
      );
      expect([
        result.code,
        result.stderr.split('\n').filter((l) => l.startsWith('error:')),
      ]).toEqual([
        2,
        [
          `error: port ${port} is already in use (agent port). Stop what uses it, or pass --agent-port with another port (0 picks a free one)`,
        ],
      ]);
    } finally {
      await release();
    }
  });

  it('exits 2 when the --state directory does not exist, or the state file is corrupt', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'synapse-dev-state-'));
    try {
      const missing = join(dir, 'no-such-dir', 'state.json');
      const corrupt = join(dir, 'corrupt.json');
      await writeFile(corrupt, '{nope');
      const noDir = await waitForExit(
        spawnSynapse(['dev', ...ANY_PORTS, '--agent-port', '0', '--state', missing]),
      );
      const bad = await waitForExit(
        spawnSynapse(['dev', ...ANY_PORTS, '--agent-port', '0', '--state', corrupt]),
      );
      expect([noDir.code, noDir.stderr]).toEqual([
        2,
        `error: --state ${missing}: its directory ${join(dir, 'no-such-dir')} does not exist. Create the directory or pass --state with a path in a writable directory\n`,
      ]);
      expect([bad.code, bad.stderr]).toEqual([
        2,
        `error: devserver state file ${corrupt} is not valid JSON; delete it or use another state file\n`,
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from '@jest/globals';

import { spawnSynapse, waitForExit, waitForOutput } from './test-support/run-synapse.js';

describe('synapse dev', () => {
  it('prints the export lines, serves the dashboard, and stops cleanly on SIGINT', async () => {
    const child = spawnSynapse([
      'dev',
      '--dashboard-port',
      '0',
      '--serve-port',
      '0',
      '--backend-port',
      '0',
      '--agent-port',
      '0',
      '--token',
      'dev-secret',
    ]);
    const exit = waitForExit(child);
    const stdout = await waitForOutput(child, 'stdout', /RAY_AUTH_TOKEN=.*\n/);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^export RAY_DASHBOARD_ADDRESS=http:\/\/127\.0\.0\.1:\d+$/),
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
    expect(await version.json()).toMatchObject({ ray_version: '2.46.0' });
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
});

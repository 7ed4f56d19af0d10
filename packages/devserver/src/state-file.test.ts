import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { ManualClock } from './clock.js';
import { appConfig, http, startTestServer } from './test-support/http.js';

describe('state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'devserver-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps apps, packages and backend records across a restart, with a new session', async () => {
    const stateFile = join(dir, 'state.json');
    const clock = new ManualClock();
    const first = await startTestServer({ stateFile, clock });
    await http(`${first.dev.dashboardUrl}/api/packages/gcs/_ray_pkg_1.zip`, {
      method: 'PUT',
      body: Buffer.from('zip-bytes'),
    });
    await first.put({ applications: [appConfig('a')] });
    await http(`${first.dev.backendUrl}serve_applications/`, {
      method: 'POST',
      body: { name: 'a', plugin_release: 1, action: 'deployment' },
    });
    await first.dev.control.advance(600);
    const before = await first.details();
    const session = first.dev.control.sessionName;
    await first.dev.stop();
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({
      format: 'synapse-devserver-state',
      version: 1,
    });

    const second = await startTestServer({ stateFile, clock });
    try {
      const after = await second.details();
      expect(after.applications['a']?.status).toBe('RUNNING');
      expect(after.applications['a']?.deployed_app_config).toEqual(
        before.applications['a']?.deployed_app_config,
      );
      expect(second.dev.control.packageNames()).toEqual(['_ray_pkg_1.zip']);
      expect(second.dev.control.backend().serveApplications.map((r) => r.id)).toEqual([1]);
      expect(second.dev.control.sessionName).not.toBe(session);
      const next = await http(`${second.dev.backendUrl}serve_applications/`, {
        method: 'POST',
        body: { name: 'b', plugin_release: 1, action: 'deployment' },
      });
      expect(next.json<{ id: number }>().id).toBe(2);
    } finally {
      await second.dev.stop();
    }
  });

  it('starts empty when the file does not exist and refuses a corrupt or foreign file with STATE_FILE_INVALID and a clear message', async () => {
    const missing = await startTestServer({ stateFile: join(dir, 'absent.json') });
    expect((await missing.details()).applications).toEqual({});
    await missing.dev.stop();
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{nope');
    await expect(startTestServer({ stateFile: corrupt })).rejects.toMatchObject({
      code: 'STATE_FILE_INVALID',
      message: `devserver state file ${corrupt} is not valid JSON; delete it or use another state file`,
    });
    const foreign = join(dir, 'foreign.json');
    writeFileSync(foreign, JSON.stringify({ format: 'something-else', version: 1 }));
    await expect(startTestServer({ stateFile: foreign })).rejects.toMatchObject({
      code: 'STATE_FILE_INVALID',
      message: `devserver state file ${foreign} has an unknown format; delete it or use another state file`,
    });
    expect([readFileSync(corrupt, 'utf8'), readFileSync(foreign, 'utf8')]).toEqual([
      '{nope',
      JSON.stringify({ format: 'something-else', version: 1 }),
    ]);
  });
});

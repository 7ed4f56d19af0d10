import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runNode } from '@synapse-sdk/test-kit';

import type { Cluster } from '../test-support/deploy-harness.js';
import { startCluster } from '../test-support/deploy-harness.js';
import { createPluginDir } from '../test-support/plugin-fixture.js';

const supportDir = fileURLToPath(new URL('../test-support/', import.meta.url));

let plugin: { dir: string; remove: () => Promise<void> };
let lockDir: string;
beforeAll(async () => {
  plugin = await createPluginDir();
  lockDir = await mkdtemp(join(tmpdir(), 'synapse-locks-'));
});
afterAll(async () => {
  await plugin.remove();
  await rm(lockDir, { recursive: true, force: true });
});

describe('writers in two processes', () => {
  it('serializes the cluster lock across processes', async () => {
    const journal = join(lockDir, 'journal.txt');
    const env = { SYNAPSE_LOCK_DIR: lockDir };
    const args = ['http://127.0.0.1:1', journal, '40', '3'];
    const results = await Promise.all([
      runNode(join(supportDir, 'lock-child.mjs'), args, {
        env: { PATH: process.env['PATH'] ?? '', ...env },
      }),
      runNode(join(supportDir, 'lock-child.mjs'), args, {
        env: { PATH: process.env['PATH'] ?? '', ...env },
      }),
    ]);
    const events = (await readFile(journal, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => line.split(' ')[0]);
    expect([results.map((r) => r.code), events]).toEqual([
      [0, 0],
      Array(6).fill(['enter', 'exit']).flat(),
    ]);
  });

  describe('deploying different apps at the same moment', () => {
    let cluster: Cluster;
    beforeAll(async () => {
      // The deploys run in other processes, on the system clock: so must the devserver.
      cluster = await startCluster({ realTime: true });
    });
    afterAll(async () => {
      await cluster.stop();
    });

    it('ends with both apps RUNNING', async () => {
      const base = { ...cluster.env, SYNAPSE_PLUGIN_DIR: plugin.dir, SYNAPSE_LOCK_DIR: lockDir };
      const [a, b] = await Promise.all(
        ['app-a', 'app-b'].map((name) =>
          runNode(join(supportDir, 'deploy-child.mjs'), [], {
            env: {
              PATH: process.env['PATH'] ?? '',
              ...base,
              SYNAPSE_PLUGIN_RELEASE_CODE: name,
              SYNAPSE_PLUGIN_RELEASE_CHECKSUM: name,
            },
          }),
        ),
      );
      const details = await cluster.ray.getApplications();
      expect({
        codes: [a?.code, b?.code],
        statuses: Object.fromEntries(
          Object.entries(details.applications).map(([n, app]) => [n, app.status]),
        ),
      }).toEqual({ codes: [0, 0], statuses: { 'app-a': 'RUNNING', 'app-b': 'RUNNING' } });
    });
  });
});

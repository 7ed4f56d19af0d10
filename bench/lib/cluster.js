// A devserver started in the bench process, a recording proxy in front of its dashboard, and
// the environment that points the built `synapse` command at them.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { startDevServer } from '../../packages/devserver/dist/index.js';
import { spawnAsync } from './measure.js';
import { BENCH_STATE_DIR, REPO_ROOT, SYNAPSE_BIN } from './paths.js';
import { startRecordingProxy } from './recording-proxy.js';

/** The example plugin every CLI workload deploys, and the app name it deploys as. */
export const PLUGIN_DIR = join(REPO_ROOT, 'examples', 'step-based');
export const APP_NAME = 'step-based@1.0.0';

export async function startCluster(timings = {}) {
  const dev = await startDevServer({ timings });
  const proxy = await startRecordingProxy(dev.dashboardUrl, APP_NAME);
  const lockDir = join(BENCH_STATE_DIR, 'locks');
  mkdirSync(lockDir, { recursive: true });
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    RAY_DASHBOARD_ADDRESS: proxy.url,
    SYNAPSE_HOST: dev.backendUrl,
    SYNAPSE_ACCESS_TOKEN: 'bench-token',
    SYNAPSE_LOCK_DIR: lockDir,
    // Deploys are journaled: keep the bench's journals out of the user's state directory.
    SYNAPSE_STATE_DIR: join(BENCH_STATE_DIR, 'state'),
  };
  return {
    dev,
    proxy,
    env,
    /** Runs `synapse ARGS` against this cluster without blocking the devserver. */
    synapse: (args) =>
      spawnAsync(process.execPath, [SYNAPSE_BIN, ...args], { env, cwd: REPO_ROOT }),
    stop: async () => {
      await proxy.close();
      await dev.stop();
    },
  };
}

/** `synapse plugin run deployment` of the example plugin; throws unless it succeeds. */
export async function deploy(cluster) {
  const run = cluster.synapse(['plugin', 'run', 'deployment', '--path', PLUGIN_DIR, '--json']);
  const result = await run.done;
  if (result.code !== 0)
    throw new Error(`synapse plugin run exited ${result.code}: ${result.stderr}`);
  return result;
}

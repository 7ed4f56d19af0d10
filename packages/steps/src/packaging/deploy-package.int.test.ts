import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { StepRegistry } from '@synapse-sdk/core';
import { unzipSync } from 'fflate';

import type { DeploymentContext } from '../deployment-context.js';
import { DeployStep } from '../steps/deploy-step.js';
import { InitializeRayStep } from '../steps/initialize-ray-step.js';
import type { Cluster } from '../test-support/deploy-harness.js';
import { runtimeFor, startCluster, StepDeploy } from '../test-support/deploy-harness.js';
import { createPluginDir } from '../test-support/plugin-fixture.js';
import { BUILDER_MODULE } from './serve-builder.js';

const APP = 'test-model@1.0.0';

/** A deploy whose package is deflated. */
class DeflatedDeploy extends StepDeploy {
  public override setupSteps(registry: StepRegistry<DeploymentContext>): void {
    registry.register(new InitializeRayStep({ connectTimeoutMs: 300 }));
    registry.register(new DeployStep({ waitTimeoutMs: 10_000, compression: 'deflate' }));
  }
}

let cluster: Cluster;
let plugin: { dir: string; remove: () => Promise<void> };
let tempDir: string;
const savedTmp = process.env['TMPDIR'];

beforeEach(async () => {
  cluster = await startCluster();
  plugin = await createPluginDir({
    'actions/deploy.ts': 'export class DeployAction {}\n',
    'model/labels.txt': 'cat\ndog\n'.repeat(1000),
  });
  // The packager's temporary archives go to the OS temp folder: point it at an empty one.
  tempDir = await mkdtemp(join(tmpdir(), 'deploy-package-'));
  process.env['TMPDIR'] = tempDir;
});

afterEach(async () => {
  if (savedTmp === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = savedTmp;
  await Promise.all([cluster.stop(), plugin.remove(), rm(tempDir, { recursive: true })]);
});

/** The package the cluster holds for the deployed app, unzipped. */
async function uploadedPackage(): Promise<Record<string, Uint8Array>> {
  const app = await cluster.ray.getApplication(APP);
  const uri = String(
    (app?.deployed_app_config?.runtime_env as Record<string, unknown> | undefined)?.['working_dir'],
  );
  const bytes = cluster.dev.control.packageBytes(uri.replace('gcs://', ''));
  if (!bytes) throw new Error(`the cluster has no package ${uri}`);
  return unzipSync(bytes);
}

describe('the deploy step and the packager', () => {
  it('uploads the plugin without its TypeScript, then removes the temporary archive', async () => {
    const env = { ...cluster.env, SYNAPSE_PLUGIN_DIR: plugin.dir };
    await new StepDeploy({}, runtimeFor(env)).run();
    const leftovers = (await readdir(tempDir)).filter((name) =>
      name.startsWith('synapse-package-'),
    );
    expect([Object.keys(await uploadedPackage()).sort(), leftovers]).toEqual([
      [
        `${BUILDER_MODULE}.py`,
        'config.yaml',
        'model/labels.txt',
        'requirements.txt',
        'serve_app.py',
      ],
      [],
    ]);
  });

  it("uploads a deflated package with DeployStep's compression option", async () => {
    const env = { ...cluster.env, SYNAPSE_PLUGIN_DIR: plugin.dir };
    await new DeflatedDeploy({}, runtimeFor(env)).run();
    const app = await cluster.ray.getApplication(APP);
    const uri = String(
      (app?.deployed_app_config?.runtime_env as Record<string, unknown> | undefined)?.[
        'working_dir'
      ],
    );
    const zip = cluster.dev.control.packageBytes(uri.replace('gcs://', ''));
    // labels.txt alone is 8,000 bytes stored; deflated, the whole package is under half of that.
    expect([app?.status, (zip?.byteLength ?? Infinity) < 4_000]).toEqual(['RUNNING', true]);
    expect(new TextDecoder().decode((await uploadedPackage())['model/labels.txt'])).toBe(
      'cat\ndog\n'.repeat(1000),
    );
  });
});

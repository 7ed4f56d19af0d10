import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RAY_SERVE_CLIENT, RayServeClient } from '@synapse-sdk/clients';
import {
  ContextMissingError,
  parsePluginConfig,
  PluginEnvironment,
  RuntimeContext,
} from '@synapse-sdk/core';

import { DeploymentProgressCategories } from '../deployment-progress.js';
import { StepDeploy } from '../test-support/deploy-harness.js';
import { createPluginDir } from '../test-support/plugin-fixture.js';
import { BaseDeploymentAction } from './base-deployment-action.js';

let plugin: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  plugin = await createPluginDir({ 'requirements.txt': 'numpy\n' });
});
afterAll(async () => {
  await plugin.remove();
});

const action = (env: Record<string, string> = {}, params: Record<string, unknown> = {}) =>
  new StepDeploy(
    params,
    RuntimeContext.create({
      env: new PluginEnvironment({ SYNAPSE_PLUGIN_DIR: plugin.dir, ...env }),
    }),
  );

describe('BaseDeploymentAction', () => {
  it('exposes the progress categories', () => {
    expect(action().progress).toEqual({
      INITIALIZE: 'initialize',
      DEPLOY: 'deploy',
      REGISTER: 'register',
    });
    expect(DeploymentProgressCategories.REGISTER).toBe('register');
  });

  it('says what to configure when the backend or agent client is missing', () => {
    const a = action();
    expect(() => a.client).toThrow(
      new ContextMissingError('No backend client in the runtime context'),
    );
    expect(() => a.client).toThrow(
      expect.objectContaining({
        hint: 'set SYNAPSE_HOST and SYNAPSE_ACCESS_TOKEN, or pass `client` to RuntimeContext.create()',
      }),
    );
    expect(() => a.agentClient).toThrow(
      expect.objectContaining({
        message: 'No agent client in the runtime context',
        hint: 'set SYNAPSE_AGENT_HOST and SYNAPSE_AGENT_TOKEN, or pass `agentClient` to RuntimeContext.create()',
      }),
    );
  });

  it('names the app after config.yaml unless the release code is set', () => {
    expect([
      action().getServeAppName(),
      action({ SYNAPSE_PLUGIN_RELEASE_CODE: 'rel' }).getServeAppName(),
    ]).toEqual(['test-model@1.0.0', 'rel']);
  });

  it('derives the route prefix from the checksum or the app name', () => {
    // hashlib.md5(b'test-model@1.0.0').hexdigest()
    expect([
      action({ SYNAPSE_PLUGIN_RELEASE_CHECKSUM: 'c0ffee' }).getRoutePrefix(),
      action().getRoutePrefix(),
    ]).toEqual(['/c0ffee', '/eb41bf76045cd6abc111be757f8aba3c']);
  });

  it('keeps an explicit 0 in the actor options and adds the runtime env', () => {
    expect(action({}, { num_cpus: 0.5, num_gpus: 0 }).getRayActorOptions()).toEqual({
      num_cpus: 0.5,
      num_gpus: 0,
      runtime_env: { pip: { packages: ['numpy'], pip_install_options: ['--upgrade'] } },
    });
  });

  it('uses the Ray client bound in the container, else one from the environment', () => {
    const bound = new RayServeClient({ address: 'http://bound.example:8265' });
    const ctx = RuntimeContext.create({
      env: new PluginEnvironment({ RAY_DASHBOARD_ADDRESS: 'http://env.example:8265' }),
    });
    const fromEnv = new StepDeploy({}, ctx).rayClient.address;
    ctx.container.bind(RAY_SERVE_CLIENT).toConstantValue(bound);
    expect([fromEnv, new StepDeploy({}, ctx).rayClient]).toEqual([
      'http://env.example:8265/',
      bound,
    ]);
  });

  it('refuses to build a context without an entrypoint', () => {
    class NoEntrypoint extends BaseDeploymentAction {}
    const ctx = RuntimeContext.create({
      env: new PluginEnvironment({ SYNAPSE_PLUGIN_DIR: plugin.dir }),
    });
    expect(() => new NoEntrypoint({}, ctx).createContext()).toThrow(
      'NoEntrypoint.entrypoint is not set',
    );
  });

  it('returns null from registerServeApplication without a job id', async () => {
    await expect(action().registerServeApplication()).resolves.toBeNull();
  });

  it('builds a context with what the Python one lacks', () => {
    const context = action(
      { SYNAPSE_HOST: 'http://backend.example/' },
      { num_gpus: 1 },
    ).createContext();
    expect({
      entrypoint: context.entrypoint,
      backendUrl: context.backendUrl,
      pluginDir: context.spec.pluginDir,
      actor: context.rayActorOptions,
      deployed: context.deployed,
      previous: context.previousAppConfig,
    }).toEqual({
      entrypoint: 'serve_app:Model',
      backendUrl: 'http://backend.example/',
      pluginDir: plugin.dir,
      actor: { num_gpus: 1 },
      deployed: false,
      previous: undefined,
    });
  });

  it('takes the plugin its runner handed over, not the environment or the disk', () => {
    const handed = parsePluginConfig('name: Handed\ncode: handed\nversion: 3.1.0\n');
    const ctx = RuntimeContext.create({
      env: new PluginEnvironment({ SYNAPSE_PLUGIN_DIR: '/somewhere/else' }),
      plugin: { dir: plugin.dir, file: `${plugin.dir}/config.yaml`, config: handed },
    });
    const deploy = new StepDeploy({}, ctx);
    expect([deploy.spec.pluginDir, deploy.getServeAppName()]).toEqual([plugin.dir, 'handed@3.1.0']);
  });

  it('resolves the spec once, frozen, with the params the SDK reads typed', () => {
    const deploy = action({}, { num_cpus: 2, num_replicas: 3 });
    const spec = deploy.spec;
    expect([
      deploy.spec === spec,
      Object.isFrozen(spec),
      Object.isFrozen(spec.runtimeEnv),
      spec.rayActorOptions,
      spec.numReplicas,
      deploy.createContext().spec === spec,
    ]).toEqual([true, true, true, { num_cpus: 2 }, 3, true]);
  });
});

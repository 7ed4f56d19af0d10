import { describe, expect, it } from '@jest/globals';
import { parsePluginConfig, PluginEnvironment } from '@synapse-sdk/core';

import { createPluginDir } from '../test-support/plugin-fixture.js';
import { resolveRoutePrefix, resolveServeAppName } from './app-identity.js';
import { buildRuntimeEnv } from './runtime-env.js';
import { splitArgs } from './split-args.js';

const config = (extra = '') => parsePluginConfig(`name: M\ncode: model\nversion: 2.0.0\n${extra}`);

describe('app identity', () => {
  it('prefers SYNAPSE_PLUGIN_RELEASE_CODE, else code@version', () => {
    const env = new PluginEnvironment({ SYNAPSE_PLUGIN_RELEASE_CODE: 'release-x' });
    expect([
      resolveServeAppName(env, config(), 'c'),
      resolveServeAppName(new PluginEnvironment(), config(), 'c'),
    ]).toEqual(['release-x', 'model@2.0.0']);
  });

  it('says what to set when neither exists', () => {
    expect(() => resolveServeAppName(new PluginEnvironment(), undefined, '/p/config.yaml')).toThrow(
      'Cannot determine the serve app name: SYNAPSE_PLUGIN_RELEASE_CODE is not set and /p/config.yaml does not exist',
    );
  });

  it('uses the release checksum, else the md5 of the app name as Python does', () => {
    // hashlib.md5(b'model@2.0.0').hexdigest() == 'b774133a30471c7a6e422c4daac460b6'
    expect([
      resolveRoutePrefix(new PluginEnvironment({ SYNAPSE_PLUGIN_RELEASE_CHECKSUM: 'abc' }), 'x'),
      resolveRoutePrefix(new PluginEnvironment(), 'model@2.0.0'),
    ]).toEqual(['/abc', '/b774133a30471c7a6e422c4daac460b6']);
  });
});

describe('buildRuntimeEnv', () => {
  it('puts requirements under pip with their options plus --upgrade', async () => {
    const { dir, remove } = await createPluginDir({
      'requirements.txt': 'torch==2.3\n\n# c\n--index-url "https://x/simple"\nfastapi\n',
    });
    try {
      expect(buildRuntimeEnv(dir, config())).toEqual({
        pip: {
          packages: ['torch==2.3', 'fastapi'],
          pip_install_options: ['--index-url', 'https://x/simple', '--upgrade'],
        },
      });
    } finally {
      await remove();
    }
  });

  it('uses uv with --no-cache, and applies config.yaml options, env and runtime_env', async () => {
    const { dir, remove } = await createPluginDir({ 'requirements.txt': 'torch\n' });
    try {
      const cfg = config(
        'package_manager: uv\npackage_manager_options: [--prerelease=allow]\nenv:\n  MODE: fast\n  WORKERS: 2\nruntime_env:\n  env_vars:\n    MODE: slow\n  excludes: [data/]\n',
      );
      expect(buildRuntimeEnv(dir, cfg)).toEqual({
        uv: { packages: ['torch'], uv_pip_install_options: ['--prerelease=allow', '--no-cache'] },
        env_vars: { MODE: 'slow', WORKERS: '2' },
        excludes: ['data/'],
      });
    } finally {
      await remove();
    }
  });

  it('is empty without requirements.txt or config', async () => {
    const { dir, remove } = await createPluginDir({});
    try {
      const { rmSync } = await import('node:fs');
      rmSync(`${dir}/requirements.txt`);
      expect(buildRuntimeEnv(dir, undefined)).toEqual({});
    } finally {
      await remove();
    }
  });
});

describe('splitArgs', () => {
  it('splits like shlex', () => {
    expect(splitArgs(`--opt "a b" 'c d' e\\ f`)).toEqual(['--opt', 'a b', 'c d', 'e f']);
  });
  it('reports an unterminated quote', () => {
    expect(() => splitArgs('--x "open')).toThrow('unterminated " quote in: --x "open');
  });
});

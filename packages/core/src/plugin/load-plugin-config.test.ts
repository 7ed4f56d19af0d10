import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { ConfigError } from '../errors/errors.js';
import { loadPluginConfig, parsePluginConfig } from './load-plugin-config.js';

describe('loadPluginConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synapse-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('applies the Python defaults', async () => {
    await writeFile(
      join(dir, 'config.yaml'),
      'name: Demo\ncode: demo\nversion: 0.1.0\nactions:\n  deployment:\n    entrypoint: actions/deploy.ts:Deploy\n',
    );
    const { config, file } = await loadPluginConfig(dir);
    expect({ file, config }).toEqual({
      file: join(dir, 'config.yaml'),
      config: expect.objectContaining({
        name: 'Demo',
        code: 'demo',
        version: '0.1.0',
        category: 'custom',
        package_manager: 'pip',
        package_manager_options: [],
        env: {},
        runtime_env: {},
        actions: {
          deployment: { entrypoint: 'actions/deploy.ts:Deploy', method: 'task', description: '' },
        },
      }),
    });
  });

  it('names the file and says what to do when config.yaml is missing', async () => {
    await expect(loadPluginConfig(join(dir, 'nowhere'))).rejects.toThrow(
      `${join(dir, 'nowhere', 'config.yaml')}: not found; run from a plugin directory or pass --path DIR`,
    );
  });

  it('says to quote a version that YAML read as a number', () => {
    expect(() => parsePluginConfig('name: x\ncode: x\nversion: 1.0\n', 'c.yaml')).toThrow(
      "c.yaml: invalid field: version: must be text; YAML read 1 as a number: quote it, e.g. version: '1'",
    );
  });

  it('checks the runtime_env keys Ray checks, and passes the others through', () => {
    const base = 'name: x\ncode: x\nversion: 1.0.0\n';
    expect(() => parsePluginConfig(`${base}runtime_env:\n  pip: 42\n`, 'c.yaml')).toThrow(
      'c.yaml: invalid field: runtime_env.pip: must be a list of requirements, a requirements file, or {packages: [...]}',
    );
    expect(() =>
      parsePluginConfig(`${base}runtime_env:\n  env_vars:\n    A: {b: 1}\n`, 'c.yaml'),
    ).toThrow('runtime_env.env_vars.A: must be text: env_vars map names to text values');
    expect(
      parsePluginConfig(`${base}runtime_env:\n  pip: [torch]\n  nsight: default\n`).runtime_env,
    ).toEqual({ pip: ['torch'], nsight: 'default' });
  });

  it('names every invalid field', () => {
    let error: unknown;
    try {
      parsePluginConfig('name: x\ncategory: neural_net\nactions:\n  deploy: {}\n', 'p/config.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'p/config.yaml: invalid fields: code: is required; ' +
        "version: is required: the plugin's version, e.g. version: 1.0.0 (the app is named code@version); " +
        'actions.deploy.entrypoint: is required: the module and export of the action, e.g. actions/deploy.ts:DeployAction; ' +
        "data_type: is required for neural_net plugins; add e.g. 'data_type: image'",
    );
  });

  it('points at the line of a YAML syntax error', () => {
    expect(() => parsePluginConfig('name: x\n  code: [\n', 'c.yaml')).toThrow(
      /^c\.yaml: is not valid YAML at line \d+, column \d+$/,
    );
  });

  it("gives the parser's reason as the hint of a YAML syntax error", () => {
    let error: unknown;
    try {
      parsePluginConfig('name: x\ncode: [a\n', 'c.yaml');
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).hint).toMatch(
      /^fix the YAML syntax there \(.+\): check indentation, colons and quotes$/,
    );
  });

  it('rejects a document that is not a mapping', () => {
    expect(() => parsePluginConfig('- a\n- b\n', 'c.yaml')).toThrow(
      'c.yaml: must be a YAML mapping with at least `name` and `code`',
    );
  });
});

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { strToU8, zipSync } from 'fflate';

import type { TestServer } from '../test-support/http.js';
import { http, startTestServer } from '../test-support/http.js';

function zip(files: Record<string, string>): Buffer {
  return Buffer.from(
    zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)]))),
  );
}

const PLUGIN_ZIP = zip({
  'synapse_builder.py': 'def build_app(args): ...',
  'plugin/__init__.py': '',
  'plugin/model.py': 'class Model: ...',
  'plugin/pkg/__init__.py': '',
  'flat.py': 'app = None',
});

describe('package store (docs/ray-serve-rest.md#packages)', () => {
  let t: TestServer;
  let pkgUrl: (name: string) => string;
  beforeEach(async () => {
    t = await startTestServer();
    pkgUrl = (name) => `${t.dev.dashboardUrl}/api/packages/gcs/${name}`;
  });
  afterEach(() => t.dev.stop());

  it('answers 404 `Package gcs://… does not exist` for an unknown package', async () => {
    const res = await http(pkgUrl('_ray_pkg_0123456789abcdef.zip'));
    expect([res.status, res.text, res.headers['content-type']]).toEqual([
      404,
      'Package gcs://_ray_pkg_0123456789abcdef.zip does not exist',
      'text/plain; charset=utf-8',
    ]);
  });

  it('stores the raw bytes of a PUT under the name with its .zip suffix', async () => {
    const put = await http(pkgUrl('_ray_pkg_0123456789abcdef.zip'), {
      method: 'PUT',
      body: PLUGIN_ZIP,
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect([put.status, put.text]).toEqual([200, '']);
    const get = await http(pkgUrl('_ray_pkg_0123456789abcdef.zip'));
    expect([get.status, get.text]).toEqual([200, '']);
    expect(t.dev.control.packageNames()).toEqual(['_ray_pkg_0123456789abcdef.zip']);
    expect(Buffer.from(t.dev.control.packageBytes('_ray_pkg_0123456789abcdef.zip') ?? [])).toEqual(
      PLUGIN_ZIP,
    );
    expect(
      (await http(`${t.dev.dashboardUrl}/api/packages/gcs/_ray_pkg_0123456789abcdef`)).status,
    ).toBe(404);
  });

  it('answers a PUT for another protocol with a 500 traceback', async () => {
    const res = await http(`${t.dev.dashboardUrl}/api/packages/s3/x.zip`, {
      method: 'PUT',
      body: PLUGIN_ZIP,
    });
    expect(res.status).toBe(500);
    expect(res.text).toMatch(/^Traceback \(most recent call last\):/);
  });
});

describe('import simulation of gcs:// working_dir packages', () => {
  let t: TestServer;
  const PKG = '_ray_pkg_aaaaaaaaaaaaaaaa.zip';
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(() => t.dev.stop());

  async function upload(name = PKG, bytes = PLUGIN_ZIP): Promise<void> {
    expect(
      (await http(`${t.dev.dashboardUrl}/api/packages/gcs/${name}`, { method: 'PUT', body: bytes }))
        .status,
    ).toBe(200);
  }

  async function deploy(
    app: Record<string, unknown>,
  ): Promise<{ status: string; message: string; deployments: string[] }> {
    expect(
      (
        await t.put({
          applications: [
            { name: 'p', route_prefix: '/p', runtime_env: { working_dir: `gcs://${PKG}` }, ...app },
          ],
        })
      ).status,
    ).toBe(200);
    await t.dev.control.advance(600);
    const details = await t.app('p');
    return {
      status: details?.status ?? 'absent',
      message: details?.message ?? '',
      deployments: Object.keys(details?.deployments ?? {}),
    };
  }

  it('fails with a runtime_env error when the package was never uploaded', async () => {
    const result = await deploy({ import_path: 'synapse_builder:build_app' });
    expect(result.status).toBe('DEPLOY_FAILED');
    expect(result.message).toMatch(
      /^Runtime env setup for app 'p' failed:\nTraceback \(most recent call last\):\n/,
    );
    expect(result.message).toContain(`Package gcs://${PKG} does not exist`);
  });

  it('checks the package at PUT time, so uploading after the PUT is too late', async () => {
    expect(
      (
        await t.put({
          applications: [
            {
              name: 'p',
              import_path: 'synapse_builder:build_app',
              runtime_env: { working_dir: `gcs://${PKG}` },
            },
          ],
        })
      ).status,
    ).toBe(200);
    await upload();
    await t.dev.control.advance(600);
    expect((await t.app('p'))?.status).toBe('DEPLOY_FAILED');
  });

  it.each([
    ['module:attr with module.py', 'synapse_builder:build_app', 'build_app'],
    ['dotted module file', 'plugin.model:Model', 'Model'],
    ['package __init__.py', 'plugin.pkg:app', 'app'],
    ['module.attr form', 'flat.app', 'app'],
  ])(
    'runs when the import_path module is in the zip (%s)',
    async (_case, importPath, deployment) => {
      await upload();
      expect(await deploy({ import_path: importPath })).toEqual({
        status: 'RUNNING',
        message: '',
        deployments: [deployment],
      });
    },
  );

  it('fails with ModuleNotFoundError when the import_path module is missing', async () => {
    await upload();
    const result = await deploy({ import_path: 'missing_builder:build_app' });
    expect(result.status).toBe('DEPLOY_FAILED');
    expect(result.message).toMatch(
      /^Deploying app 'p' failed with exception:\nTraceback \(most recent call last\):\n/,
    );
    expect(result.message.split('\n').pop()).toBe(
      "ModuleNotFoundError: No module named 'missing_builder'",
    );
  });

  it('reports the missing submodule, and a module that is not a package', async () => {
    await upload();
    expect((await deploy({ import_path: 'plugin.nope:x' })).message.split('\n').pop()).toBe(
      "ModuleNotFoundError: No module named 'plugin.nope'",
    );
    expect((await deploy({ import_path: 'flat.sub:x' })).message.split('\n').pop()).toBe(
      "ModuleNotFoundError: No module named 'flat.sub'; 'flat' is not a package",
    );
  });

  it('checks the args.entrypoint module and names the deployment after its class', async () => {
    await upload();
    expect(
      await deploy({
        import_path: 'synapse_builder:build_app',
        args: { entrypoint: 'plugin.model:Model' },
      }),
    ).toEqual({ status: 'RUNNING', message: '', deployments: ['Model'] });
    const missing = await deploy({
      import_path: 'synapse_builder:build_app',
      args: { entrypoint: 'plugin.serve:Missing' },
    });
    expect([missing.status, missing.message.split('\n').pop()]).toEqual([
      'DEPLOY_FAILED',
      "ModuleNotFoundError: No module named 'plugin.serve'",
    ]);
  });

  it('names deployments after the overrides when there is no entrypoint', async () => {
    await upload();
    expect(
      (
        await deploy({
          import_path: 'synapse_builder:build_app',
          deployments: [{ name: 'A' }, { name: 'B' }],
        })
      ).deployments,
    ).toEqual(['A', 'B']);
  });

  it('fails a corrupt zip as a runtime_env error', async () => {
    await upload(PKG, Buffer.from('not a zip'));
    const result = await deploy({ import_path: 'synapse_builder:build_app' });
    expect(result.status).toBe('DEPLOY_FAILED');
    expect(result.message).toContain('BadZipFile');
  });

  it('also resolves modules from py_modules packages (which keep their top folder)', async () => {
    await upload();
    await upload(
      '_ray_pkg_bbbbbbbbbbbbbbbb.zip',
      zip({ 'extra_lib/__init__.py': '', 'extra_lib/serve.py': '' }),
    );
    const result = await deploy({
      import_path: 'extra_lib.serve:app',
      runtime_env: {
        working_dir: `gcs://${PKG}`,
        py_modules: ['gcs://_ray_pkg_bbbbbbbbbbbbbbbb.zip'],
      },
    });
    expect(result.status).toBe('RUNNING');
  });
  it('drops a package nothing references, as Ray does after its pin, and refuses one in use', async () => {
    const name = '_ray_pkg_0123456789abcdef.zip';
    const url = `${t.dev.dashboardUrl}/api/packages/gcs/${name}`;
    await http(url, { method: 'PUT', body: PLUGIN_ZIP });
    const put = t.dev.control.foreignPut({
      applications: [
        {
          name: 'app',
          route_prefix: '/app',
          import_path: 'synapse_builder:build_app',
          runtime_env: { working_dir: `gcs://${name}` },
        },
      ],
    });
    expect(put.status).toBe(200);
    const refused = await http(`${t.dev.dashboardUrl}/_devserver/packages/${name}`, {
      method: 'DELETE',
    });
    expect([refused.status, JSON.parse(refused.text)]).toEqual([
      409,
      { error: `gcs://${name} is used by app; Ray drops only packages nothing references` },
    ]);

    t.dev.control.foreignPut({ applications: [] });
    const dropped = await http(`${t.dev.dashboardUrl}/_devserver/packages/${name}`, {
      method: 'DELETE',
    });
    expect(dropped.status).toBe(200);
    expect((await http(url)).status).toBe(404);
  });
});

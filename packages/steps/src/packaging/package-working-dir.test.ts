import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from '@jest/globals';
import { unzipSync } from 'fflate';

import { createPluginDir } from '../test-support/plugin-fixture.js';
import { PackageError } from './package-error.js';
import { packageWorkingDir } from './package-working-dir.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function plugin(extra: Record<string, string> = {}) {
  const p = await createPluginDir(extra);
  cleanups.push(p.remove);
  return p.dir;
}

describe('packageWorkingDir', () => {
  it('names the package after its content, identically for identical content', async () => {
    const a = await packageWorkingDir(await plugin());
    const b = await packageWorkingDir(await plugin());
    expect([a.uri, Buffer.from(a.bytes).equals(Buffer.from(b.bytes))]).toEqual([b.uri, true]);
  });

  it('changes the name when a file changes', async () => {
    const a = await packageWorkingDir(await plugin());
    const b = await packageWorkingDir(await plugin({ 'serve_app.py': 'class Model: pass\n' }));
    expect(a.uri).not.toBe(b.uri);
  });

  it('packs files at the archive root, with extra generated files', async () => {
    const dir = await plugin({ 'pkg/__init__.py': '', 'pkg/util.py': 'X = 1\n' });
    const pkg = await packageWorkingDir(dir, { extraFiles: { '_gen.py': 'print(1)\n' } });
    const entries = unzipSync(pkg.bytes);
    expect([Object.keys(entries).sort(), new TextDecoder().decode(entries['_gen.py'])]).toEqual([
      [
        '_gen.py',
        'config.yaml',
        'pkg/__init__.py',
        'pkg/util.py',
        'requirements.txt',
        'serve_app.py',
      ],
      'print(1)\n',
    ]);
  });

  it('honours nested .gitignore files and excludes, and leaves out .git and virtualenvs', async () => {
    const dir = await plugin({
      '.gitignore': '*.ckpt\n/data/\n',
      'models/.gitignore': 'tmp/\n!keep.ckpt\n',
      'models/weights.ckpt': 'big',
      'models/keep.ckpt': 'kept by negation',
      'models/tmp/x.py': 'x',
      'data/set.csv': 'a,b',
      '.git/HEAD': 'ref: refs/heads/main',
      '.venv/bin/python': '',
      'env2/pyvenv.cfg': 'home = /usr',
      'env2/lib/site.py': '',
      '__pycache__/a.pyc': '',
      'notes/draft.md': 'draft',
    });
    const pkg = await packageWorkingDir(dir, { excludes: ['notes/'] });
    expect(pkg.files).toEqual([
      '.gitignore',
      'config.yaml',
      'models/.gitignore',
      'models/keep.ckpt',
      'requirements.txt',
      'serve_app.py',
    ]);
  });

  it('refuses a symlink that points outside the plugin directory', async () => {
    const dir = await plugin();
    const outside = await plugin();
    await symlink(join(outside, 'serve_app.py'), join(dir, 'linked.py'));
    await expect(packageWorkingDir(dir)).rejects.toThrow(
      new PackageError(
        `${join(dir, 'linked.py')} is a symlink to ${join(outside, 'serve_app.py')}, outside the plugin directory; copy the file into the plugin or exclude the link`,
      ),
    );
  });

  it('packs a symlink to a file inside the directory as that file', async () => {
    const dir = await plugin();
    await mkdir(join(dir, 'lib'));
    await symlink(join(dir, 'serve_app.py'), join(dir, 'lib', 'alias.py'));
    const pkg = await packageWorkingDir(dir);
    expect(new TextDecoder().decode(unzipSync(pkg.bytes)['lib/alias.py'])).toContain('class Model');
  });

  it('refuses a directory above the size limit, naming the largest files', async () => {
    const dir = await plugin();
    await writeFile(join(dir, 'weights.bin'), Buffer.alloc(4096, 1));
    await expect(packageWorkingDir(dir, { maxBytes: 2048 })).rejects.toThrow(
      /packs to 0\.0 MiB, above Ray's 0\.0 MiB upload limit; largest files: weights\.bin \(0\.0 MiB\).*Exclude data and model files/,
    );
  });
});

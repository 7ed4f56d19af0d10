import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from '@jest/globals';
import { unzipSync } from 'fflate';

import { createPluginDir } from '../test-support/plugin-fixture.js';
import { PackageError } from './package-error.js';
import type { PackageOptions, WorkingDirPackage } from './package-working-dir.js';
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

async function pack(dir: string, options?: PackageOptions): Promise<WorkingDirPackage> {
  const pkg = await packageWorkingDir(dir, options);
  cleanups.push(pkg.remove);
  return pkg;
}

async function unzip(pkg: WorkingDirPackage): Promise<Record<string, Uint8Array>> {
  return unzipSync(await readFile(pkg.zip.path));
}

/** What Python's zipfile, which Ray unpacks working_dirs with, reads in the archive. */
function pythonZipInfo(zipPath: string): Array<{ name: string; method: number; size: number }> {
  const script = [
    'import json, sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'assert z.testzip() is None, "bad CRC"',
    'print(json.dumps([{"name": i.filename, "method": i.compress_type, "size": len(z.read(i))} for i in z.infolist()]))',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script, zipPath], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python3 could not read ${zipPath}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Array<{ name: string; method: number; size: number }>;
}

describe('packageWorkingDir', () => {
  it('writes byte-identical archives for identical content, named after it', async () => {
    const a = await pack(await plugin());
    const b = await pack(await plugin());
    const [bytesA, bytesB] = await Promise.all([readFile(a.zip.path), readFile(b.zip.path)]);
    expect([a.uri, bytesA.equals(bytesB), a.zip.byteLength]).toEqual([
      b.uri,
      true,
      bytesA.byteLength,
    ]);
  });

  it('changes the name when a file changes', async () => {
    const a = await pack(await plugin());
    const b = await pack(await plugin({ 'serve_app.py': 'class Model: pass\n' }));
    expect(a.uri).not.toBe(b.uri);
  });

  it('packs files at the archive root, with extra generated files', async () => {
    const dir = await plugin({ 'pkg/__init__.py': '', 'pkg/util.py': 'X = 1\n' });
    const pkg = await pack(dir, { extraFiles: { '_gen.py': 'print(1)\n' } });
    const entries = await unzip(pkg);
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

  it('writes an archive that Python zipfile reads with valid CRCs', async () => {
    const dir = await plugin({ 'données/é.py': 'x = "é"\n' });
    await writeFile(join(dir, 'weights.safetensors'), randomBytes(3 * 1024 * 1024 + 17));
    const pkg = await pack(dir, { compression: 'deflate' });
    expect(pythonZipInfo(pkg.zip.path)).toEqual([
      { name: 'config.yaml', method: 0, size: expect.any(Number) }, // too small to gain
      { name: 'données/é.py', method: 0, size: 9 },
      { name: 'requirements.txt', method: 0, size: expect.any(Number) },
      { name: 'serve_app.py', method: 8, size: expect.any(Number) },
      { name: 'weights.safetensors', method: 0, size: 3 * 1024 * 1024 + 17 },
    ]);
  });

  it('stores every file by default', async () => {
    const pkg = await pack(await plugin());
    expect(pythonZipInfo(pkg.zip.path).map((e) => e.method)).toEqual([0, 0, 0]);
  });

  it('with deflate, deflates what shrinks and stores weights, archives and noise', async () => {
    const text = 'def predict(self, image):\n    return self.model(image)\n'.repeat(200);
    const dir = await plugin({ 'model.py': text });
    await writeFile(join(dir, 'weights.pt'), Buffer.from(text)); // would deflate, but is a weight file
    await writeFile(join(dir, 'noise.dat'), randomBytes(8192));
    await writeFile(join(dir, 'big.txt'), text.repeat(120)); // above 1 MiB: streamed through zlib
    await writeFile(join(dir, 'big-noise.dat'), randomBytes(2 * 1024 * 1024));
    const pkg = await pack(dir, { compression: 'deflate' });
    const methods = Object.fromEntries(pythonZipInfo(pkg.zip.path).map((e) => [e.name, e.method]));
    const entries = await unzip(pkg);
    expect([
      methods,
      Buffer.from(entries['big.txt']!).equals(Buffer.from(text.repeat(120))),
    ]).toEqual([
      {
        'big-noise.dat': 0,
        'big.txt': 8,
        'config.yaml': 0,
        'model.py': 8,
        'noise.dat': 0,
        'requirements.txt': 0,
        'serve_app.py': 8,
        'weights.pt': 0,
      },
      true,
    ]);
    expect(pkg.zip.byteLength).toBeLessThan(2 * 1024 * 1024 + 8192 + 20_000);
  });

  it('names the package after the content, whatever the compression', async () => {
    const dir = await plugin();
    const stored = await pack(dir);
    const deflated = await pack(dir, { compression: 'deflate' });
    expect(stored.uri).toBe(deflated.uri);
  });

  it('streams files larger than its buffer without changing a byte', async () => {
    const dir = await plugin();
    const weights = randomBytes(5 * 1024 * 1024 + 3);
    await writeFile(join(dir, 'model.bin'), weights);
    const pkg = await pack(dir);
    expect(Buffer.from((await unzip(pkg))['model.bin']!).equals(weights)).toBe(true);
  });

  it('writes zip64 end records for more than 65,535 entries', async () => {
    const extraFiles = Object.fromEntries(
      Array.from({ length: 65_540 }, (_, i) => [`gen/f${i}.txt`, `${i}\n`]),
    );
    const pkg = await pack(await plugin(), { extraFiles });
    const entries = pythonZipInfo(pkg.zip.path);
    expect([entries.length, entries.at(-1)]).toEqual([
      65_543,
      { name: 'serve_app.py', method: 0, size: expect.any(Number) },
    ]);
  });

  it('leaves the plugin TypeScript out unless a .gitignore puts a file back', async () => {
    const dir = await plugin({
      'actions/deploy.ts': 'export class DeployAction {}\n',
      'steps/smoke.mts': 'export {}\n',
      'ui/view.tsx': 'export {}\n',
      'types/api.d.ts': 'export {}\n',
      'web/.gitignore': '!bundle.ts\n',
      'web/bundle.ts': 'export {}\n',
      'web/main.js': 'console.log(1)\n',
    });
    const pkg = await pack(dir);
    expect(pkg.files).toEqual([
      'config.yaml',
      'requirements.txt',
      'serve_app.py',
      'web/.gitignore',
      'web/bundle.ts',
      'web/main.js',
    ]);
  });

  it('keeps the package name when only the plugin TypeScript changes', async () => {
    const a = await pack(await plugin({ 'actions/deploy.ts': 'export const a = 1;\n' }));
    const b = await pack(await plugin({ 'actions/deploy.ts': 'export const a = 2;\n' }));
    expect(a.uri).toBe(b.uri);
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
    const pkg = await pack(dir, { excludes: ['notes/'] });
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

  it('refuses a dangling symlink and a loop, unless they are excluded', async () => {
    const dir = await plugin();
    await symlink(join(dir, 'gone.txt'), join(dir, 'dangling.txt'));
    await expect(packageWorkingDir(dir)).rejects.toThrow(
      new PackageError(
        `dangling.txt in the plugin is a symlink that points to ${join(dir, 'gone.txt')}, which does not exist; remove it, or exclude it in .gitignore or runtime_env.excludes`,
      ),
    );
    const looped = await plugin();
    await symlink(join(looped, 'b'), join(looped, 'a'));
    await symlink(join(looped, 'a'), join(looped, 'b'));
    await expect(packageWorkingDir(looped)).rejects.toThrow(
      'a in the plugin is a symlink that is a loop of symlinks',
    );
    expect((await pack(looped, { excludes: ['a', 'b'] })).files).not.toContain('a');
  });

  it('packs a symlink to a file inside the directory as that file', async () => {
    const dir = await plugin();
    await mkdir(join(dir, 'lib'));
    await symlink(join(dir, 'serve_app.py'), join(dir, 'lib', 'alias.py'));
    const pkg = await pack(dir);
    expect(new TextDecoder().decode((await unzip(pkg))['lib/alias.py'])).toContain('class Model');
  });

  it('refuses a directory that packs above the size limit, naming the largest files', async () => {
    const dir = await plugin();
    await writeFile(join(dir, 'weights.bin'), randomBytes(3 * 1024 * 1024));
    await writeFile(join(dir, 'zz-data.bin'), randomBytes(1024 * 1024 + 5));
    await expect(packageWorkingDir(dir, { maxBytes: 2 * 1024 * 1024 })).rejects.toThrow(
      /packs to more than Ray's 2\.0 MiB upload limit: its files add up to 4\.0 MiB; largest files: weights\.bin \(3\.0 MiB\), zz-data\.bin \(1\.0 MiB\), .*Exclude data and model files/,
    );
  });

  it('remove() deletes the archive and its folder', async () => {
    const pkg = await packageWorkingDir(await plugin());
    const existed = existsSync(pkg.zip.path);
    await pkg.remove();
    expect([existed, existsSync(pkg.zip.path)]).toEqual([true, false]);
  });
});

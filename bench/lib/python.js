// Virtualenvs for the Python anchors, created at bench time under the ignored .bench/ folder from
// the requirement files in bench/anchors/ (packages from PyPI, never copied into the repo).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { ANCHORS_DIR, BENCH_STATE_DIR } from './paths.js';

/** Interpreters to try, best first: pyenv's versions here, then whatever is on PATH. */
function candidates(minor) {
  const pyenv = join(homedir(), '.pyenv', 'versions');
  const installed = existsSync(pyenv)
    ? readdirSync(pyenv)
        .filter((v) => v.startsWith(`3.${minor}.`))
        .sort()
        .reverse()
        .map((v) => join(pyenv, v, 'bin', 'python'))
    : [];
  return [...installed, `python3.${minor}`];
}

function works(python) {
  return spawnSync(python, ['-c', 'import venv'], { stdio: 'ignore' }).status === 0;
}

function findPython(minors) {
  for (const minor of minors) {
    const found = candidates(minor).find(works);
    if (found) return found;
  }
  throw new Error(
    `no Python 3.${minors.join('/3.')} found (pyenv or PATH); install one to run the Python anchors`,
  );
}

function run(command, args, what) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${what} failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
  }
}

/**
 * Returns the python of virtualenv `name`, creating it with the first available interpreter of
 * `minors` and installing `steps` (each a list of pip arguments) unless an identical one exists.
 */
function ensureVenv(name, minors, steps) {
  const dir = join(BENCH_STATE_DIR, name);
  const python = join(dir, 'bin', 'python');
  const marker = join(dir, '.installed');
  const wanted = JSON.stringify(
    steps.map((args) => args.map((a) => (a.endsWith('.txt') ? readFileSync(a, 'utf8') : a))),
  );
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return python;
  const base = findPython(minors);
  run(base, ['-m', 'venv', '--clear', dir], `creating ${dir}`);
  for (const args of steps) {
    run(
      python,
      ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', ...args],
      `pip install ${args.join(' ')}`,
    );
  }
  writeFileSync(marker, wanted);
  return python;
}

/** The Python SDK (needs Python ≥ 3.12) from its published package. */
export function sdkPython() {
  return ensureVenv(
    'venv-sdk',
    [12, 13],
    [
      ['--no-deps', '-r', join(ANCHORS_DIR, 'requirements-sdk.txt')],
      ['-r', join(ANCHORS_DIR, 'requirements-sdk-imports.txt')],
    ],
  );
}

/**
 * The interpreter for Ray's packaging algorithm: 3.11 first, where it runs fastest (3.12's
 * pathlib relative_to, which Ray calls for every path, is 2-3x slower), so the anchor is not
 * handicapped; Ray 2.58 supports 3.10 to 3.13.
 */
export function rayPython() {
  return ensureVenv(
    'venv-ray',
    [11, 12, 13, 10],
    [['-r', join(ANCHORS_DIR, 'requirements-ray.txt')]],
  );
}

/** `python --version` of an interpreter. */
export function pythonVersion(python) {
  return spawnSync(python, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

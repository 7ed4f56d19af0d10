// Provisions the Python side of the real-Ray lane: a Python that Ray 2.58 supports, a virtualenv
// of the lane's own (ignored, under the lane's state folder) and the pinned requirements in it.
// A virtualenv that already holds exactly those requirements is reused.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

import { LaneSetupError } from './lane-setup-error.mjs';

/** The Ray version the lane runs, as pinned in tests/ray/requirements.txt. */
export const RAY_VERSION = '2.58.0';
/** Oldest and newest CPython minor versions Ray 2.58 ships wheels for. */
const PYTHON_RANGE = { min: [3, 10], max: [3, 14] };
const STAMP_FILE = '.synapse-lane-stamp';

/**
 * Runs a command and resolves with its exit code and output; a missing executable resolves with
 * `code: 'ENOENT'` instead of throwing.
 * @param {string} file
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, timeoutMs?: number }} [options]
 * @returns {Promise<{ code: number | 'ENOENT', stdout: string, stderr: string }>}
 */
export function run(file, args, options = {}) {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 0, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error && /** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') {
          resolve({ code: 'ENOENT', stdout: '', stderr: '' });
          return;
        }
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** The last non-empty line of a process's output, to quote in a one-line message. */
export function lastLine(text) {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.at(-1) ?? '';
}

/** A path relative to the repository when it is inside it, else absolute. */
function shortPath(repoRoot, path) {
  const inside = relative(repoRoot, path);
  return inside && !inside.startsWith('..') ? inside : path;
}

function versionText([major, minor]) {
  return `${major}.${minor}`;
}

function inRange(version) {
  const value = version[0] * 100 + version[1];
  return (
    value >= PYTHON_RANGE.min[0] * 100 + PYTHON_RANGE.min[1] &&
    value <= PYTHON_RANGE.max[0] * 100 + PYTHON_RANGE.max[1]
  );
}

const INSTALL_PYTHON = `install Python ${versionText(PYTHON_RANGE.min)}–${versionText(PYTHON_RANGE.max)} with its venv module (Debian/Ubuntu: apt-get install python3 python3-venv) or set RAY_LANE_PYTHON to one`;

/** Finds the Python that creates the lane's virtualenv and checks that Ray 2.58 supports it. */
async function findPython(env) {
  const python = env['RAY_LANE_PYTHON'] || 'python3';
  const probe = await run(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']);
  if (probe.code === 'ENOENT') {
    throw new LaneSetupError(`Python was not found (looked for "${python}"): ${INSTALL_PYTHON}`);
  }
  if (probe.code !== 0) {
    throw new LaneSetupError(
      `"${python}" did not run (${lastLine(probe.stderr) || `exit ${probe.code}`}): ${INSTALL_PYTHON}`,
    );
  }
  const version = probe.stdout.trim().split('.').map(Number);
  if (version.length !== 2 || version.some(Number.isNaN) || !inRange(version)) {
    throw new LaneSetupError(
      `"${python}" is Python ${probe.stdout.trim()}, which Ray ${RAY_VERSION} does not support: ${INSTALL_PYTHON}`,
    );
  }
  return python;
}

/** What the virtualenv must have been built from to be reused. */
async function stampOf(requirementsFile, python) {
  const requirements = await readFile(requirementsFile);
  return createHash('sha256').update(requirements).update(`\0${python}`).digest('hex');
}

/**
 * Checks that the virtualenv's Python imports Ray Serve at the pinned version.
 * @returns {Promise<string | undefined>} what is wrong, or undefined
 */
async function rayProblem(venvPython) {
  const check = await run(venvPython, [
    '-c',
    'import ray, ray.serve, ray.dashboard; print(ray.__version__)',
  ]);
  if (check.code === 'ENOENT') return 'its python is missing';
  if (check.code !== 0) return lastLine(check.stderr) || `exit ${check.code}`;
  const version = check.stdout.trim();
  return version === RAY_VERSION ? undefined : `it has Ray ${version}, not ${RAY_VERSION}`;
}

/**
 * Makes sure the lane's virtualenv holds the pinned Ray and returns where its tools are.
 * @param {{ repoRoot: string, stateDir: string, env?: NodeJS.ProcessEnv, log: (line: string) => void }} options
 * @returns {Promise<{ venv: string, python: string, ray: string, reused: boolean }>}
 * @throws {LaneSetupError} with a one-line message saying what to install
 */
export async function provisionRay({ repoRoot, stateDir, env = process.env, log }) {
  const requirementsFile = join(repoRoot, 'tests/ray/requirements.txt');
  const venv = join(stateDir, 'venv');
  const venvPython = join(venv, 'bin/python');
  const shown = shortPath(repoRoot, venv);
  const basePython = await findPython(env);
  const stamp = await stampOf(requirementsFile, basePython);
  const tools = { venv, python: venvPython, ray: join(venv, 'bin/ray') };

  const stampFile = join(venv, STAMP_FILE);
  if (existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === stamp) {
    const problem = await rayProblem(venvPython);
    if (problem === undefined) return { ...tools, reused: true };
    throw new LaneSetupError(
      `Ray ${RAY_VERSION} is not usable in ${shown} (${problem}): delete ${shown} and run pnpm test:ray again to reinstall it`,
    );
  }

  log(`installing Ray ${RAY_VERSION} into ${shown} (tests/ray/requirements.txt)`);
  await rm(venv, { recursive: true, force: true });
  await mkdir(stateDir, { recursive: true });
  const created = await run(basePython, ['-m', 'venv', venv]);
  if (created.code !== 0) {
    const why = lastLine(created.stderr) || `exit ${created.code}`;
    throw new LaneSetupError(
      /ensurepip|venv/i.test(why)
        ? `"${basePython} -m venv" cannot create a virtualenv with pip (${why}): install the venv module and pip for that Python (Debian/Ubuntu: apt-get install python3-venv python3-pip)`
        : `"${basePython} -m venv ${shown}" failed (${why}): ${INSTALL_PYTHON}`,
    );
  }
  const pip = await run(venvPython, ['-m', 'pip', '--version']);
  if (pip.code !== 0) {
    throw new LaneSetupError(
      `the virtualenv ${shown} has no pip (${lastLine(pip.stderr) || `exit ${pip.code}`}): install pip for that Python (Debian/Ubuntu: apt-get install python3-pip python3-venv)`,
    );
  }
  const pipLog = join(stateDir, 'pip-install.log');
  const install = await run(
    venvPython,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '-r', requirementsFile],
    { timeoutMs: 15 * 60_000 },
  );
  await writeFile(pipLog, `${install.stdout}\n${install.stderr}`);
  if (install.code !== 0) {
    throw new LaneSetupError(
      `pip could not install the pinned Ray ${RAY_VERSION} (${lastLine(install.stderr) || `exit ${install.code}`}): check that PyPI is reachable; the full log is ${shortPath(repoRoot, pipLog)}`,
    );
  }
  const problem = await rayProblem(venvPython);
  if (problem !== undefined) {
    throw new LaneSetupError(
      `Ray ${RAY_VERSION} was installed into ${shown} but does not import (${problem}): fix tests/ray/requirements.txt`,
    );
  }
  await writeFile(stampFile, stamp);
  return { ...tools, reused: false };
}

#!/usr/bin/env node
// `pnpm test:ray`: the real-Ray lane. Installs the pinned Ray into the lane's virtualenv (reused
// when it already holds it), starts a head on loopback, runs every `*.ray-test.ts` with jest
// against it, and always stops the head — when a test fails, when jest crashes, on Ctrl-C.
// Arguments are passed to jest (e.g. `pnpm test:ray --ci --json --outputFile=out.json`, or a path:
// `pnpm test:ray tests/ray/journal` runs only those files).
// A machine without Python, pip or Ray gets one line saying what to install, and exit 1.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { LaneSetupError } from './lane-setup-error.mjs';
import { provisionRay, RAY_VERSION } from './provision.mjs';
import { startRayHead } from './ray-head.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const stateDir = process.env['RAY_LANE_DIR'] || join(repoRoot, '.ray-lane');
const figuresFile = join(stateDir, 'figures.json');
const log = (line) => process.stderr.write(`ray lane: ${line}\n`);
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

let head;
let jest;
let interrupted;
const aborter = new AbortController();
const stopping = [];

/** Stops the head once, whatever asked first (the end of the run or a signal). */
function stopHead() {
  if (head && stopping.length === 0) {
    const started = Date.now();
    stopping.push(
      head.stop().then(
        () => log(`head stopped in ${seconds(started)}`),
        (error) => log(`could not stop the head cleanly: ${error.message}`),
      ),
    );
  }
  return Promise.all(stopping);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = signal;
    log(`${signal}: stopping the tests and the head`);
    // jest got a Ctrl-C from the terminal too; a signal sent to this process alone must reach it.
    if (jest && jest.exitCode === null) jest.kill('SIGTERM');
    aborter.abort();
  });
}

function runJest(env, args) {
  const jestBin = join(repoRoot, 'node_modules/jest/bin/jest.js');
  jest = spawn(
    process.execPath,
    [
      '--experimental-vm-modules',
      '--disable-warning=ExperimentalWarning',
      jestBin,
      '--config',
      join(repoRoot, 'jest.ray.config.js'),
      '--runInBand',
      ...args,
    ],
    { cwd: repoRoot, env, stdio: 'inherit' },
  );
  return new Promise((resolvePromise) => {
    jest.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)));
  });
}

function printFigures() {
  if (!existsSync(figuresFile)) return;
  const figures = JSON.parse(readFileSync(figuresFile, 'utf8'));
  for (const [name, value] of Object.entries(figures)) log(`figure: ${name} = ${value}`);
}

async function main() {
  const started = Date.now();
  const tools = await provisionRay({ repoRoot, stateDir, log });
  log(
    `Ray ${RAY_VERSION} ${tools.reused ? 'already installed in' : 'installed into'} ${tools.venv} (${seconds(started)})`,
  );
  if (interrupted) return 130;

  const token = randomBytes(24).toString('hex');
  const booted = Date.now();
  head = await startRayHead({ ray: tools.ray, stateDir, token, log, signal: aborter.signal });
  log(
    `head up in ${seconds(booted)}: dashboard ${head.dashboardUrl}, Serve proxy ${head.serveUrl}`,
  );
  if (interrupted) {
    await stopHead();
    return 130;
  }

  rmSync(figuresFile, { force: true });
  const testsStarted = Date.now();
  const code = await runJest(
    {
      ...process.env,
      RAY_LANE_DASHBOARD_URL: head.dashboardUrl,
      RAY_LANE_SERVE_URL: head.serveUrl,
      RAY_LANE_AUTH_TOKEN: token,
      RAY_LANE_GCS_ADDRESS: head.gcsAddress,
      RAY_LANE_PYTHON: tools.python,
      RAY_LANE_TEMP_DIR: head.tempDir,
      RAY_LANE_FIGURES: figuresFile,
    },
    process.argv.slice(2),
  );
  log(`tests finished in ${seconds(testsStarted)} (jest exit ${code})`);
  printFigures();
  await stopHead();
  log(`lane took ${seconds(started)}`);
  return interrupted ? 130 : code;
}

main().then(
  (code) => process.exit(code),
  async (error) => {
    await stopHead();
    if (error instanceof LaneSetupError) process.stderr.write(`error: ${error.message}\n`);
    else process.stderr.write(`error: the real-Ray lane failed: ${error.stack ?? error}\n`);
    process.exit(interrupted ? 130 : 1);
  },
);

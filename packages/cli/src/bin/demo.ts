#!/usr/bin/env node
/**
 * `pnpm demo`: a tour of the `synapse` command against the embedded devserver — no Ray cluster
 * needed. Deploys two example plugins (live progress in a terminal), shows the Serve status,
 * plans a change, shows a failed deploy of a new app being rolled back, and deletes one app
 * while keeping the other. Every command is printed as it can be pasted into a shell that has
 * the printed variables.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startDevServer } from '@synapse-sdk/devserver';

import { devExportEnv } from '../commands/dev.js';
import { shellCommand, shellQuote } from '../shell-quote.js';

const synapseBin = fileURLToPath(new URL('./synapse.js', import.meta.url));
const examplesDir = fileURLToPath(new URL('../../../../examples/', import.meta.url));

async function main(): Promise<number> {
  if (!existsSync(examplesDir)) {
    process.stderr.write(
      `demo: ${examplesDir} not found; run the demo from a checkout of the repository\n`,
    );
    return 2;
  }
  const dev = await startDevServer({ timings: { buildTimeMs: 800, replicaStartTimeMs: 600 } });
  // What `synapse dev` would print, plus the release the step-mode example registers under.
  const exported = { ...devExportEnv(dev, undefined), SYNAPSE_PLUGIN_RELEASE_ID: '1' };
  const synapse = async (
    title: string,
    args: string[],
    extraEnv: Record<string, string> = {},
  ): Promise<number> => {
    const line = shellCommand('synapse', args, extraEnv);
    process.stdout.write(`\n\x1b[1m$ ${line}\x1b[0m   # ${title}\n`);
    const child = spawn(process.execPath, [synapseBin, ...args], {
      env: { ...process.env, ...exported, ...extraEnv },
      stdio: 'inherit',
    });
    return await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  };
  try {
    process.stdout.write(
      `devserver: Ray dashboard ${dev.dashboardUrl}, Serve proxy ${dev.serveUrl}\n` +
        `The commands below run with these variables ('synapse' is 'pnpm exec synapse' here):\n` +
        Object.entries(exported)
          .map(([key, value]) => `  export ${key}=${shellQuote(value)}\n`)
          .join(''),
    );
    const plugin = (name: string): string => {
      const dir = `${examplesDir}${name}`;
      const fromHere = relative(process.cwd(), dir);
      return fromHere.startsWith('..') || isAbsolute(fromHere) ? dir : fromHere;
    };
    await synapse('step mode: initialize, deploy, register', [
      'plugin',
      'run',
      'deployment',
      '--path',
      plugin('step-based'),
      '--job-id',
      '101',
    ]);
    await synapse('a smoke test step between deploy and register', [
      'plugin',
      'run',
      'deployment',
      '--path',
      plugin('custom-steps'),
      '--job-id',
      '102',
    ]);
    await synapse('both apps, their deployments and replicas', ['serve', 'status']);
    await synapse('what more CPUs would change (nothing is changed)', [
      'serve',
      'plan',
      '--path',
      plugin('step-based'),
      '--params',
      '{"num_cpus": 2}',
    ]);
    dev.control.injectFault({
      kind: 'build-error',
      app: 'canary',
      error: 'RuntimeError: weights not found',
    });
    const failed = await synapse(
      "a new app 'canary' whose build fails (the demo's devserver injects that fault): it is removed again, the others keep running",
      ['plugin', 'run', 'deployment', '--path', plugin('step-based')],
      { SYNAPSE_PLUGIN_RELEASE_CODE: 'canary' },
    );
    process.stdout.write(`(exit code ${failed})\n`);
    await synapse('no canary; the two apps are untouched', ['serve', 'status']);
    await synapse('remove one app, keep the other', [
      'serve',
      'delete',
      'custom-steps@1.0.0',
      '--yes',
    ]);
    await synapse('what is left', ['serve', 'status']);
    return 0;
  } finally {
    await dev.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

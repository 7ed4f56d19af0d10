#!/usr/bin/env node
/**
 * `pnpm demo`: a tour of the `synapse` command against the embedded devserver — no Ray cluster
 * needed. Deploys two example plugins (live progress in a terminal), shows the Serve status,
 * plans a change, shows a failed deploy of a new app being rolled back, and deletes one app
 * while keeping the other.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { startDevServer } from '@synapse-sdk/devserver';

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
  const env = {
    ...process.env,
    RAY_DASHBOARD_ADDRESS: dev.dashboardUrl,
    SYNAPSE_HOST: dev.backendUrl,
    SYNAPSE_ACCESS_TOKEN: 'demo-token',
    SYNAPSE_AGENT_HOST: dev.agentUrl,
    SYNAPSE_AGENT_TOKEN: 'demo-agent-token',
    RAY_SERVE_URL: dev.serveUrl,
    SYNAPSE_PLUGIN_RELEASE_ID: '1',
  };
  const synapse = async (
    title: string,
    args: string[],
    extraEnv: Record<string, string> = {},
  ): Promise<number> => {
    process.stdout.write(`\n\x1b[1m$ synapse ${args.join(' ')}\x1b[0m   # ${title}\n`);
    const child = spawn(process.execPath, [synapseBin, ...args], {
      env: { ...env, ...extraEnv },
      stdio: 'inherit',
    });
    return await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  };
  try {
    process.stdout.write(
      `devserver: Ray dashboard ${dev.dashboardUrl}, Serve proxy ${dev.serveUrl}\n`,
    );
    const plugin = (name: string): string => `${examplesDir}${name}`;
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
      'a broken new app: it fails and is removed again, the others keep running',
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

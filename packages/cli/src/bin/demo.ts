#!/usr/bin/env node
/**
 * `pnpm demo`: a tour of the `synapse` command against the embedded devserver — no Ray cluster
 * needed. It writes a new plugin with `synapse plugin init`, checks it, deploys it (live
 * progress in a terminal), calls the deployed route, then deploys a broken version of it: the
 * deploy fails, the running version is put back, and the route still answers. It ends with the
 * commands to try next. Every command is printed as it can be pasted into a shell that has the
 * printed variables; colours follow the terminal (NO_COLOR, FORCE_COLOR and pipes honoured).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { DevServer } from '@synapse-sdk/devserver';
import { startDevServer } from '@synapse-sdk/devserver';

import { devExportEnv } from '../commands/dev.js';
import { stylerFor } from '../render/style.js';
import { shellCommand, shellQuote } from '../shell-quote.js';

const synapseBin = fileURLToPath(new URL('./synapse.js', import.meta.url));
const style = stylerFor(process.stdout);
const PLUGIN = 'my-model';
const APP = `${PLUGIN}@0.1.0`;

/** A demo step that did not go as the tour says it goes. */
class DemoError extends Error {}

async function main(): Promise<number> {
  const workDir = await mkdtemp(join(tmpdir(), 'synapse-demo-'));
  const dev = await startDevServer({ timings: { buildTimeMs: 800, replicaStartTimeMs: 600 } });
  // What `synapse dev` would print, plus the release the deployment registers under.
  const exported = { ...devExportEnv(dev, undefined), SYNAPSE_PLUGIN_RELEASE_ID: '1' };
  const say = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };
  const synapse = async (
    title: string,
    args: string[],
    expected: number,
    extraEnv: Record<string, string> = {},
  ): Promise<void> => {
    const line = shellCommand('synapse', args, extraEnv);
    say(`\n${style('bold', `$ ${line}`)}   ${style('dim', `# ${title}`)}`);
    const child = spawn(process.execPath, [synapseBin, ...args], {
      cwd: workDir,
      env: { ...process.env, ...exported, ...extraEnv },
      stdio: 'inherit',
    });
    const code = await new Promise<number>((resolve) =>
      child.on('close', (exit) => resolve(exit ?? 1)),
    );
    if (expected !== 0 || code !== 0) say(style('dim', `(exit code ${code})`));
    if (code !== expected) throw new DemoError(`'${line}' exited ${code}, not ${expected}`);
  };
  try {
    say(
      `devserver: Ray dashboard ${dev.dashboardUrl}, Serve proxy ${dev.serveUrl}\n` +
        `The commands below run in ${workDir} (removed at the end) with these variables;\n` +
        `in this repository 'synapse' is 'pnpm exec synapse':\n` +
        Object.entries(exported)
          .map(([key, value]) => `  export ${key}=${shellQuote(value)}\n`)
          .join(''),
    );
    await synapse('a new plugin that deploys as it is', ['plugin', 'init', PLUGIN], 0);
    await synapse(
      "its config.yaml and TypeScript, against the SDK's types",
      ['plugin', 'check', '--path', PLUGIN],
      0,
    );
    await synapse(
      'step mode: initialize, deploy, register',
      ['plugin', 'run', 'deployment', '--path', PLUGIN, '--job-id', '101'],
      0,
    );
    const route = await routeOf(dev);
    const first = await call(dev, route, say);
    await synapse('the app, its deployment and replicas', ['serve', 'status'], 0);

    await breakPlugin(join(workDir, PLUGIN), say);
    // The devserver runs no Python: it is told what the real class would do on Ray.
    dev.control.injectFault({
      kind: 'replica-startup-failure',
      app: APP,
      deployment: 'BrokenModel',
      error: 'RuntimeError: weights not found',
    });
    say(
      style(
        'dim',
        "(the demo's devserver runs no Python; it makes BrokenModel's replicas fail to start, as the real class would)",
      ),
    );
    await synapse(
      'what the new version would change (nothing is changed)',
      ['serve', 'plan', '--path', PLUGIN],
      0,
    );
    await synapse(
      'deploy the broken version: its replicas fail, the running version is put back',
      ['plugin', 'run', 'deployment', '--path', PLUGIN, '--job-id', '102'],
      1,
    );
    const second = await call(dev, route, say);
    if (second.deployment !== first.deployment) {
      throw new DemoError(`the route answered from ${second.deployment}, not ${first.deployment}`);
    }
    say(
      style('green', `✔ still answering from ${first.deployment}, the version that was running`),
    );
    await synapse('still RUNNING, on the previous version', ['serve', 'status'], 0);
    say(nextSteps());
    return 0;
  } catch (error) {
    if (!(error instanceof DemoError)) throw error;
    process.stderr.write(`demo: ${error.message}; the tour stopped there\n`);
    return 1;
  } finally {
    await dev.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The route prefix the deployed app serves under, as the dashboard reports it. */
async function routeOf(dev: DevServer): Promise<string> {
  const details = (await (await fetch(`${dev.dashboardUrl}/api/serve/applications/`)).json()) as {
    applications: Record<string, { route_prefix?: string | null }>;
  };
  const route = details.applications[APP]?.route_prefix;
  if (!route) throw new DemoError(`${APP} has no route prefix on the dashboard`);
  return route;
}

/** POSTs to the app's route as `curl` would, printing the command and the answer. */
async function call(
  dev: DevServer,
  route: string,
  say: (text: string) => void,
): Promise<{ deployment: string }> {
  const body = 'I love this model';
  say(
    `\n${style('bold', `$ curl -d ${shellQuote(body)} "$RAY_SERVE_URL${route}"`)}   ${style('dim', '# call the deployed route')}`,
  );
  const response = await fetch(`${dev.serveUrl}${route}`, { method: 'POST', body });
  const text = await response.text();
  say(text);
  if (!response.ok) throw new DemoError(`the route answered ${response.status}`);
  return JSON.parse(text) as { deployment: string };
}

/** A new version of the plugin whose serve class cannot start. */
async function breakPlugin(dir: string, say: (text: string) => void): Promise<void> {
  const action = join(dir, 'actions/deploy.ts');
  const source = await readFile(action, 'utf8');
  await writeFile(action, source.replace("'serve_app:Model'", "'serve_app:BrokenModel'"));
  await writeFile(
    join(dir, 'serve_app.py'),
    `${await readFile(join(dir, 'serve_app.py'), 'utf8')}

class BrokenModel(Model):
    def __init__(self, backend_url: str):
        raise RuntimeError("weights not found")
`,
  );
  say(
    `\n${style('bold', '# a new version:')} serve_app.py gets BrokenModel (its __init__ raises),\n` +
      `# and actions/deploy.ts deploys it: static entrypoint = 'serve_app:BrokenModel'`,
  );
}

function nextSteps(): string {
  const steps: [string, string][] = [
    ['synapse plugin init my-plugin', 'your own plugin; then edit serve_app.py'],
    ['synapse dev', 'a simulator that stays up; paste its export lines'],
    ['synapse plugin run deployment --path my-plugin -o ndjson', 'one JSON event per line'],
    ['synapse serve status -o yaml', 'the details, as the dashboard has them'],
    ['source <(synapse completion bash)', 'Tab completion (zsh and fish too)'],
  ];
  const width = Math.max(...steps.map(([command]) => command.length));
  return (
    `\n${style('bold', 'Next, try:')}\n` +
    steps
      .map(([command, why]) => `  ${command.padEnd(width)}  ${style('dim', `# ${why}`)}\n`)
      .join('') +
    `  ${style('dim', '# and the examples/ of this repository: step-based, custom-steps, di-plugin, simple-execute')}`
  );
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

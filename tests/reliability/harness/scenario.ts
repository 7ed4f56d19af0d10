import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { DevServer, DevServerTimings, RecordedRequest } from '@synapse-sdk/devserver';
import { isMutating, startDevServer } from '@synapse-sdk/devserver';

import type { CliRun, RunningCli } from './cli-process.js';
import { cleanEnv, startCli } from './cli-process.js';
import type { ClusterSnapshot } from './cluster-state.js';
import { snapshot } from './cluster-state.js';
import type { PluginOptions } from './plugin.js';
import { writePlugin } from './plugin.js';
import type { ScenarioTokens } from './secrets.js';
import { freshTokens, leakedTokens } from './secrets.js';

/** Options of {@link Scenario.start}. */
export interface ScenarioOptions {
  /** Simulated durations; short by default, so a deploy takes about half a second. */
  timings?: Partial<DevServerTimings>;
  /** Register with the backend: the runs get a job id and a plugin release id. @default false */
  register?: boolean;
}

/** Options of one `synapse` run. */
export interface RunOptions {
  /** Variables on top of the scenario's; undefined removes one. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  uid?: number;
}

/** Which requests {@link Scenario.waitForRequest} waits for. */
export interface RequestMatch {
  service?: RecordedRequest['service'];
  method?: string;
  /** Exact path, or a prefix with a trailing `*`. */
  path?: string;
}

/** The plugin release a scenario's run registers under. */
export const PLUGIN_RELEASE_ID = '41';
/**
 * The release of the version a row starts from: a new version is a new release, so the run
 * creates a record of its own rather than finding the previous version's.
 */
export const PREVIOUS_RELEASE_ID = '40';
/** The job every registering scenario runs for. */
export const JOB_ID = '7001';

const SUITE_TIMINGS: Partial<DevServerTimings> = {
  buildTimeMs: 200,
  replicaStartTimeMs: 200,
  lightweightUpdateTimeMs: 50,
  deleteTimeMs: 100,
};

/**
 * One scenario of the suite: its own devserver (every service requiring its own fresh token, a
 * backend that ignores idempotency keys, as the real one is not known to honour them), its own
 * temp folder for plugins and the deploy lock, the built `synapse` run as a user runs it, and
 * every output kept for the token scan.
 */
export class Scenario {
  private readonly runs: CliRun[] = [];

  private constructor(
    public readonly dev: DevServer,
    public readonly tokens: ScenarioTokens,
    /** The scenario's temp folder. */
    public readonly dir: string,
    private readonly register: boolean,
  ) {}

  public static async start(options: ScenarioOptions = {}): Promise<Scenario> {
    const tokens = freshTokens();
    const dir = await mkdtemp(join(tmpdir(), 'synapse-rel-'));
    const dev = await startDevServer({
      authToken: tokens.ray,
      backendToken: tokens.backend,
      agentToken: tokens.agent,
      honourIdempotencyKeys: false,
      timings: { ...SUITE_TIMINGS, ...options.timings },
    });
    return new Scenario(dev, tokens, dir, options.register ?? false);
  }

  /** The variables that point `synapse` at this scenario's devserver. */
  public baseEnv(): Record<string, string> {
    return {
      RAY_DASHBOARD_ADDRESS: this.dev.dashboardUrl,
      RAY_AUTH_TOKEN: this.tokens.ray,
      SYNAPSE_HOST: this.dev.backendUrl,
      SYNAPSE_ACCESS_TOKEN: this.tokens.backend,
      SYNAPSE_AGENT_HOST: this.dev.agentUrl,
      SYNAPSE_AGENT_TOKEN: this.tokens.agent,
      SYNAPSE_LOCK_DIR: join(this.dir, 'locks'),
      // Each scenario journals its runs in its own folder, never in the user's state directory.
      SYNAPSE_STATE_DIR: join(this.dir, 'state'),
      ...(this.register
        ? { SYNAPSE_JOB_ID: JOB_ID, SYNAPSE_PLUGIN_RELEASE_ID: PLUGIN_RELEASE_ID }
        : {}),
    };
  }

  /** Every token a run could leak: the scenario's and any given on a command line. */
  public allTokens(extra: readonly string[] = []): string[] {
    return [this.tokens.ray, this.tokens.backend, this.tokens.agent, ...extra];
  }

  /** Writes a plugin into the scenario's folder. */
  public plugin(options: PluginOptions = {}): Promise<string> {
    return writePlugin(this.dir, options);
  }

  /** Starts `synapse` with `args`; its outputs are kept for the token scan. */
  public start(args: readonly string[], options: RunOptions = {}): RunningCli {
    const running = startCli(args, {
      env: cleanEnv({ ...this.baseEnv(), ...options.env }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.uid === undefined ? {} : { uid: options.uid }),
    });
    void running.exited.then((run) => this.runs.push(run)).catch(() => undefined);
    return running;
  }

  /** Runs `synapse` with `args` to its end. */
  public run(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
    return this.start(args, options).exited;
  }

  /** `synapse plugin run deployment --path DIR --params JSON` plus `extra` arguments. */
  public deployArgs(
    pluginDir: string,
    params: Record<string, unknown> = {},
    extra: readonly string[] = [],
  ): string[] {
    return [
      'plugin',
      'run',
      'deployment',
      '--path',
      pluginDir,
      '--params',
      JSON.stringify(params),
      ...extra,
    ];
  }

  /** Deploys `pluginDir` with `params` and waits for the command's end. */
  public deploy(
    pluginDir: string,
    params: Record<string, unknown> = {},
    options: RunOptions & { args?: readonly string[] } = {},
  ): Promise<CliRun> {
    return this.run(this.deployArgs(pluginDir, params, options.args ?? []), options);
  }

  /**
   * Deploys the app a scenario starts from and checks it landed: a first deploy that must
   * succeed, or the scenario would test nothing.
   */
  public async deployed(
    pluginDir: string,
    params: Record<string, unknown> = {},
    options: RunOptions = {},
  ): Promise<void> {
    const run = await this.deploy(pluginDir, params, options);
    if (run.code !== 0) {
      throw new Error(
        `the scenario's starting deploy failed (exit ${run.code}): ${run.stderr.trim().split('\n').at(-1)}`,
      );
    }
  }

  /**
   * Another team's app on the same cluster, written by another tool (a PUT of the live config
   * with it added): every scenario checks it is left exactly as it was.
   */
  public async seedBystander(name = 'bystander'): Promise<void> {
    const live = this.dev.control.serveDetails();
    const apps = Object.values(
      (live['applications'] ?? {}) as Record<string, { deployed_app_config?: unknown }>,
    )
      .map((app) => app.deployed_app_config)
      .filter((config) => config !== undefined);
    const result = this.dev.control.foreignPut({
      applications: [
        ...apps,
        { name, route_prefix: `/${name}`, import_path: `${name}_module:app` },
      ],
    });
    if (result.status !== 200) throw new Error(`seeding ${name} failed: ${result.text}`);
    await this.until(() => this.dev.control.application(name)?.['status'] === 'RUNNING');
  }

  /** The cluster and backend now. */
  public state(): ClusterSnapshot {
    return snapshot(this.dev.control);
  }

  /** The seq of the latest request so far (pass it to {@link mutatingSince}). */
  public lastSeq(): number {
    return this.dev.control.requests().at(-1)?.seq ?? 0;
  }

  /** The mutating requests received after `seq`, as `METHOD path` (their service first when not the dashboard). */
  public mutatingSince(seq: number): string[] {
    return this.dev.control
      .requests(seq)
      .filter(isMutating)
      .map((r) => `${r.service === 'dashboard' ? '' : `${r.service} `}${r.method} ${r.path}`);
  }

  /** Resolves with the first request after `sinceSeq` that matches, once it has arrived. */
  public async waitForRequest(
    match: RequestMatch,
    sinceSeq: number,
    timeoutMs = 60_000,
  ): Promise<RecordedRequest> {
    let found: RecordedRequest | undefined;
    await this.until(() => {
      found = this.dev.control.requests(sinceSeq).find((r) => matches(match, r));
      return found !== undefined;
    }, timeoutMs);
    return found!;
  }

  /** Polls `condition` every 10 ms until it holds; throws after `timeoutMs`. */
  public async until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${condition}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** How many of the outputs kept so far (stdout and stderr of each run) contain a token. */
  public tokenScan(extraTokens: readonly string[] = []): { scanned: number; leaks: string[] } {
    const tokens = this.allTokens(extraTokens);
    const leaks: string[] = [];
    for (const run of this.runs) {
      for (const [stream, text] of [
        ['stdout', run.stdout],
        ['stderr', run.stderr],
      ] as const) {
        const leaked = leakedTokens(text, tokens);
        if (leaked.length > 0) leaks.push(`${stream} of synapse ${run.args.slice(0, 3).join(' ')}`);
      }
    }
    return { scanned: this.runs.length * 2, leaks };
  }

  /** Stops the devserver and removes the scenario's folder. */
  public async stop(): Promise<void> {
    await this.dev.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

function matches(match: RequestMatch, request: RecordedRequest): boolean {
  if ((match.service ?? 'dashboard') !== request.service) return false;
  if (match.method !== undefined && match.method !== request.method) return false;
  if (match.path === undefined) return true;
  return match.path.endsWith('*')
    ? request.path.startsWith(match.path.slice(0, -1))
    : request.path === match.path;
}

import { randomUUID } from 'node:crypto';

import { EventEmitter } from 'eventemitter3';
import type { Container, ServiceIdentifier } from 'inversify';

import { createContainer } from '../di/create-container.js';
import { LOGGER, PLUGIN_ENVIRONMENT, RUNTIME_CONTEXT } from '../di/tokens.js';
import { PluginEnvironment } from '../env/plugin-environment.js';
import type { RunRecorder } from '../journal/run-recorder.js';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import { redactValue } from '../logging/secrets.js';
import type { LoadedPluginConfig } from '../plugin/load-plugin-config.js';
import type { Clock } from '../wait/clock.js';
import { systemClock } from '../wait/clock.js';
import type { AgentClientType, BackendClientType } from './runtime-client-types.js';
import type { RuntimeEvents } from './runtime-events.js';

/** Options of {@link RuntimeContext.create}. Everything is optional. */
export interface RuntimeContextOptions {
  /** @default PluginEnvironment.fromEnviron(), read when first used */
  env?: PluginEnvironment | undefined;
  /** @default silentLogger */
  logger?: Logger | undefined;
  /** @default env SYNAPSE_JOB_ID */
  jobId?: string | undefined;
  /**
   * Identifies this run; steps derive the names of what they create on a cluster from it, so
   * that a run started again with the same id finds them, and the journal keeps the run under
   * it. @default env SYNAPSE_RUN_ID, else `job-<jobId>` with a job id, else a random id
   */
  runId?: string | undefined;
  client?: BackendClientType | undefined;
  agentClient?: AgentClientType | undefined;
  /** @default createContainer(), made when first used */
  container?: Container | undefined;
  /** Cancels the run when aborted. @default a signal that never aborts */
  signal?: AbortSignal | undefined;
  /** Time source of every wait of the run (retries, polls, locks). @default systemClock */
  clock?: Clock | undefined;
  /**
   * The plugin the run belongs to, as its runner (the CLI) loaded and validated it. Actions
   * read the plugin from here rather than from the environment or the disk.
   */
  plugin?: LoadedPluginConfig | undefined;
  /**
   * Where the run is journaled: the orchestrator records each step boundary in it and steps
   * write ahead to it before changing anything outside the process. Without one (a run built
   * in code) nothing is recorded and nothing of the journal runs.
   */
  journal?: RunRecorder | undefined;
}

/**
 * Everything an action run shares: environment, logger, job id, clients, the DI container, the
 * cancellation signal and the event stream that progress, logs, metrics and step events go to.
 *
 * Creating one is cheap: the default environment is read and the container made (with the
 * context, its logger and its environment bound in it) only when something first uses them, as
 * most runs of steps registered as instances never do.
 */
export class RuntimeContext {
  public readonly logger: Logger;
  public readonly client: BackendClientType | undefined;
  public readonly agentClient: AgentClientType | undefined;
  /** The run's time source: steps and the orchestrator wait on it, so tests can drive time. */
  public readonly clock: Clock;
  /** The plugin of the run, when its runner handed one over. */
  public readonly plugin: LoadedPluginConfig | undefined;
  private runJournal: RunRecorder | undefined;
  public readonly events = new EventEmitter<RuntimeEvents>();
  private givenRunId: string | undefined;
  private readonly options: RuntimeContextOptions;
  private givenOrReadEnv: PluginEnvironment | undefined;
  private boundContainer: Container | undefined;
  private neverAborts: AbortSignal | undefined;

  private constructor(options: RuntimeContextOptions) {
    this.options = options;
    this.givenOrReadEnv = options.env;
    this.logger = options.logger ?? silentLogger;
    this.client = options.client;
    this.agentClient = options.agentClient;
    this.clock = options.clock ?? systemClock;
    this.plugin = options.plugin;
    this.runJournal = options.journal;
    this.givenRunId = options.runId;
  }

  /** The run's journal, when its runner keeps one (see {@link RuntimeContextOptions.journal}). */
  public get journal(): RunRecorder | undefined {
    return this.runJournal;
  }

  /**
   * Hands the run its journal after the context was built: a runner validates the action's
   * params (which needs the context) before it takes the run in the journal.
   * @throws Error when the context has a journal already
   */
  public attachJournal(journal: RunRecorder): void {
    if (this.runJournal)
      throw new Error(`the run already has a journal (run '${this.runJournal.runId}')`);
    this.runJournal = journal;
  }

  /**
   * The run's id (see {@link RuntimeContextOptions.runId}). Computed on first use: most runs
   * never need one.
   */
  public get runId(): string {
    this.givenRunId ??=
      this.env.getStr('SYNAPSE_RUN_ID') ??
      (this.jobId ? `job-${this.jobId}` : randomUUID().slice(0, 13));
    return this.givenRunId;
  }

  /** Creates a context; its container binds it, its logger and its environment. */
  public static create(options: RuntimeContextOptions = {}): RuntimeContext {
    return new RuntimeContext(options);
  }

  /** Cancels the run when aborted: the one given, else one that never aborts. */
  public get signal(): AbortSignal {
    // Made when first read: an AbortController costs more than the rest of a context.
    return this.options.signal ?? (this.neverAborts ??= new AbortController().signal);
  }

  /**
   * The signal given to {@link RuntimeContext.create}; undefined when nothing can cancel the
   * run, so that the orchestrator need not watch a signal that never aborts.
   * @internal
   */
  public get givenSignal(): AbortSignal | undefined {
    return this.options.signal;
  }

  /** The run's environment: the one given, else `process.env` as it is when first read. */
  public get env(): PluginEnvironment {
    this.givenOrReadEnv ??= PluginEnvironment.fromEnviron();
    return this.givenOrReadEnv;
  }

  /** The run's job id: the one given, else the environment's `SYNAPSE_JOB_ID`. */
  public get jobId(): string | undefined {
    return this.options.jobId ?? this.env.getStr('SYNAPSE_JOB_ID');
  }

  /** The run's DI container (the one given, else a new one) with the run's bindings. */
  public get container(): Container {
    if (!this.boundContainer) {
      const container = this.options.container ?? createContainer();
      bindOrRebind(container, RUNTIME_CONTEXT, this);
      bindOrRebind(container, LOGGER, this.logger);
      bindOrRebind(container, PLUGIN_ENVIRONMENT, this.env);
      this.boundContainer = container;
    }
    return this.boundContainer;
  }

  /** Records a structured event: emitted as `log` and written to the logger at info level. */
  public log(event: string, data: Record<string, unknown> = {}): void {
    const safe = redactValue(data);
    this.logger.info(event, safe);
    this.events.emit('log', { event, data: safe, timestamp: new Date() });
  }

  /** Reports progress as `current` out of `total`, optionally for one category. */
  public setProgress(current: number, total: number, category?: string): void {
    if (!(total > 0) || current < 0 || current > total) {
      throw new RangeError(
        `setProgress(${current}, ${total}): current must be within 0..total and total above 0`,
      );
    }
    const percent = Math.floor((current / total) * 100);
    this.events.emit('progress', {
      current,
      total,
      percent,
      ...(category === undefined ? {} : { category }),
    });
  }

  /** Records metrics for a category. */
  public setMetrics(value: Record<string, unknown>, category: string): void {
    this.events.emit('metrics', { value: redactValue(value), category });
  }
}

function bindOrRebind<T>(container: Container, token: ServiceIdentifier<T>, value: T): void {
  if (container.isCurrentBound(token)) container.unbind(token);
  container.bind<T>(token).toConstantValue(value);
}

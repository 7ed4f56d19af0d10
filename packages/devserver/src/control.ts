import type { BackendSnapshot } from './backend/backend-store.js';
import type { Clock, TimerHandle } from './clock.js';
import { ManualClock } from './clock.js';
import type { ListeningServer } from './http/listening-server.js';
import type { JobFault, JobFaultSpec, JobOutputSpec } from './jobs/job-behaviour.js';
import { jobDetails } from './jobs/jobs-routes.js';
import { validateServeDeploy } from './ray/deploy-schema.js';
import type { Fault, FaultSpec } from './ray/faults.js';
import type { ImperativeAppSpec } from './ray/serve-state.js';
import type { DelayTarget, DevServerRuntime } from './runtime.js';
import type { HttpFault, HttpFaultSpec } from './transport/http-faults.js';
import type { RecordedRequest } from './transport/request-log.js';
import type { Trigger, TriggerSpec } from './transport/triggers.js';

/** Result of {@link DevServerControl.foreignPut}: what the PUT endpoint would have answered. */
export interface ForeignPutResult {
  status: 200 | 400;
  text: string;
}

/** Options of {@link DevServerControl.restart}. */
export interface RestartOptions {
  /** Keep Serve apps and packages (as with GCS fault tolerance). @default false */
  keepState?: boolean | undefined;
  /** Refuse dashboard connections for this long while "restarting". @default 0 */
  downMs?: number | undefined;
}

/**
 * Test hooks of a running devserver: time, fault injection, switches, foreign writers and
 * read access to everything the simulated cluster and backend hold. Everything here is also
 * reachable over HTTP under `/_devserver/` on the dashboard port.
 */
export class DevServerControl {
  private reopenTimer: TimerHandle | undefined;
  private reopening: Promise<void> | undefined;
  private readonly dropTimers = new Set<TimerHandle>();

  /** @internal */
  public constructor(
    private readonly rt: DevServerRuntime,
    private readonly dashboard: ListeningServer,
  ) {}

  /** The devserver's clock. */
  public get clock(): Clock {
    return this.rt.clock;
  }

  /** Current `session_name` (changes on {@link restart}). */
  public get sessionName(): string {
    return this.rt.node.sessionName;
  }

  /** Whether the dashboard listener accepts connections now. */
  public get dashboardListening(): boolean {
    return this.dashboard.listening;
  }

  /**
   * Advances a {@link ManualClock} by `ms` and waits for what falls due (e.g. the dashboard
   * coming back up). Throws with the system clock.
   */
  public async advance(ms: number): Promise<void> {
    const clock = this.rt.clock;
    if (!(clock instanceof ManualClock)) {
      throw new Error(
        'control.advance() needs a ManualClock: start the devserver with { clock: new ManualClock() }',
      );
    }
    clock.advance(ms);
    if (this.reopening !== undefined) await this.reopening;
  }

  /** Injects a fault (see {@link FaultSpec}); it applies to matching apps deployed from now on. */
  public injectFault(spec: FaultSpec): Fault {
    return this.rt.serve.injectFault(spec);
  }

  /** Removes one fault by id; false when unknown. Already-started rollouts keep their fate. */
  public removeFault(id: string): boolean {
    return this.rt.serve.removeFault(id);
  }

  /** Removes every fault. */
  public clearFaults(): void {
    this.rt.serve.clearFaults();
  }

  /** The registered faults. */
  public listFaults(): Fault[] {
    return this.rt.serve.listFaults();
  }

  /** Injects a fault into the Ray jobs submitted from now on that match it. */
  public injectJobFault(spec: JobFaultSpec): JobFault {
    return this.rt.jobs.injectFault(spec);
  }

  /** The injected job faults. */
  public listJobFaults(): JobFault[] {
    return this.rt.jobs.listFaults();
  }

  /**
   * Scripts what matching job entrypoints print (nothing is executed): for example a result a
   * later step reads from the job's logs.
   */
  public scriptJobOutput(spec: JobOutputSpec): void {
    this.rt.jobs.scriptOutput(spec);
  }

  /** Every job as `GET /api/jobs/` returns it now. */
  public jobs(): Record<string, unknown>[] {
    const now = this.rt.clock.now();
    return this.rt.jobs.list().map((job) => jobDetails(this.rt, job, now));
  }

  /** The submission id of every job accepted so far, in order (deleted ones included). */
  public jobSubmissions(): string[] {
    return [...this.rt.jobs.submissions];
  }

  /**
   * Injects a transport fault: matching requests are answered with an error, slowly, or not at
   * all (see {@link HttpFaultSpec}).
   */
  public injectHttpFault(spec: HttpFaultSpec): HttpFault {
    return this.rt.httpFaults.add(spec, this.rt.clock.now());
  }

  /** Removes one transport fault by id; false when unknown. */
  public removeHttpFault(id: string): boolean {
    return this.rt.httpFaults.remove(id);
  }

  /** Removes every transport fault. */
  public clearHttpFaults(): void {
    this.rt.httpFaults.clear();
  }

  /** The transport faults, with how many requests each has hit. */
  public listHttpFaults(): HttpFault[] {
    return this.rt.httpFaults.list();
  }

  /**
   * Registers something to happen at a moment defined by the traffic, e.g. the dashboard going
   * down once the second PUT was answered (see {@link TriggerSpec}). It fires once.
   */
  public addTrigger(spec: TriggerSpec): Trigger {
    return this.rt.triggers.add(spec);
  }

  /** The triggers, fired or not. */
  public listTriggers(): Trigger[] {
    return this.rt.triggers.list();
  }

  /** Removes every trigger. */
  public clearTriggers(): void {
    this.rt.triggers.clear();
  }

  /**
   * Every request the listeners received, in arrival order (the admin API's aside): method,
   * path, status, and the transport fault that hit it. With `sinceSeq`, only later ones.
   */
  public requests(sinceSeq = 0): RecordedRequest[] {
    return this.rt.requests.list(sinceSeq);
  }

  /** Forgets the logged requests (their numbering goes on). */
  public clearRequests(): void {
    this.rt.requests.clear();
  }

  /** @internal Runs the triggers that fired. */
  public fire(due: readonly Trigger[]): void {
    for (const trigger of due) {
      this.rt.logger.info('trigger fired', { id: trigger.id });
      const action = trigger.then;
      const run = async (): Promise<void> => {
        if ('dashboardDown' in action) await this.dashboardDown(action.dashboardDown.ms);
        else if ('restart' in action) await this.restart(action.restart);
        else if ('dropApp' in action) this.dropApp(action.dropApp.name);
        else if ('httpFault' in action) this.injectHttpFault(action.httpFault);
        else if ('foreignPut' in action) {
          const result = this.foreignPut(action.foreignPut);
          if (result.status !== 200) throw new Error(`foreign PUT refused: ${result.text}`);
        } else if ('trigger' in action) this.addTrigger(action.trigger);
        else this.injectFault(action.fault);
      };
      run().catch((error: unknown) =>
        this.rt.logger.error('trigger failed', { id: trigger.id, error: String(error) }),
      );
    }
  }

  /** When false, `GET /api/serve/applications/` answers 503 (controller/GCS unreachable). */
  public setControllerAvailable(available: boolean): void {
    this.rt.controllerAvailable = available;
  }

  /** When false, `/api/gcs_healthz` answers 503; with `forMs`, only for that long on the clock. */
  public setGcsHealthy(healthy: boolean, forMs?: number): void {
    if (healthy) {
      this.rt.gcsHealthy = true;
      this.rt.gcsHealthyUntil = undefined;
    } else if (forMs !== undefined) {
      this.rt.gcsHealthy = true;
      this.rt.gcsHealthyUntil = this.rt.clock.now() + forMs;
    } else this.rt.gcsHealthy = false;
  }

  /**
   * Closes the dashboard listener (connections are refused) and reopens it on the same port
   * after `ms` on the devserver's clock, or when {@link dashboardUp} is called.
   */
  public async dashboardDown(ms?: number): Promise<void> {
    this.reopenTimer?.cancel();
    this.reopenTimer = undefined;
    await this.dashboard.stop();
    this.rt.logger.info('dashboard down', { ms });
    if (ms !== undefined) {
      this.reopenTimer = this.rt.clock.setTimer(ms, () => {
        this.reopenTimer = undefined;
        this.reopening = this.dashboard.start().finally(() => (this.reopening = undefined));
      });
    }
  }

  /** Reopens the dashboard listener now (same port). */
  public async dashboardUp(): Promise<void> {
    this.reopenTimer?.cancel();
    this.reopenTimer = undefined;
    if (this.reopening !== undefined) await this.reopening;
    await this.dashboard.start();
  }

  /** Delays every response of one listener (or all) by `ms` real milliseconds; 0 turns it off. */
  public setDelay(ms: number, target: DelayTarget | 'all' = 'all'): void {
    const targets: DelayTarget[] =
      target === 'all' ? ['dashboard', 'serve', 'backend', 'agent'] : [target];
    for (const t of targets) this.rt.delays[t] = ms;
  }

  /** Applies a PUT body as another writer would (same validation and semantics as the endpoint). */
  public foreignPut(body: unknown): ForeignPutResult {
    const validation = validateServeDeploy(body, {
      strictExtras: this.rt.settings.strictExtras,
      behaviour: this.rt.settings.behaviour,
    });
    if (!validation.ok) return { status: 400, text: validation.text };
    this.rt.serve.apply(validation.config);
    this.rt.persist();
    return { status: 200, text: '' };
  }

  /** A foreign writer PUTs the current declarative config without `name` (the app goes DELETING). */
  public dropApp(name: string): void {
    this.rt.serve.apply(this.rt.serve.configWithout(name));
    this.rt.logger.info('foreign writer dropped app', { name });
    this.rt.persist();
  }

  /** After the next PUT that lists `name`, a foreign writer drops it (after `afterMs` on the clock). */
  public dropAppAfterNextPut(name: string, afterMs = 0): void {
    this.rt.foreignDrops.push({ app: name, afterMs });
  }

  /** @internal Called by the PUT endpoint with the names it applied. */
  public afterPut(appNames: readonly string[]): void {
    const due = this.rt.foreignDrops.filter((d) => appNames.includes(d.app));
    this.rt.foreignDrops = this.rt.foreignDrops.filter((d) => !due.includes(d));
    for (const drop of due) {
      if (drop.afterMs <= 0) this.dropApp(drop.app);
      else {
        const timer = this.rt.clock.setTimer(drop.afterMs, () => {
          this.dropTimers.delete(timer);
          this.dropApp(drop.app);
        });
        this.dropTimers.add(timer);
      }
    }
  }

  /** Adds a RUNNING app created "imperatively" (`serve.run`); declarative PUTs never delete it. */
  public seedImperativeApp(spec: ImperativeAppSpec): void {
    this.rt.serve.seedImperativeApp(spec);
    this.rt.persist();
  }

  /** Deletes one app (like the agent's DELETE); false when absent. */
  public deleteApp(name: string): boolean {
    const deleted = this.rt.serve.deleteApp(name);
    if (deleted) this.rt.persist();
    return deleted;
  }

  /**
   * Drops package `gcs://<name>` as Ray's reference counting does once nothing uses it (after
   * its pin of a few minutes). Refused while a live app's config still runs from it, which Ray
   * never drops.
   * @throws Error when an app references it; returns false when there is no such package
   */
  public dropPackage(name: string): boolean {
    const uri = `gcs://${name}`;
    const referencing = Object.entries(
      (this.serveDetails()['applications'] as Record<string, Record<string, unknown>>) ?? {},
    ).filter(([, app]) => JSON.stringify(app['deployed_app_config'] ?? {}).includes(uri));
    if (referencing.length > 0) {
      throw new Error(
        `${uri} is used by ${referencing.map(([n]) => n).join(', ')}; Ray drops only packages nothing references`,
      );
    }
    const dropped = this.rt.packages.delete(name);
    if (dropped) this.rt.persist();
    return dropped;
  }

  /**
   * Simulates a cluster restart: a new `session_name`; unless `keepState`, Serve apps and
   * packages are gone (no GCS fault tolerance).
   */
  public async restart(options: RestartOptions = {}): Promise<void> {
    this.rt.newSession();
    if (!options.keepState) {
      this.rt.serve.shutdown();
      this.rt.packages.clear();
    }
    this.rt.persist();
    if (options.downMs !== undefined && options.downMs > 0)
      await this.dashboardDown(options.downMs);
  }

  /** The current `GET /api/serve/applications/` body. */
  public serveDetails(): Record<string, unknown> {
    return this.rt.renderer.render(this.rt.serve, this.rt.clock.now());
  }

  /** One app's `ApplicationDetails`, or undefined. */
  public application(name: string): Record<string, unknown> | undefined {
    const apps = this.serveDetails()['applications'] as
      | Record<string, Record<string, unknown>>
      | undefined;
    return apps?.[name];
  }

  /** Names of uploaded packages (`gcs://<name>`). */
  public packageNames(): string[] {
    return this.rt.packages.names();
  }

  /** The bytes of an uploaded package. */
  public packageBytes(name: string): Uint8Array | undefined {
    return this.rt.packages.get(name);
  }

  /** Everything the simulated backend received (serve applications, jobs, job patches, logs). */
  public backend(): BackendSnapshot {
    return this.rt.backend.snapshot();
  }

  /**
   * Back to a fresh server: no apps, packages, backend records, faults (Serve and transport),
   * triggers, logged requests, delays or pending foreign writers; controller and GCS healthy;
   * dashboard listening. The session stays.
   */
  public async reset(): Promise<void> {
    this.rt.serve.clearFaults();
    this.rt.httpFaults.clear();
    this.rt.triggers.clear();
    this.rt.requests.clear();
    this.rt.serve.shutdown();
    this.rt.packages.clear();
    this.rt.backend.clear();
    this.rt.jobs.clear();
    this.rt.foreignDrops = [];
    for (const t of this.dropTimers) t.cancel();
    this.dropTimers.clear();
    this.setControllerAvailable(true);
    this.setGcsHealthy(true);
    this.setDelay(0);
    await this.dashboardUp();
    this.rt.persist();
  }

  /** @internal Cancels timers before shutdown. */
  public dispose(): void {
    this.reopenTimer?.cancel();
    for (const t of this.dropTimers) t.cancel();
  }
}

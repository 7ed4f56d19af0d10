import type { Clock } from '../clock.js';
import type { DevServerTimings } from '../options.js';
import type { ActiveBuild, AppState, DeploymentFault, DeploymentTimeline } from './app-state.js';
import { appCodeVersion, canonicalJson, sha256Hex } from './canonical-json.js';
import type { AppConfig, ProxyLocation, ServeDeployConfig } from './deploy-schema.js';
import type { DeploymentPlan } from './effective-config.js';
import { LIGHTWEIGHT_OPTIONS, planDeployments } from './effective-config.js';
import type { Fault, FaultSpec } from './faults.js';
import { faultMatches, faultMatchesDeployment } from './faults.js';
import { buildFailure, runtimeEnvFailure, simulateImport } from './import-sim.js';
import type { PackageStore } from './package-store.js';
import type { RayBehaviour } from './ray-behaviour.js';

/** Serve-wide settings fixed when Serve starts (first PUT) and kept until DELETE. */
export interface ServeSystem {
  proxyLocation: ProxyLocation;
  httpOptions: Record<string, unknown>;
  grpcOptions: Record<string, unknown>;
  targetCapacity: number | null;
  /** When Serve started (the clock's ms); absent in state files of older devservers. */
  startedAtMs?: number;
  /** The proxy got its first route table (an app served since Serve started). */
  routeTableSeen?: boolean;
}

/** A deployment of an imperatively created app (`serve.run`), for {@link DevServerControl.seedImperativeApp}. */
export interface ImperativeAppSpec {
  name: string;
  importPath?: string | undefined;
  routePrefix?: string | null | undefined;
  /** Deployment names and replica counts. @default one deployment named after the import attribute */
  deployments?: { name: string; numReplicas?: number | undefined }[] | undefined;
}

const HTTP_DEFAULTS: Record<string, unknown> = {
  host: '0.0.0.0',
  port: 8000,
  root_path: '',
  request_timeout_s: null,
  keep_alive_timeout_s: 90,
  ssl_keyfile: null,
  ssl_certfile: null,
  ssl_keyfile_password: null,
  ssl_ca_certs: null,
};
const GRPC_DEFAULTS: Record<string, unknown> = {
  port: 9000,
  grpc_servicer_functions: [],
  request_timeout_s: null,
};

/**
 * The simulated Serve controller: applies PUT bodies with Ray's replace semantics and update
 * classes, and keeps per-app rollouts whose statuses are computed from the clock on each read.
 */
export class ServeState {
  /** Whether a Serve instance exists (a PUT happened since start or the last DELETE). */
  public system: ServeSystem | undefined;
  public apps = new Map<string, AppState>();
  private faults: Fault[] = [];
  /** Ids of the faults the rollouts of the PUT being applied took up. */
  private readonly faultsTaken = new Set<string>();
  private faultSeq = 0;

  public constructor(
    private readonly clock: Clock,
    private readonly timings: DevServerTimings,
    private readonly packages: PackageStore,
    private readonly behaviour: RayBehaviour,
  ) {}

  /** Drops apps whose deletion finished and activates builds that completed. Call before reads. */
  public settle(): void {
    const now = this.clock.now();
    for (const [name, app] of this.apps) {
      if (app.deletingSince !== undefined) {
        if (now >= app.deletingSince + this.timings.deleteTimeMs) this.apps.delete(name);
        continue;
      }
      const pending = app.pending;
      if (pending !== undefined && pending.failure === undefined && now >= pending.endsAt) {
        const running = new Set(app.active.deployments.map((d) => d.plan.name));
        for (const d of pending.deployments) if (running.has(d.plan.name)) d.replacesRunning = true;
        app.active = {
          deployments: pending.deployments,
          routePrefix: pending.routePrefix,
          codeVersion: pending.codeVersion,
        };
        delete app.pending;
      }
    }
  }

  /** Applies a validated PUT body (declarative): creates/updates listed apps, deletes unlisted declarative ones. */
  public apply(config: ServeDeployConfig): void {
    this.settle();
    const now = this.clock.now();
    if (this.system === undefined) {
      this.system = {
        proxyLocation: config.proxy_location ?? 'EveryNode',
        httpOptions: { ...HTTP_DEFAULTS, ...(config.http_options ?? {}) },
        grpcOptions: { ...GRPC_DEFAULTS, ...(config.grpc_options ?? {}) },
        targetCapacity: null,
        startedAtMs: now,
      };
    }
    this.system.targetCapacity = config.target_capacity ?? null;
    const listed = new Set(config.applications.map((a) => a.name ?? 'default'));
    for (const app of this.apps.values()) {
      if (!listed.has(app.name) && app.source === 'declarative') this.startDelete(app, now);
    }
    for (const appConfig of config.applications) this.upsert(appConfig, now);
    // A fault of one version is gone once a rollout took it up.
    this.faults = this.faults.filter((f) => !(f.once === true && this.faultsTaken.has(f.id)));
    this.faultsTaken.clear();
  }

  /** `DELETE /api/serve/applications/`: shuts Serve down; everything is gone at once. */
  public shutdown(): void {
    this.apps.clear();
    this.system = undefined;
  }

  /** Deletes one app (agent `DELETE ray/serve_applications/{name}`); false when absent. */
  public deleteApp(name: string): boolean {
    this.settle();
    const app = this.apps.get(name);
    if (app === undefined) return false;
    this.startDelete(app, this.clock.now());
    return true;
  }

  /** Adds a RUNNING app as if created with `serve.run` (source `imperative`); PUTs never delete it. */
  public seedImperativeApp(spec: ImperativeAppSpec): void {
    const now = this.clock.now();
    if (this.system === undefined) {
      this.system = {
        proxyLocation: 'EveryNode',
        httpOptions: { ...HTTP_DEFAULTS },
        grpcOptions: { ...GRPC_DEFAULTS },
        targetCapacity: null,
        startedAtMs: now,
      };
    }
    const importPath = spec.importPath ?? `${spec.name}:app`;
    const deployments = spec.deployments ?? [{ name: importPath.split(/[:.]/).pop() ?? spec.name }];
    const config: AppConfig = {
      name: spec.name,
      import_path: importPath,
      deployments: deployments.map((d) => ({ name: d.name, num_replicas: d.numReplicas ?? 1 })),
    };
    const outcome = planDeployments(config, this.system.targetCapacity, this.behaviour);
    if (!outcome.ok) throw new Error(`seedImperativeApp(${spec.name}): ${outcome.message}`);
    this.apps.set(spec.name, {
      name: spec.name,
      source: 'imperative',
      importPath,
      lastDeployedTimeS: now / 1000,
      active: {
        deployments: outcome.plans.map((plan) =>
          this.timeline(plan, now - this.timings.replicaStartTimeMs, 'start', spec.name, []),
        ),
        routePrefix: spec.routePrefix === undefined ? '/' : spec.routePrefix,
        codeVersion: `imperative:${sha256Hex(importPath)}`,
      },
    });
  }

  /** Registers a fault; `unhealthy` faults also hit matching apps that already run. Returns its id. */
  public injectFault(spec: FaultSpec): Fault {
    if (spec.app === undefined && spec.importPath === undefined) {
      throw new Error(
        'injectFault: give `app` or `importPath` so the fault knows which application to hit',
      );
    }
    const fault: Fault = { ...spec, id: `fault-${++this.faultSeq}` };
    this.faults.push(fault);
    if (fault.kind === 'unhealthy') {
      this.settle();
      const now = this.clock.now();
      for (const app of this.apps.values()) {
        if (!faultMatches(fault, app.name, app.importPath)) continue;
        for (const d of app.active.deployments) {
          if (faultMatchesDeployment(fault, d.plan.name))
            d.unhealthy = {
              afterMs: fault.afterMs ?? 0,
              notBefore: now,
              error: fault.error ?? DEFAULT_HEALTH_ERROR,
            };
        }
      }
    }
    return fault;
  }

  /** The registered faults. */
  public listFaults(): Fault[] {
    return [...this.faults];
  }

  /** Removes one fault (future rollouts only); false when unknown. */
  public removeFault(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  /** Removes every fault (future rollouts only). */
  public clearFaults(): void {
    this.faults = [];
  }

  /** The PUT body a foreign writer would send to keep every declarative app except `name`. */
  public configWithout(name: string): ServeDeployConfig {
    this.settle();
    const applications = [...this.apps.values()]
      .filter(
        (a) =>
          a.source === 'declarative' &&
          a.deletingSince === undefined &&
          a.name !== name &&
          a.config !== undefined,
      )
      .map((a) => a.config as AppConfig);
    const config: ServeDeployConfig = { applications };
    if (this.system !== undefined) {
      config.proxy_location = this.system.proxyLocation;
      if (this.system.targetCapacity !== null) config.target_capacity = this.system.targetCapacity;
    }
    return config;
  }

  private startDelete(app: AppState, now: number): void {
    if (app.deletingSince !== undefined) return;
    app.deletingSince = now;
    delete app.pending;
  }

  private matchingFaults(name: string, importPath: string): Fault[] {
    return this.faults.filter((f) => faultMatches(f, name, importPath));
  }

  private upsert(config: AppConfig, now: number): void {
    const name = config.name ?? 'default';
    let app = this.apps.get(name);
    if (app !== undefined && app.deletingSince !== undefined) {
      this.apps.delete(name);
      app = undefined;
    }
    const codeVersion = appCodeVersion(config);
    if (app === undefined) {
      app = {
        name,
        source: 'declarative',
        importPath: config.import_path,
        lastDeployedTimeS: 0,
        active: { deployments: [], routePrefix: null },
      };
      this.apps.set(name, app);
    } else if (app.source === 'imperative') {
      // The latest operation decides the type; an imperative app taken over by PUT is rebuilt.
      app.source = 'declarative';
      delete app.active.codeVersion;
    }
    app.config = config;
    app.importPath = config.import_path;
    app.lastDeployedTimeS = now / 1000;

    const pending = app.pending;
    if (
      pending !== undefined &&
      pending.failure === undefined &&
      now < pending.endsAt &&
      pending.codeVersion === codeVersion
    ) {
      this.startBuild(app, config, codeVersion, pending.startedAt, pending.endsAt);
    } else if (codeVersion !== app.active.codeVersion) {
      this.startBuild(app, config, codeVersion, now, now + this.timings.buildTimeMs);
    } else {
      const afterFailedBuild = pending?.failure !== undefined && pending.endsAt > pending.startedAt;
      this.updateInPlace(app, config, codeVersion, now);
      if (this.behaviour.serve258 && afterFailedBuild && app.pending === undefined) {
        // Ray 2.58 builds the running version again, then keeps the replicas that served it.
        app.pending = {
          startedAt: now,
          endsAt: now + this.timings.buildTimeMs,
          codeVersion,
          deployments: app.active.deployments,
          routePrefix: app.active.routePrefix,
        };
      }
    }
  }

  private startBuild(
    app: AppState,
    config: AppConfig,
    codeVersion: string,
    startedAt: number,
    endsAt: number,
  ): void {
    const faults = this.matchingFaults(app.name, config.import_path);
    const pendingBase = {
      startedAt,
      endsAt,
      codeVersion,
      deployments: [] as DeploymentTimeline[],
      routePrefix: null as string | null,
    };
    const envFault = faults.find((f) => f.kind === 'runtime-env-error');
    if (envFault !== undefined) {
      this.faultsTaken.add(envFault.id);
      app.pending = {
        ...pendingBase,
        failure: runtimeEnvFailure(
          app.name,
          envFault.error ?? 'RuntimeError: Failed to install pip requirements (simulated fault).',
        ),
      };
      return;
    }
    const buildFault = faults.find((f) => f.kind === 'build-error');
    if (buildFault !== undefined) {
      this.faultsTaken.add(buildFault.id);
      app.pending = {
        ...pendingBase,
        failure: buildFailure(
          app.name,
          'builder',
          buildFault.error ?? 'RuntimeError: Simulated build failure injected by the devserver.',
        ),
      };
      return;
    }
    const imported = simulateImport({ ...config, name: app.name }, this.packages);
    if (!imported.ok) {
      app.pending = { ...pendingBase, failure: imported.message };
      return;
    }
    const outcome = planDeployments(config, this.system?.targetCapacity ?? null, this.behaviour);
    if (!outcome.ok) {
      app.pending = { ...pendingBase, failure: outcome.message };
      return;
    }
    app.pending = {
      ...pendingBase,
      routePrefix: outcome.routePrefix,
      deployments: outcome.plans.map((plan) =>
        this.timeline(plan, endsAt, 'start', app.name, faults),
      ),
    };
  }

  private updateInPlace(app: AppState, config: AppConfig, codeVersion: string, now: number): void {
    const outcome = planDeployments(config, this.system?.targetCapacity ?? null, this.behaviour);
    if (!outcome.ok) {
      app.pending = {
        startedAt: now,
        endsAt: now,
        codeVersion,
        failure: outcome.message,
        deployments: [],
        routePrefix: app.active.routePrefix,
      };
      return;
    }
    delete app.pending;
    const faults = this.matchingFaults(app.name, config.import_path);
    const next: ActiveBuild = { deployments: [], routePrefix: outcome.routePrefix, codeVersion };
    for (const plan of outcome.plans) {
      const old = app.active.deployments.find((d) => d.plan.name === plan.name);
      const change = old === undefined ? 'restart' : classifyChange(old.plan, plan);
      if (old === undefined)
        next.deployments.push(this.timeline(plan, now, 'start', app.name, faults));
      else if (change === 'restart')
        next.deployments.push({
          ...this.timeline(plan, now, 'start', app.name, faults),
          replacesRunning: true,
        });
      else if (change === 'light') {
        const updated: DeploymentTimeline = {
          ...this.timeline(plan, now, 'update', app.name, []),
          replicaSeed: old.replicaSeed,
          replicasSince: old.replicasSince ?? old.startAt,
        };
        if (old.unhealthy !== undefined) updated.unhealthy = old.unhealthy;
        next.deployments.push(updated);
      } else next.deployments.push({ ...old, plan });
    }
    app.active = next;
  }

  private timeline(
    plan: DeploymentPlan,
    startAt: number,
    mode: 'start' | 'update',
    appName: string,
    faults: readonly Fault[],
  ): DeploymentTimeline {
    const mine = faults.filter((f) => faultMatchesDeployment(f, plan.name));
    let fault: DeploymentFault | undefined;
    if (mode === 'start') {
      const replica = mine.find((f) => f.kind === 'replica-startup-failure');
      const resources = mine.find((f) => f.kind === 'insufficient-resources');
      if (replica !== undefined) {
        this.faultsTaken.add(replica.id);
        fault = {
          kind: 'replica-startup-failure',
          error: replica.error ?? DEFAULT_CONSTRUCTOR_ERROR,
        };
        if (replica.recoverAfterMs !== undefined) fault.recoverAfterMs = replica.recoverAfterMs;
      } else if (resources !== undefined) {
        this.faultsTaken.add(resources.id);
        fault = { kind: 'insufficient-resources' };
      }
    }
    const timeline: DeploymentTimeline = {
      plan,
      startAt,
      durationMs:
        mode === 'start' ? this.timings.replicaStartTimeMs : this.timings.lightweightUpdateTimeMs,
      mode,
      replicaSeed: sha256Hex(
        `${appName}#${plan.name}#${startAt}#${canonicalJson(plan.override)}`,
      ).slice(0, 12),
    };
    if (fault !== undefined) timeline.fault = fault;
    const unhealthy = mine.find((f) => f.kind === 'unhealthy');
    if (unhealthy !== undefined) {
      this.faultsTaken.add(unhealthy.id);
      timeline.unhealthy = {
        afterMs: unhealthy.afterMs ?? 0,
        notBefore: startAt,
        error: unhealthy.error ?? DEFAULT_HEALTH_ERROR,
      };
    }
    return timeline;
  }
}

/** Default exception line of a failing replica constructor. */
export const DEFAULT_CONSTRUCTOR_ERROR =
  'RuntimeError: Simulated replica constructor failure injected by the devserver.';
/** Default exception line of a failing health check. */
export const DEFAULT_HEALTH_ERROR =
  'RuntimeError: Simulated health check failure injected by the devserver.';

/** How an in-place update touches a deployment (docs/ray-serve-rest.md#update-classes). */
export function classifyChange(
  old: DeploymentPlan,
  next: DeploymentPlan,
): 'none' | 'light' | 'restart' {
  const keys = new Set([...Object.keys(old.override), ...Object.keys(next.override)]);
  let light = old.targetReplicas !== next.targetReplicas;
  for (const key of keys) {
    if (canonicalJson(old.override[key]) === canonicalJson(next.override[key])) continue;
    if (!LIGHTWEIGHT_OPTIONS.has(key)) return 'restart';
    light = true;
  }
  return light ? 'light' : 'none';
}

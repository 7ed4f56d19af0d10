import { readFileSync, renameSync, writeFileSync } from 'node:fs';

import type { Logger } from '@synapse-sdk/core';

import type { BackendSnapshot } from './backend/backend-store.js';
import { BackendStore } from './backend/backend-store.js';
import type { Clock } from './clock.js';
import { DevServerError } from './errors.js';
import { JobStore } from './jobs/job-store.js';
import type { DevServerTimings } from './options.js';
import type { AppState } from './ray/app-state.js';
import { sha256Hex } from './ray/canonical-json.js';
import type { HeadNode } from './ray/details.js';
import { DetailsRenderer } from './ray/details.js';
import { PackageStore } from './ray/package-store.js';
import type { RayBehaviour } from './ray/ray-behaviour.js';
import type { ServeSystem } from './ray/serve-state.js';
import { ServeState } from './ray/serve-state.js';
import { HttpFaults } from './transport/http-faults.js';
import type { DevServerService } from './transport/request-log.js';
import { RequestLog } from './transport/request-log.js';
import { Triggers } from './transport/triggers.js';

/** Which listener a response delay applies to. */
export type DelayTarget = DevServerService;

/** Resolved settings shared by every listener. */
export interface RuntimeSettings {
  host: string;
  /** The Ray release emulated (from `rayVersion`). */
  behaviour: RayBehaviour;
  authToken: string | undefined;
  backendToken: string | undefined;
  agentToken: string | undefined;
  strictExtras: boolean;
  /** Whether the backend answers a repeated `Idempotency-Key` with the first record. */
  honourIdempotencyKeys: boolean;
  maxBodyBytes: number;
  stateFile: string | undefined;
  timings: DevServerTimings;
}

interface StateFile {
  format: 'synapse-devserver-state';
  version: 1;
  system: ServeSystem | null;
  apps: AppState[];
  packages: Record<string, string>;
  backend: BackendSnapshot;
}

/** Shared state of one devserver: the simulated cluster, the backend records and the switches. */
export class DevServerRuntime {
  public readonly packages = new PackageStore();
  public readonly serve: ServeState;
  public readonly renderer: DetailsRenderer;
  public readonly backend = new BackendStore();
  /** The Ray Jobs of the simulated cluster (not kept in the state file, like a head restart). */
  public readonly jobs: JobStore;
  public controllerAvailable = true;
  public gcsHealthyUntil: number | undefined;
  public gcsHealthy = true;
  public readonly delays: Record<DelayTarget, number> = {
    dashboard: 0,
    serve: 0,
    backend: 0,
    agent: 0,
  };
  /** Every request the listeners received. */
  public readonly requests = new RequestLog();
  /** Transport faults: errors, slow answers, dropped connections. */
  public readonly httpFaults = new HttpFaults();
  /** What happens at moments defined by the traffic. */
  public readonly triggers = new Triggers();
  /** Apps a foreign writer drops right after the next PUT that lists them. */
  public foreignDrops: { app: string; afterMs: number }[] = [];
  private sessionCounter = 0;
  private head: HeadNode;

  public constructor(
    public readonly settings: RuntimeSettings,
    public readonly clock: Clock,
    public readonly logger: Logger,
  ) {
    this.serve = new ServeState(clock, settings.timings, this.packages, settings.behaviour);
    this.jobs = new JobStore(clock, settings.timings, this.packages);
    this.renderer = new DetailsRenderer(settings.timings, settings.behaviour, () => this.head);
    this.head = this.makeHead();
  }

  /** The simulated head node and session. */
  public get node(): HeadNode {
    return this.head;
  }

  /** Starts a new Ray session (a simulated cluster restart): new `session_name` and node id. */
  public newSession(): void {
    this.head = this.makeHead();
  }

  /** Whether `/api/gcs_healthz` answers `success` now. */
  public isGcsHealthy(): boolean {
    if (!this.gcsHealthy) return false;
    return this.gcsHealthyUntil === undefined || this.clock.now() >= this.gcsHealthyUntil;
  }

  /** Writes the state file, if one is configured (apps, packages, backend records). */
  public persist(): void {
    const file = this.settings.stateFile;
    if (file === undefined) return;
    this.serve.settle();
    const data: StateFile = {
      format: 'synapse-devserver-state',
      version: 1,
      system: this.serve.system ?? null,
      apps: [...this.serve.apps.values()],
      packages: Object.fromEntries(
        this.packages
          .entries()
          .map(([name, bytes]) => [name, Buffer.from(bytes).toString('base64')]),
      ),
      backend: this.backend.snapshot(),
    };
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, file);
  }

  /** Loads the state file if it exists; a missing file starts empty. */
  public restore(): void {
    const file = this.settings.stateFile;
    if (file === undefined) return;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    let data: StateFile;
    try {
      data = JSON.parse(text) as StateFile;
    } catch {
      throw new DevServerError(
        'STATE_FILE_INVALID',
        `devserver state file ${file} is not valid JSON; delete it or use another state file`,
      );
    }
    if (data.format !== 'synapse-devserver-state' || data.version !== 1) {
      throw new DevServerError(
        'STATE_FILE_INVALID',
        `devserver state file ${file} has an unknown format; delete it or use another state file`,
      );
    }
    this.serve.system = data.system ?? undefined;
    this.serve.apps = new Map(data.apps.map((a) => [a.name, a]));
    this.packages.clear();
    for (const [name, b64] of Object.entries(data.packages))
      this.packages.put(name, Buffer.from(b64, 'base64'));
    this.backend.restore(data.backend);
    this.logger.info('devserver state restored', {
      file,
      apps: data.apps.length,
      packages: Object.keys(data.packages).length,
    });
  }

  private makeHead(): HeadNode {
    this.sessionCounter += 1;
    const d = new Date(this.clock.now());
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const stamp = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}_${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}_${pad(d.getUTCMilliseconds() * 1000, 6)}`;
    const sessionName = `session_${stamp}_${process.pid}_${this.sessionCounter}`;
    return {
      sessionName,
      nodeId: sha256Hex(`node:${sessionName}`).slice(0, 56),
      nodeIp: '127.0.0.1',
    };
  }
}

/** A Ray commit hash to report (fixed; the devserver has no real build). */
export const SIMULATED_RAY_COMMIT = 'c3f5e1d4d1b0a0b6e3f8c1d7e9a2b4c6d8e0f1a3';

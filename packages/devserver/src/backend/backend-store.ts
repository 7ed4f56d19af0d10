/** A serve application registered through `POST serve_applications/`. */
export interface ServeApplicationRecord {
  id: number;
  name: string;
  plugin_release: number;
  action: string;
  params: Record<string, unknown>;
  num_replicas: number;
  created: string;
}

/** Job statuses accepted by `PATCH jobs/{id}/`. */
export type JobStatus = 'pending' | 'running' | 'stopped' | 'succeeded' | 'failed';

/** A job as the simulated backend keeps it (created on its first PATCH). */
export interface JobRecord {
  id: string;
  status?: JobStatus;
  progress_record?: unknown;
  metrics_record?: unknown;
  console_logs?: unknown;
  result?: unknown;
  updated: string;
}

/** One `PATCH jobs/{id}/` as received, in order. */
export interface JobPatch {
  jobId: string;
  body: Record<string, unknown>;
  at: string;
}

/** One entry posted to `logs/`. */
export interface LogEntry {
  id: number;
  entry: Record<string, unknown>;
  received: string;
}

/** Everything the simulated Synapse backend has been sent, readable by tests. */
export interface BackendSnapshot {
  serveApplications: ServeApplicationRecord[];
  jobs: JobRecord[];
  jobPatches: JobPatch[];
  logs: LogEntry[];
  idempotencyKeys: Record<string, { id: number; bodyHash: string }>;
}

/** In-memory records of the simulated backend. */
export class BackendStore {
  public serveApplications: ServeApplicationRecord[] = [];
  public jobs = new Map<string, JobRecord>();
  public jobPatches: JobPatch[] = [];
  public logs: LogEntry[] = [];
  public idempotencyKeys = new Map<string, { id: number; bodyHash: string }>();
  private nextAppId = 1;
  private nextLogId = 1;

  /** Adds a serve application record with the next id. */
  public addServeApplication(fields: Omit<ServeApplicationRecord, 'id'>): ServeApplicationRecord {
    const record = { id: this.nextAppId++, ...fields };
    this.serveApplications.push(record);
    return record;
  }

  /** Adds a log entry with the next id. */
  public addLog(entry: Record<string, unknown>, received: string): LogEntry {
    const log = { id: this.nextLogId++, entry, received };
    this.logs.push(log);
    return log;
  }

  /** A deep copy of every record. */
  public snapshot(): BackendSnapshot {
    return structuredClone({
      serveApplications: this.serveApplications,
      jobs: [...this.jobs.values()],
      jobPatches: this.jobPatches,
      logs: this.logs,
      idempotencyKeys: Object.fromEntries(this.idempotencyKeys),
    });
  }

  /** Replaces every record (state file restore). */
  public restore(snapshot: BackendSnapshot): void {
    this.serveApplications = snapshot.serveApplications;
    this.jobs = new Map(snapshot.jobs.map((j) => [j.id, j]));
    this.jobPatches = snapshot.jobPatches;
    this.logs = snapshot.logs;
    this.idempotencyKeys = new Map(Object.entries(snapshot.idempotencyKeys));
    this.nextAppId = Math.max(0, ...this.serveApplications.map((a) => a.id)) + 1;
    this.nextLogId = Math.max(0, ...this.logs.map((l) => l.id)) + 1;
  }

  /** Forgets everything. */
  public clear(): void {
    this.restore({
      serveApplications: [],
      jobs: [],
      jobPatches: [],
      logs: [],
      idempotencyKeys: {},
    });
  }
}

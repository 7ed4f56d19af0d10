import type { Logger, RuntimeContext } from '@synapse-sdk/core';
import { errorMessage, silentLogger } from '@synapse-sdk/core/base';

import type { BackendClient } from './backend-client.js';
import type { LogEntry } from './schemas.js';

/** Options of {@link JobReporter}. */
export interface JobReporterOptions {
  /** Longest time an update waits before it is sent; updates in between are merged. @default 500 */
  flushIntervalMs?: number;
  /** Where failures to report are written (as warnings). @default silentLogger */
  logger?: Logger;
  /**
   * Send nothing until {@link JobReporter.release} is called; what was recorded meanwhile is
   * sent then, and dropped if it never is. A runner holds the reports until its checks passed,
   * so that a run refused for bad input (a wrong token, a missing release id) changes nothing,
   * not even the job. @default false
   */
  held?: boolean;
}

interface StepProgress {
  percent: number;
}

/**
 * Mirrors a run on its Synapse job, as the Python SDK's JobLogger does: progress to
 * `progress_record` (per step and overall), metrics to `metrics_record`, log events to
 * `POST logs/`. Reporting is best effort: a backend failure is logged as a warning and never
 * fails the run. Updates are merged and sent at most every `flushIntervalMs`, one request at a
 * time, so a fast run does not flood the backend.
 */
export class JobReporter {
  private readonly client: BackendClient;
  private readonly jobId: string;
  private readonly flushIntervalMs: number;
  private readonly logger: Logger;
  private readonly steps = new Map<string, StepProgress>();
  private readonly metrics = new Map<string, Record<string, unknown>>();
  private overall = 0;
  private currentStep: string | undefined;
  private progressDirty = false;
  private metricsDirty = false;
  private logs: LogEntry[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending: Promise<void> = Promise.resolve();
  private warned = false;
  private held: boolean;

  public constructor(client: BackendClient, jobId: string, options: JobReporterOptions = {}) {
    this.client = client;
    this.jobId = jobId;
    this.flushIntervalMs = options.flushIntervalMs ?? 500;
    this.logger = options.logger ?? silentLogger;
    this.held = options.held === true;
  }

  /** Starts sending (see {@link JobReporterOptions.held}), beginning with what was held. */
  public release(): void {
    if (!this.held) return;
    this.held = false;
    this.schedule();
  }

  /** Starts mirroring `events`; returns a function that stops it. */
  public attach(events: RuntimeContext['events']): () => void {
    const onProgress: Parameters<typeof events.on<'progress'>>[1] = (e) => {
      if (e.category === undefined) {
        this.overall = Math.max(this.overall, e.percent);
      } else {
        this.steps.set(e.category, { percent: e.percent });
        this.currentStep = e.category;
      }
      this.progressDirty = true;
      this.schedule();
    };
    const onStepStart: Parameters<typeof events.on<'step:start'>>[1] = (e) => {
      this.currentStep = e.step;
      if (!this.steps.has(e.step)) this.steps.set(e.step, { percent: 0 });
      this.progressDirty = true;
      this.schedule();
    };
    const onStepEnd: Parameters<typeof events.on<'step:end'>>[1] = (e) => {
      if (e.result.success) this.steps.set(e.step, { percent: 100 });
      this.progressDirty = true;
      this.schedule();
    };
    const onMetrics: Parameters<typeof events.on<'metrics'>>[1] = (e) => {
      this.metrics.set(e.category, { ...this.metrics.get(e.category), ...e.value });
      this.metricsDirty = true;
      this.schedule();
    };
    const onLog: Parameters<typeof events.on<'log'>>[1] = (e) => {
      this.logs.push({
        event: e.event,
        data: e.data,
        datetime: formatDatetime(e.timestamp),
        job: this.jobId,
      });
      this.schedule();
    };
    events.on('progress', onProgress);
    events.on('step:start', onStepStart);
    events.on('step:end', onStepEnd);
    events.on('metrics', onMetrics);
    events.on('log', onLog);
    return () => {
      events.off('progress', onProgress);
      events.off('step:start', onStepStart);
      events.off('step:end', onStepEnd);
      events.off('metrics', onMetrics);
      events.off('log', onLog);
    };
  }

  /** Sends whatever is pending and waits for it. Never rejects. */
  public async flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.sending = this.sending.then(() => this.send());
    await this.sending;
  }

  private schedule(): void {
    if (this.held || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushIntervalMs);
    this.timer.unref();
  }

  private async send(): Promise<void> {
    if (this.held) return;
    const logs = this.logs;
    this.logs = [];
    const update: Record<string, unknown> = {};
    if (this.progressDirty) {
      this.progressDirty = false;
      update['progress_record'] = this.progressRecord();
    }
    if (this.metricsDirty) {
      this.metricsDirty = false;
      update['metrics_record'] = { record: { steps: Object.fromEntries(this.metrics) } };
    }
    if (Object.keys(update).length > 0) {
      await this.attempt('job progress', () => this.client.updateJob(this.jobId, update));
    }
    if (logs.length > 0) {
      await this.attempt('job logs', () => this.client.createLogs(logs));
    }
  }

  private progressRecord(): Record<string, unknown> {
    const step = this.currentStep;
    return {
      record: { steps: Object.fromEntries(this.steps), percent: this.overall },
      current_progress: {
        overall: this.overall,
        ...(step === undefined ? {} : { step, percent: this.steps.get(step)?.percent ?? 0 }),
      },
    };
  }

  private async attempt(what: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      // One warning per run is enough to say reporting is broken without drowning the output.
      if (this.warned) return;
      this.warned = true;
      this.logger.warn(`Could not report ${what} to Synapse job ${this.jobId}; the run goes on`, {
        error: errorMessage(error),
      });
    }
  }
}

/** `YYYY-MM-DD HH:MM:SS.ffffff`, the Python SDK's log datetime format (UTC). */
function formatDatetime(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

import { randomInt } from 'node:crypto';

import type { Clock } from '../clock.js';
import type { PackageStore } from '../ray/package-store.js';
import type { JobFault, JobFaultSpec, JobOutputSpec } from './job-behaviour.js';
import type { JobTimings } from './plan-job.js';
import { planJob } from './plan-job.js';
import type { JobRequest } from './sim-job.js';
import { SimJob } from './sim-job.js';

const ID_CHARACTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz123456789';

/** Ray's `generate_job_id()`: `raysubmit_` and 16 unambiguous letters or digits. */
function generateSubmissionId(): string {
  let id = 'raysubmit_';
  for (let i = 0; i < 16; i++) id += ID_CHARACTERS[randomInt(ID_CHARACTERS.length)];
  return id;
}

/** The simulated Ray Jobs of the cluster, with the faults and scripted output they follow. */
export class JobStore {
  private readonly jobs = new Map<string, SimJob>();
  private faults: JobFault[] = [];
  private outputs: JobOutputSpec[] = [];
  private faultSeq = 0;
  private readonly stopListeners = new Set<(job: SimJob) => void>();
  /** Every submission accepted, in order (deleted jobs included): what tests count. */
  public readonly submissions: string[] = [];

  public constructor(
    private readonly clock: Clock,
    private readonly timings: JobTimings,
    private readonly packages: PackageStore,
  ) {}

  /** Submits a job; `undefined` when one with this submission id exists. */
  public submit(
    request: Omit<JobRequest, 'submissionId'> & { submissionId: string | undefined },
  ): SimJob | undefined {
    const submissionId = request.submissionId ?? generateSubmissionId();
    if (this.jobs.has(submissionId)) return undefined;
    const full: JobRequest = { ...request, submissionId };
    const now = this.clock.now();
    const plan = planJob(full, now, this.timings, this.packages, this.faults, this.outputs);
    const job = new SimJob(full, now, plan);
    this.jobs.set(submissionId, job);
    this.submissions.push(submissionId);
    return job;
  }

  /** The job with this submission id. */
  public get(id: string): SimJob | undefined {
    return this.jobs.get(id);
  }

  /** Every job, in submission order. */
  public list(): SimJob[] {
    return [...this.jobs.values()];
  }

  /** Asks a job to stop; true when it had not ended (Ray's `stopped`). */
  public stop(job: SimJob): boolean {
    const now = this.clock.now();
    const state = job.at(now);
    if (state.status !== 'PENDING' && state.status !== 'RUNNING') return false;
    if (job.stopRequestedAt === undefined) {
      job.stopRequestedAt = now;
      for (const listener of this.stopListeners) listener(job);
    }
    return true;
  }

  /** Calls `listener` whenever a job is asked to stop (its timeline changes); returns the unsubscribe. */
  public onStop(listener: (job: SimJob) => void): () => void {
    this.stopListeners.add(listener);
    return () => this.stopListeners.delete(listener);
  }

  /** Forgets an ended job; the status it is in when it has not ended. */
  public delete(job: SimJob): { deleted: true } | { deleted: false; status: string } {
    const status = job.at(this.clock.now()).status;
    if (status === 'PENDING' || status === 'RUNNING') return { deleted: false, status };
    this.jobs.delete(job.request.submissionId);
    return { deleted: true };
  }

  /** Injects a fault into the jobs submitted from now on that match it. */
  public injectFault(spec: JobFaultSpec): JobFault {
    if (spec.entrypoint === undefined && spec.submissionId === undefined) {
      throw new Error(
        'injectJobFault: give `entrypoint` or `submissionId` so the fault knows which jobs to hit',
      );
    }
    const fault: JobFault = { ...spec, id: `job-fault-${++this.faultSeq}` };
    this.faults.push(fault);
    return fault;
  }

  /** The injected job faults. */
  public listFaults(): JobFault[] {
    return [...this.faults];
  }

  /** Sets what the matching entrypoints print (the last matching script wins). */
  public scriptOutput(spec: JobOutputSpec): void {
    if (spec.entrypoint === undefined && spec.submissionId === undefined) {
      throw new Error(
        'scriptJobOutput: give `entrypoint` or `submissionId` so the output knows which jobs print it',
      );
    }
    this.outputs.push({ ...spec, lines: [...spec.lines] });
  }

  /** Removes every job, fault and script (a fresh cluster). */
  public clear(): void {
    this.jobs.clear();
    this.faults = [];
    this.outputs = [];
    this.submissions.length = 0;
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http';

import { parseJson, readBody, sendJson, sendText } from '../http/http-util.js';
import type { DashboardRoute } from '../ray/dashboard-handler.js';
import type { DevServerRuntime } from '../runtime.js';
import {
  AIOHTTP_500,
  deleteNotEndedText,
  duplicateSubmissionText,
  parseJobRequest,
} from './job-request.js';
import type { SimJob } from './sim-job.js';

/** Where the simulated job agent listens (Ray reports it as `driver_agent_http_address`). */
const AGENT_PORT = 52365;

/** Ray's `JobDetails` of a job at `now`, keys in Ray's order. */
export function jobDetails(
  rt: DevServerRuntime,
  job: SimJob,
  now: number,
): Record<string, unknown> {
  const state = job.at(now);
  const { request } = job;
  return {
    type: 'SUBMISSION',
    // No Ray driver runs, so there is no Ray job id: Ray too reports null then.
    job_id: null,
    submission_id: request.submissionId,
    driver_info: null,
    status: state.status,
    entrypoint: request.entrypoint,
    message: state.message,
    error_type: state.errorType,
    start_time: job.submittedAt,
    end_time: state.endTime,
    metadata: request.metadata ?? null,
    runtime_env: request.runtimeEnv ?? null,
    driver_agent_http_address: state.started ? `http://${rt.settings.host}:${AGENT_PORT}` : null,
    driver_node_id: state.started ? rt.node.nodeId : null,
    driver_exit_code: state.exitCode,
  };
}

function notFound(res: ServerResponse, id: string): void {
  sendText(res, 404, `Job ${id} does not exist`);
}

/**
 * The Jobs REST API of the dashboard head (job_head.py): submit, list, get, logs, stop, delete.
 * The log tail WebSocket is served by {@link JobLogTail} on the same port.
 */
export function jobRoutes(rt: DevServerRuntime): DashboardRoute[] {
  const find = (res: ServerResponse, id: string | undefined): SimJob | undefined => {
    const job = id === undefined ? undefined : rt.jobs.get(id);
    if (job === undefined) notFound(res, id ?? '');
    return job;
  };
  const submit = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req, rt.settings.maxBodyBytes);
    const parsed = body.ok ? parseJson(body.bytes) : undefined;
    if (parsed === undefined || !parsed.ok) return sendText(res, 500, AIOHTTP_500);
    const request = parseJobRequest(parsed.value);
    if (!request.ok) return sendText(res, request.status, request.text);
    const job = rt.jobs.submit(request.request);
    if (job === undefined) {
      return sendText(res, 500, duplicateSubmissionText(request.request.submissionId ?? ''));
    }
    const id = job.request.submissionId;
    rt.logger.info('job submitted', { submissionId: id, entrypoint: job.request.entrypoint });
    sendJson(res, 200, { job_id: id, submission_id: id });
  };

  return [
    {
      pattern: /^\/api\/jobs\/$/,
      route: {
        POST: submit,
        GET: (_req, res, _p, head) => {
          const now = rt.clock.now();
          sendJson(
            res,
            200,
            rt.jobs.list().map((job) => jobDetails(rt, job, now)),
            {},
            head,
          );
        },
      },
    },
    {
      pattern: /^\/api\/jobs\/([^/]+)$/,
      route: {
        GET: (_req, res, [id], head) => {
          const job = find(res, id);
          if (job) sendJson(res, 200, jobDetails(rt, job, rt.clock.now()), {}, head);
        },
        DELETE: (_req, res, [id]) => {
          const job = find(res, id);
          if (job === undefined) return;
          const outcome = rt.jobs.delete(job);
          if (outcome.deleted) sendJson(res, 200, { deleted: true });
          else sendText(res, 500, deleteNotEndedText(job.request.submissionId, outcome.status));
        },
      },
    },
    {
      pattern: /^\/api\/jobs\/([^/]+)\/logs$/,
      route: {
        GET: (_req, res, [id], head) => {
          const job = find(res, id);
          if (job) sendJson(res, 200, { logs: job.at(rt.clock.now()).logs }, {}, head);
        },
      },
    },
    {
      pattern: /^\/api\/jobs\/([^/]+)\/stop$/,
      route: {
        POST: (_req, res, [id]) => {
          const job = find(res, id);
          if (job) sendJson(res, 200, { stopped: rt.jobs.stop(job) });
        },
      },
    },
  ];
}

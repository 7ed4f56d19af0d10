import type { IncomingMessage, ServerResponse } from 'node:http';

import { z } from 'zod';

import type { DevServerControl } from '../control.js';
import { parseJson, readBody, sendJson } from '../http/http-util.js';

const matchFields = {
  entrypoint: z.string().min(1).optional(),
  submissionId: z.string().min(1).optional(),
};
const jobFaultSchema = z.strictObject({
  kind: z.enum(['exit', 'runtime-env-error', 'unschedulable']),
  ...matchFields,
  exitCode: z.int().min(1).max(255).optional(),
  error: z.string().optional(),
});
const jobOutputSchema = z.strictObject({
  ...matchFields,
  lines: z.array(z.string()),
  lineIntervalMs: z.number().min(0).optional(),
});

/**
 * The Jobs part of the admin API: `GET /_devserver/jobs` (jobs, every submission, faults),
 * `POST /_devserver/jobs/faults` (a {@link JobFaultSpec}), `POST /_devserver/jobs/output` (a
 * {@link JobOutputSpec}: what matching entrypoints print).
 */
export async function handleJobsAdmin(
  control: DevServerControl,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'GET' && path === '/jobs') {
    return sendJson(res, 200, {
      jobs: control.jobs(),
      submissions: control.jobSubmissions(),
      faults: control.listJobFaults(),
    });
  }
  const schema =
    method === 'POST' && path === '/jobs/faults'
      ? jobFaultSchema
      : method === 'POST' && path === '/jobs/output'
        ? jobOutputSchema
        : undefined;
  if (schema === undefined) {
    return sendJson(res, 404, {
      error: `Unknown admin endpoint ${method} /_devserver${path}; see the devserver README.`,
    });
  }
  const raw = await readBody(req, 1024 * 1024);
  const parsed = raw.ok ? parseJson(raw.bytes) : undefined;
  const spec = parsed?.ok ? schema.safeParse(parsed.value) : undefined;
  if (spec === undefined || !spec.success) {
    const issues =
      spec?.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') ??
      'the body is not JSON';
    return sendJson(res, 400, { error: `Invalid admin request body: ${issues}` });
  }
  const value = spec.data;
  if (value.entrypoint === undefined && value.submissionId === undefined) {
    return sendJson(res, 400, {
      error: 'Give `entrypoint` or `submissionId` to say which jobs this applies to.',
    });
  }
  if ('kind' in value) return sendJson(res, 201, control.injectJobFault(value));
  control.scriptJobOutput(value);
  return sendJson(res, 201, value);
}

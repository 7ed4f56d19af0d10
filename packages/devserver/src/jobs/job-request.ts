import { pyRepr } from '../python/py-repr.js';
import { formatTraceback, rayFrame } from '../python/traceback.js';
import type { JobRequest } from './sim-job.js';

/** The request, or the text and status Ray answers a malformed one with. */
export type ParsedJobRequest =
  | { ok: true; request: Omit<JobRequest, 'submissionId'> & { submissionId: string | undefined } }
  | { ok: false; status: 400 | 500; text: string };

const FIELDS = [
  'entrypoint',
  'submission_id',
  'job_id',
  'runtime_env',
  'metadata',
  'entrypoint_num_cpus',
  'entrypoint_num_gpus',
  'entrypoint_memory',
  'entrypoint_resources',
  'entrypoint_label_selector',
];

/** aiohttp's text for an exception outside Ray's handler (e.g. `await req.json()` on bad JSON). */
export const AIOHTTP_500 = '500 Internal Server Error\n\nServer got itself in trouble';

/**
 * Ray's `parse_and_validate_request(req, JobSubmitRequest)`: keys whose value is null are dropped,
 * then the dataclass is built, so an unknown key, a missing entrypoint or a wrong type is a 400
 * with the Python traceback. A body that is not a JSON object fails before that: 500.
 */
export function parseJobRequest(body: unknown): ParsedJobRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, status: 500, text: AIOHTTP_500 };
  }
  const data = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
  const unknown = Object.keys(data).find((k) => !FIELDS.includes(k));
  if (unknown !== undefined) {
    return typeError(
      `JobSubmitRequest.__init__() got an unexpected keyword argument ${pyRepr(unknown)}`,
    );
  }
  if (!('entrypoint' in data)) {
    return typeError(
      "JobSubmitRequest.__init__() missing 1 required positional argument: 'entrypoint'",
    );
  }
  const problem = typeProblem(data);
  if (problem !== undefined) return typeError(problem);
  const id = (data['submission_id'] ?? data['job_id']) as string | undefined;
  return {
    ok: true,
    request: {
      entrypoint: data['entrypoint'] as string,
      submissionId: id,
      runtimeEnv: data['runtime_env'] as Record<string, unknown> | undefined,
      metadata: data['metadata'] as Record<string, string> | undefined,
      numCpus: Number(data['entrypoint_num_cpus'] ?? 0),
      numGpus: Number(data['entrypoint_num_gpus'] ?? 0),
      memory: Number(data['entrypoint_memory'] ?? 0),
      resources: data['entrypoint_resources'] as Record<string, number> | undefined,
    },
  };
}

/** The first check of `JobSubmitRequest.__post_init__` that fails, as its TypeError message. */
function typeProblem(data: Record<string, unknown>): string | undefined {
  const isNumber = (v: unknown) => typeof v === 'number' || typeof v === 'boolean';
  const isDict = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const entries = (v: unknown) => Object.entries(v as Record<string, unknown>);
  if (typeof data['entrypoint'] !== 'string') {
    return `entrypoint must be a string, got ${pyType(data['entrypoint'])}`;
  }
  for (const key of ['submission_id', 'job_id']) {
    if (key in data && typeof data[key] !== 'string') {
      return `${key} must be a string if provided, got ${pyType(data[key])}`;
    }
  }
  if ('runtime_env' in data && !isDict(data['runtime_env'])) {
    return `runtime_env must be a dict, got ${pyType(data['runtime_env'])}`;
  }
  if ('metadata' in data) {
    if (!isDict(data['metadata']))
      return `metadata must be a dict, got ${pyType(data['metadata'])}`;
    const bad = entries(data['metadata']).find(([, v]) => typeof v !== 'string');
    if (bad) return `metadata values must be strings, got ${pyType(bad[1])}`;
  }
  for (const key of ['entrypoint_num_cpus', 'entrypoint_num_gpus']) {
    if (key in data && !isNumber(data[key])) {
      return `${key} must be a number, got ${pyType(data[key])}`;
    }
  }
  if (
    'entrypoint_memory' in data &&
    !(Number.isInteger(data['entrypoint_memory']) || typeof data['entrypoint_memory'] === 'boolean')
  ) {
    return `entrypoint_memory must be an integer, got ${pyType(data['entrypoint_memory'])}`;
  }
  if ('entrypoint_resources' in data) {
    if (!isDict(data['entrypoint_resources'])) {
      return `entrypoint_resources must be a dict, got ${pyType(data['entrypoint_resources'])}`;
    }
    const bad = entries(data['entrypoint_resources']).find(([, v]) => !isNumber(v));
    if (bad) return `entrypoint_resources values must be numbers, got ${pyType(bad[1])}`;
  }
  return undefined;
}

function pyType(value: unknown): string {
  if (typeof value === 'string') return "<class 'str'>";
  if (typeof value === 'boolean') return "<class 'bool'>";
  if (typeof value === 'number')
    return Number.isInteger(value) ? "<class 'int'>" : "<class 'float'>";
  if (Array.isArray(value)) return "<class 'list'>";
  if (value === null || value === undefined) return "<class 'NoneType'>";
  return "<class 'dict'>";
}

function typeError(message: string): ParsedJobRequest {
  return {
    ok: false,
    status: 400,
    text: formatTraceback(
      [
        rayFrame(
          'ray/dashboard/modules/job/utils.py',
          130,
          'parse_and_validate_request',
          'return validate_request_type(json_data, request_type)',
        ),
        rayFrame(
          'ray/dashboard/modules/job/common.py',
          409,
          'validate_request_type',
          'return request_type(**json_data)',
        ),
      ],
      'TypeError',
      message,
    ),
  };
}

/** The 500 Ray's head answers when its agent refuses a duplicate submission id. */
export function duplicateSubmissionText(submissionId: string): string {
  const agent = formatTraceback(
    [
      rayFrame(
        'ray/dashboard/modules/job/job_agent.py',
        45,
        'submit_job',
        'submission_id = await self.get_job_manager().submit_job(',
      ),
      rayFrame('ray/dashboard/modules/job/job_manager.py', 555, 'submit_job', 'raise ValueError('),
    ],
    'ValueError',
    `Job with submission_id ${submissionId} already exists. Please use a different submission_id.`,
  );
  return formatTraceback(
    [
      rayFrame(
        'ray/dashboard/modules/job/job_head.py',
        398,
        'submit_job',
        'resp = await job_agent_client.submit_job_internal(submit_request)',
      ),
      rayFrame(
        'ray/dashboard/modules/job/job_head.py',
        152,
        'submit_job_internal',
        'await self._raise_error(resp)',
      ),
      rayFrame(
        'ray/dashboard/modules/job/job_head.py',
        137,
        '_raise_error',
        'raise RuntimeError(f"Request failed with status code {status}: {error_text}.")',
      ),
    ],
    'RuntimeError',
    `Request failed with status code 400: ${agent}\n.`,
  );
}

/** The 500 Ray answers a DELETE of a job that has not ended. */
export function deleteNotEndedText(submissionId: string, status: string): string {
  return formatTraceback(
    [
      rayFrame(
        'ray/dashboard/modules/job/job_head.py',
        470,
        'delete_job',
        'resp = await job_agent_client.delete_job_internal(job.submission_id)',
      ),
      rayFrame(
        'ray/dashboard/modules/job/job_head.py',
        137,
        '_raise_error',
        'raise RuntimeError(f"Request failed with status code {status}: {error_text}.")',
      ),
    ],
    'RuntimeError',
    `Request failed with status code 500: Traceback (most recent call last):\nRuntimeError: Attempted to delete job '${submissionId}', but it is in a non-terminal state ${status}.\n.`,
  );
}

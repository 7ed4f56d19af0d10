import type { JobDetails } from '@synapse-sdk/clients';

import { formatDuration } from '../render/format-time.js';
import { textTable } from '../render/text-table.js';

const HEADERS = ['SUBMISSION ID', 'TYPE', 'STATUS', 'STARTED', 'DURATION', 'ENTRYPOINT', 'MESSAGE'];
const MAX_ENTRYPOINT = 48;

/**
 * A table of Ray jobs, oldest first: id (the submission id, else the Ray job id), type,
 * status, start time, how long it ran (or has been running), entrypoint and message.
 */
export function formatJobsTable(jobs: readonly JobDetails[], now: number = Date.now()): string {
  const rows = [...jobs]
    .sort((a, b) => (a.start_time ?? 0) - (b.start_time ?? 0))
    .map((job) => [
      job.submission_id ?? job.job_id ?? '-',
      job.type,
      job.status,
      job.start_time ? new Date(job.start_time).toISOString().replace('T', ' ').slice(0, 19) : '-',
      job.start_time ? formatDuration((job.end_time ?? now) - job.start_time) : '-',
      shorten(firstLine(job.entrypoint), MAX_ENTRYPOINT),
      firstLine(job.message),
    ]);
  return textTable([HEADERS, ...rows]);
}

function firstLine(text: string | null | undefined): string {
  return (text ?? '').split('\n')[0]?.trim() ?? '';
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

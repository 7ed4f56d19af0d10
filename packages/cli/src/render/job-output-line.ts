import type { LogEvent } from '@synapse-sdk/core';

/** The line of a `ray_job_output` log event (what a Ray job printed), else undefined. */
export function jobOutputLine(event: LogEvent): string | undefined {
  if (event.event !== 'ray_job_output') return undefined;
  const line = event.data['line'];
  return typeof line === 'string' ? line : undefined;
}

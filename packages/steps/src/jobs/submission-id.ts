import { createHash } from 'node:crypto';

const MAX_LENGTH = 100;

/**
 * The submission id of a step's Ray job in a run: `synapse-<runId>-<step>`, reduced to the
 * characters Ray ids are safe with. The same run and step always give the same id, so a retried
 * or resumed step finds its job instead of submitting another one. Long ids keep a hash of the
 * whole so they stay unique.
 */
export function jobSubmissionId(runId: string, stepName: string): string {
  const raw = `synapse-${runId}-${stepName}`;
  const safe = raw.replace(/[^A-Za-z0-9_.-]+/g, '-');
  if (safe.length <= MAX_LENGTH && safe === raw) return safe;
  const hash = createHash('sha1').update(raw).digest('hex').slice(0, 10);
  return `${safe.slice(0, MAX_LENGTH - hash.length - 1)}-${hash}`;
}

/**
 * The id of the `generation`-th submission under `base` (1 → `base`, 2 → `base-r2`): a job that
 * failed or was stopped is submitted again under the next one, since Ray keeps ids unique.
 */
export function generationId(base: string, generation: number): string {
  return generation <= 1 ? base : `${base}-r${generation}`;
}

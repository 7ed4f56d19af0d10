/**
 * The GET of the Serve applications without what differs between two equal states: times, and
 * the identities of replicas and actors (a restored config starts new replicas).
 */
export function comparable(details: unknown): unknown {
  if (Array.isArray(details)) return details.map(comparable);
  if (details === null || typeof details !== 'object') return details;
  return Object.fromEntries(
    Object.entries(details as Record<string, unknown>)
      .filter(([key]) => !key.endsWith('_time_s') && !REPLICA_IDENTITY.has(key))
      .map(([key, value]) => [key, comparable(value)]),
  );
}
const REPLICA_IDENTITY = new Set([
  'replica_id',
  'actor_id',
  'actor_name',
  'worker_id',
  'pid',
  'log_file_path',
]);

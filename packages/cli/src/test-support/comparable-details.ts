/**
 * The GET of the Serve applications without what differs between two equal states: times, the
 * identities of replicas and actors (a restored config starts new replicas), the controller's
 * own measurements (Ray 2.58 recomputes `controller_health_metrics` on every read) and the
 * replicas that stopped (`recent_dead_replicas` is Ray's history: a restore adds to it).
 */
export function comparable(details: unknown): unknown {
  if (Array.isArray(details)) return details.map(comparable);
  if (details === null || typeof details !== 'object') return details;
  return Object.fromEntries(
    Object.entries(details as Record<string, unknown>)
      .filter(([key]) => !key.endsWith('_time_s') && !NOT_STATE.has(key))
      .map(([key, value]) => [key, comparable(value)]),
  );
}
const NOT_STATE = new Set([
  'replica_id',
  'actor_id',
  'actor_name',
  'worker_id',
  'pid',
  'log_file_path',
  'controller_health_metrics',
  'recent_dead_replicas',
]);

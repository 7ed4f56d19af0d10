/**
 * The `gcs://` package URIs an application config runs from: its runtime_env's `working_dir`
 * and `py_modules`, and those of each deployment's `ray_actor_options.runtime_env`. Ray drops
 * a package nothing references any more, so a config put back later may need them uploaded
 * again.
 */
export function packageUris(config: unknown): string[] {
  const uris = new Set<string>();
  const app = asRecord(config);
  collectRuntimeEnv(app?.['runtime_env'], uris);
  const deployments = app?.['deployments'];
  if (Array.isArray(deployments)) {
    for (const deployment of deployments) {
      collectRuntimeEnv(
        asRecord(asRecord(deployment)?.['ray_actor_options'])?.['runtime_env'],
        uris,
      );
    }
  }
  return [...uris].sort();
}

function collectRuntimeEnv(value: unknown, uris: Set<string>): void {
  const env = asRecord(value);
  if (!env) return;
  const candidates = [
    env['working_dir'],
    ...(Array.isArray(env['py_modules']) ? env['py_modules'] : []),
  ];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate.startsWith('gcs://')) uris.add(candidate);
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

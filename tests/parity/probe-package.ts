import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  BUILDER_IMPORT_PATH,
  BUILDER_MODULE,
  BUILDER_SOURCE,
  packageWorkingDir,
} from '@synapse-sdk/steps';

import type { ServeTarget } from './serve-target.js';
import { dashboardRequest } from './serve-target.js';

/** A serve class that answers with its version and the path it was called on. */
function probeSource(version: string): string {
  return `class Probe:
    def __init__(self, backend_url):
        self.backend_url = backend_url

    async def __call__(self, request):
        return {"probe": "${version}", "path": request.url.path}
`;
}

/** A package to upload: its `gcs://` URI and the zip's bytes. */
export interface ProbePackage {
  uri: string;
  bytes: Buffer;
}

/**
 * The working_dir the SDK would upload for a plugin whose entrypoint is `probe:Probe`: the probe
 * module plus the SDK's generated builder. Each `version` is a different package (and URI).
 */
export async function probePackage(version: string): Promise<ProbePackage> {
  const dir = await mkdtemp(join(tmpdir(), 'synapse-parity-probe-'));
  try {
    await writeFile(join(dir, 'probe.py'), probeSource(version));
    const pkg = await packageWorkingDir(dir, {
      extraFiles: { [`${BUILDER_MODULE}.py`]: BUILDER_SOURCE },
    });
    try {
      return { uri: pkg.uri, bytes: await readFile(pkg.zip.path) };
    } finally {
      await pkg.remove();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Uploads a package to the target's store, as the SDK does (`PUT /api/packages/gcs/<name>`). */
export async function uploadPackage(target: ServeTarget, pkg: ProbePackage): Promise<void> {
  const res = await dashboardRequest(
    target,
    `/api/packages/gcs/${pkg.uri.slice('gcs://'.length)}`,
    {
      method: 'PUT',
      body: pkg.bytes,
    },
  );
  if (res.status !== 200)
    throw new Error(`${target.name}: package upload answered ${res.status} ${res.text}`);
}

/** An application that runs the probe from `pkg` at `/<name>` with a twentieth of a CPU. */
export function probeApp(
  name: string,
  pkg: ProbePackage,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name,
    route_prefix: `/${name}`,
    import_path: BUILDER_IMPORT_PATH,
    runtime_env: { working_dir: pkg.uri },
    args: { entrypoint: 'probe:Probe' },
    deployments: [{ name: 'Probe', ray_actor_options: { num_cpus: 0.05 } }],
    ...extra,
  };
}

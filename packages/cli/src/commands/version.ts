import {
  ClientConnectionError,
  ClientError,
  ClientTimeoutError,
  RayServeClient,
} from '@synapse-sdk/clients/ray';
import { errorMessage } from '@synapse-sdk/core/base';

import type { CliIo } from '../cli-io.js';
import { cliVersion } from '../cli-version.js';
import type { ExitCode } from '../exit-codes.js';
import { EXIT_CODES } from '../exit-codes.js';
import { configFlagEnv } from '../options/config-flags.js';
import type { OutputFormat } from '../options/output-format.js';
import { outputFormatOf } from '../options/output-format.js';
import { writeDocument } from '../render/write-document.js';
import { buildRunEnv } from '../run/build-run-env.js';
import { reportError } from './command-error.js';

/** Options of `synapse version` (and of `synapse --version`). */
export interface VersionOptions extends Record<string, unknown> {
  output?: string;
  json?: boolean;
}

/** What `synapse version` reports about the cluster: its Ray version, or why there is none. */
export type ClusterVersion =
  | { address: string; version: string }
  | { address: string; reachable: boolean; error: string };

/** What `synapse version -o json` prints. */
export interface VersionReport {
  /** The SDK's version: every `@synapse-sdk/*` package shares it. */
  sdk: string;
  node: string;
  /** The configured cluster's Ray version; null when no cluster is configured. */
  ray: ClusterVersion | null;
}

// A version query must not keep a terminal waiting: one attempt, short timeouts.
const VERSION_TIMEOUTS = { connectMs: 2_000, readMs: 3_000 };

/**
 * `synapse version` / `synapse --version`: the SDK version and, when a cluster is configured
 * (`--ray-address` or `RAY_DASHBOARD_ADDRESS`), its Ray version from `GET /api/version`. A
 * cluster that does not answer is reported as unreachable; the command still exits 0.
 */
export async function version(options: VersionOptions, io: CliIo): Promise<ExitCode> {
  let output: OutputFormat = 'text';
  try {
    output = outputFormatOf(options);
    const env = buildRunEnv({ processEnv: io.env, flagEnv: configFlagEnv(options) });
    const report: VersionReport = {
      sdk: cliVersion(),
      node: process.version,
      ray: env['RAY_DASHBOARD_ADDRESS']?.trim() ? await clusterVersion(env) : null,
    };
    if (output === 'json' || output === 'yaml') writeDocument(io.stdout, output, report);
    else io.stdout.write(versionText(report));
    return EXIT_CODES.OK;
  } catch (error) {
    return reportError(io, error, { output });
  }
}

async function clusterVersion(env: Record<string, string>): Promise<ClusterVersion> {
  const ray = RayServeClient.fromEnv(env, { timeouts: VERSION_TIMEOUTS, retry: { attempts: 1 } });
  try {
    return { address: ray.address, version: (await ray.getVersion()).ray_version };
  } catch (error) {
    const reachable = !(
      error instanceof ClientConnectionError || error instanceof ClientTimeoutError
    );
    const reason = error instanceof ClientError ? error.reason : errorMessage(error);
    return { address: ray.address, reachable, error: reason.split('\n')[0] ?? '' };
  }
}

/** The text form: `synapse-sdk 0.2.0 (node v20.20.2)`, then the cluster's line, if any. */
export function versionText(report: VersionReport): string {
  const lines = [`synapse-sdk ${report.sdk} (node ${report.node})`];
  if (report.ray && 'version' in report.ray) {
    lines.push(`ray ${report.ray.version} at ${report.ray.address}`);
  } else if (report.ray?.reachable === false) {
    lines.push(`ray: unreachable at ${report.ray.address} (${report.ray.error})`);
  } else if (report.ray) {
    lines.push(`ray: no version from ${report.ray.address} (${report.ray.error})`);
  }
  return `${lines.join('\n')}\n`;
}

import { z } from 'zod';

/**
 * What the CLI records about a run when it starts it: enough to show it, and to resume or roll
 * it back from another process. No credentials: they come from the environment each time.
 */
export interface RunMeta {
  /** `plugin run`, `serve rollback`. */
  command: string;
  action: string;
  plugin: { dir: string; code?: string | undefined; version?: string | undefined };
  params: Record<string, unknown>;
  /** The Ray dashboard the run talked to. */
  rayAddress: string;
  jobId?: string | undefined;
  /** The SDK version that ran it. */
  sdk: string;
}

const RunMetaSchema = z.object({
  command: z.string(),
  action: z.string(),
  plugin: z.object({
    dir: z.string(),
    code: z.string().optional(),
    version: z.string().optional(),
  }),
  params: z.record(z.string(), z.unknown()),
  rayAddress: z.string(),
  jobId: z.string().optional(),
  sdk: z.string(),
});

/** The CLI's meta of a run, or undefined when another runner wrote it. */
export function runMetaOf(meta: Record<string, unknown>): RunMeta | undefined {
  const parsed = RunMetaSchema.safeParse(meta);
  return parsed.success ? (parsed.data as RunMeta) : undefined;
}

/** `code@version` of the run's plugin, or its directory. */
export function pluginLabel(meta: RunMeta | undefined): string {
  if (!meta) return '-';
  const { code, version, dir } = meta.plugin;
  return code ? (version ? `${code}@${version}` : code) : dir;
}

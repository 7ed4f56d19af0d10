import type { ServeApplicationConfig } from '@synapse-sdk/clients';
import { z } from 'zod';

const ConfigSchema = z.record(z.string(), z.unknown());

/**
 * What a deploy changed on the cluster, as plain JSON: everything a rollback needs to put the
 * application back as it was, written before the first PUT could reach the cluster. The deploy
 * step returns it as its `rollbackData` (also when it fails or is cancelled), its rollback reads
 * it back, and a journal can store it as it is.
 */
export const DeployChangeSchema = z.object({
  /** The application the deploy changed. */
  appName: z.string(),
  /** The config this run sent; null while nothing was sent, so there is nothing to undo. */
  appliedConfig: ConfigSchema.nullable(),
  /** The application's declarative config before the run; null when it did not exist. */
  previousConfig: ConfigSchema.nullable(),
  /** The application's status before the run; null when it was absent. */
  previousStatus: z.string().nullable(),
  /** The cluster's Ray version, which decides what a restore may send. */
  rayVersion: z.string().nullable(),
});

/** What a deploy changed on the cluster (see {@link DeployChangeSchema}). */
export interface DeployChange {
  appName: string;
  appliedConfig: ServeApplicationConfig | null;
  previousConfig: ServeApplicationConfig | null;
  previousStatus: string | null;
  rayVersion: string | null;
}

/** A change that has not touched the cluster yet. */
export function noChange(appName: string, rayVersion: string | null): DeployChange {
  return { appName, appliedConfig: null, previousConfig: null, previousStatus: null, rayVersion };
}

/** The {@link DeployChange} a deploy step's `rollbackData` holds, or undefined when it holds none. */
export function deployChangeIn(rollbackData: Record<string, unknown>): DeployChange | undefined {
  const parsed = DeployChangeSchema.safeParse(rollbackData);
  return parsed.success ? (parsed.data as DeployChange) : undefined;
}

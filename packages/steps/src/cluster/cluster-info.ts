import { z } from 'zod';

/** What the initialize checks learned about the cluster. */
export const ClusterInfoSchema = z.object({
  /** Dashboard address, e.g. `http://localhost:8265/`. */
  address: z.string(),
  rayVersion: z.string(),
  /** Changes when the cluster restarts. */
  sessionName: z.string().optional(),
  /** `disabled` or `token`. */
  authMode: z.string(),
});

/** What the initialize checks learned about the cluster: the initialize step's result data. */
export type ClusterInfo = z.output<typeof ClusterInfoSchema>;

/** The {@link ClusterInfo} in a step's result data, if it holds one. */
export function clusterInfoIn(data: Record<string, unknown> | undefined): ClusterInfo | undefined {
  const parsed = ClusterInfoSchema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

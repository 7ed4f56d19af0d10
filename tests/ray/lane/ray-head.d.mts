/** Types of ray-head.mjs (a plain ES module, run by Node without a build). */
export interface RayHead {
  dashboardUrl: string;
  serveUrl: string;
  gcsAddress: string;
  tempDir: string;
  startCommand: string[];
  stop(): Promise<void>;
}
export function httpRequest(
  url: string,
  options?: { method?: string; headers?: Record<string, string>; body?: unknown },
): Promise<{ status: number; text: string }>;
export function reapOrphanHeads(stateDir: string, log: (line: string) => void): Promise<void>;
export function startRayHead(options: {
  ray: string;
  stateDir: string;
  token: string;
  log: (line: string) => void;
  signal?: AbortSignal;
}): Promise<RayHead>;

/** Types of process-session.mjs (a plain ES module, run by Node without a build). */
export function sessionPids(sid: number): number[];
export function commandLine(pid: number): string;
export function stopSession(
  sid: number,
  options?: { graceMs?: number; timeoutMs?: number },
): Promise<number>;
export function isAlive(pid: number): boolean;

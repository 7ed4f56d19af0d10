import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** This machine's name, as journals and locks record it. */
export function thisHost(): string {
  return hostname();
}

/**
 * True when process `pid` of this machine still runs. A process that was killed but not yet
 * reaped by its parent (a zombie) counts as gone: it will never write again.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false; // no procfs (macOS, Windows): kill(0) is all we know
  }
  // The state follows the command name, which is in parentheses and may itself hold spaces.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

/**
 * Whether the process holding a run still lives: `alive` or `dead` for a process of this
 * machine, `unknown` for one of another machine (a shared state directory).
 */
export function ownerLiveness(owner: { host: string; pid: number }): 'alive' | 'dead' | 'unknown' {
  if (owner.host !== thisHost()) return 'unknown';
  return processAlive(owner.pid) ? 'alive' : 'dead';
}

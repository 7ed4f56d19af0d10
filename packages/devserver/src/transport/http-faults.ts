import type { DevServerService } from './request-log.js';

/**
 * What a transport fault does to a request it hits:
 * - `error`: answered with `status` (default 503) and `body` without being handled;
 * - `slow`: handled, its response held back for `delayMs` real milliseconds;
 * - `hang-up`: the connection is closed without an answer; nothing is handled;
 * - `lost-response`: handled (a PUT is applied, a record created), then the connection is
 *   closed instead of answering, as when a response is lost in transit.
 */
export type HttpFaultEffect = 'error' | 'slow' | 'hang-up' | 'lost-response';

/** A fault in how a listener answers HTTP requests (as opposed to a Serve app's {@link FaultSpec}). */
export interface HttpFaultSpec {
  /** The listener. @default 'dashboard' */
  service?: DevServerService | undefined;
  /** Only requests with this method (`GET`, `PUT`, …). @default any method */
  method?: string | undefined;
  /** Only this path (without the query); a trailing `*` matches every path with that prefix. @default any path */
  path?: string | undefined;
  effect: HttpFaultEffect;
  /** `error`: the status. @default 503 */
  status?: number | undefined;
  /** `error`: the body (text). @default a line saying the devserver injected it */
  body?: string | undefined;
  /** `slow`: how long the response is held, in real milliseconds. */
  delayMs?: number | undefined;
  /** Let this many matching requests through before hitting any. @default 0 */
  skip?: number | undefined;
  /** Hit this many matching requests, then let the rest through. @default every one */
  times?: number | undefined;
  /** Stop hitting this long after the fault was injected (devserver clock). @default never */
  forMs?: number | undefined;
}

/** An injected transport fault, with its id and how many requests it has hit. */
export interface HttpFault extends HttpFaultSpec {
  id: string;
  hits: number;
}

interface ActiveFault {
  fault: HttpFault;
  seen: number;
  until: number | undefined;
}

/** Whether a request matches a fault's service, method and path. */
export function httpFaultMatches(
  spec: Pick<HttpFaultSpec, 'service' | 'method' | 'path'>,
  service: DevServerService,
  method: string,
  path: string,
): boolean {
  if ((spec.service ?? 'dashboard') !== service) return false;
  if (spec.method !== undefined && spec.method.toUpperCase() !== method) return false;
  if (spec.path === undefined) return true;
  return spec.path.endsWith('*') ? path.startsWith(spec.path.slice(0, -1)) : path === spec.path;
}

/** The transport faults of one devserver, in injection order. */
export class HttpFaults {
  private active: ActiveFault[] = [];
  private nextId = 1;

  /** Injects a fault; `now` (devserver clock) starts its `forMs` window. */
  public add(spec: HttpFaultSpec, now: number): HttpFault {
    checkSpec(spec);
    const fault: HttpFault = { ...spec, id: `http-fault-${this.nextId++}`, hits: 0 };
    this.active.push({
      fault,
      seen: 0,
      until: spec.forMs === undefined ? undefined : now + spec.forMs,
    });
    return { ...fault };
  }

  /** Removes one fault; false when unknown. */
  public remove(id: string): boolean {
    const before = this.active.length;
    this.active = this.active.filter((a) => a.fault.id !== id);
    return this.active.length !== before;
  }

  public clear(): void {
    this.active = [];
  }

  /** Copies of the faults, with their hit counts. */
  public list(): HttpFault[] {
    return this.active.map((a) => ({ ...a.fault }));
  }

  /**
   * The fault that hits this request, if any. Every matching fault counts the request (for its
   * `skip`); the first one still due hits it.
   */
  public take(
    service: DevServerService,
    method: string,
    path: string,
    now: number,
  ): HttpFault | undefined {
    let hit: HttpFault | undefined;
    for (const entry of this.active) {
      const { fault } = entry;
      if (!httpFaultMatches(fault, service, method, path)) continue;
      if (entry.until !== undefined && now >= entry.until) continue;
      entry.seen += 1;
      if (hit !== undefined || entry.seen <= (fault.skip ?? 0)) continue;
      if (fault.times !== undefined && fault.hits >= fault.times) continue;
      fault.hits += 1;
      hit = { ...fault };
    }
    return hit;
  }
}

function checkSpec(spec: HttpFaultSpec): void {
  const nonNegative = (name: string, value: number | undefined) => {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0))
      throw new RangeError(`http fault: ${name} must be a non-negative number, got ${value}`);
  };
  nonNegative('skip', spec.skip);
  nonNegative('times', spec.times);
  nonNegative('forMs', spec.forMs);
  nonNegative('delayMs', spec.delayMs);
  if (spec.effect === 'slow' && spec.delayMs === undefined)
    throw new RangeError('http fault: a slow fault needs delayMs');
  if (
    spec.status !== undefined &&
    !(Number.isInteger(spec.status) && spec.status >= 100 && spec.status <= 599)
  )
    throw new RangeError(`http fault: status must be an HTTP status (100-599), got ${spec.status}`);
}

import type { FaultSpec } from '../ray/faults.js';
import type { HttpFaultSpec } from './http-faults.js';
import { httpFaultMatches } from './http-faults.js';
import type { DevServerService, RecordedRequest } from './request-log.js';

/** When a trigger fires. */
export type TriggerCondition =
  /** Once the `nth` request (1-based, default 1) matching service, method and path was answered. */
  | {
      request: {
        service?: DevServerService | undefined;
        method?: string | undefined;
        /** Exact path, or a prefix with a trailing `*`. */
        path?: string | undefined;
        nth?: number | undefined;
      };
    }
  /** Once a `GET /api/serve/applications/` answer showed application `app` with `status`. */
  | { appStatus: { app: string; status: string } };

/** What a trigger does when it fires. */
export type TriggerAction =
  /** The dashboard refuses connections for `ms` (devserver clock). */
  | { dashboardDown: { ms: number } }
  /** A cluster restart (see `DevServerControl.restart`). */
  | { restart: { keepState?: boolean | undefined; downMs?: number | undefined } }
  /** A foreign writer PUTs the live config without this app. */
  | { dropApp: { name: string } }
  /** A transport fault from now on. */
  | { httpFault: HttpFaultSpec }
  /** A Serve application fault from now on. */
  | { fault: FaultSpec }
  /** Another writer PUTs this Serve config (validated as the endpoint does). */
  | { foreignPut: unknown }
  /** Arms another trigger: a moment after a moment (RUNNING again once the PUT was answered). */
  | { trigger: TriggerSpec };

/**
 * Something that happens to the simulated cluster at a moment defined by the traffic (after the
 * second PUT, once the app was seen DEPLOY_FAILED…), so a test can hit a client at an exact
 * point of its work without racing it.
 */
export interface TriggerSpec {
  after: TriggerCondition;
  then: TriggerAction;
}

/** A registered trigger; it fires once. */
export interface Trigger extends TriggerSpec {
  id: string;
  fired: boolean;
}

const APPLICATIONS_PATH = '/api/serve/applications/';

/** The triggers of one devserver. */
export class Triggers {
  private triggers: (Trigger & { seen: number })[] = [];
  private nextId = 1;

  public add(spec: TriggerSpec): Trigger {
    for (
      let s: TriggerSpec | undefined = spec;
      s;
      s = 'trigger' in s.then ? s.then.trigger : undefined
    ) {
      if (!('request' in s.after)) continue;
      const nth = s.after.request.nth ?? 1;
      if (!(Number.isInteger(nth) && nth >= 1))
        throw new RangeError(`trigger: request.nth must be an integer >= 1, got ${nth}`);
    }
    const trigger = { ...spec, id: `trigger-${this.nextId++}`, fired: false, seen: 0 };
    this.triggers.push(trigger);
    return publicView(trigger);
  }

  public list(): Trigger[] {
    return this.triggers.map(publicView);
  }

  public clear(): void {
    this.triggers = [];
  }

  /** True when some pending trigger needs the body of applications GETs. */
  public wantsApplicationsBody(): boolean {
    return this.triggers.some((t) => !t.fired && 'appStatus' in t.after);
  }

  /**
   * The triggers that fire now that `request` was answered (`body`: the text of an
   * applications GET, when captured). Each fires once.
   */
  public due(request: RecordedRequest, body: string | undefined): Trigger[] {
    const due: Trigger[] = [];
    for (const trigger of this.triggers) {
      if (trigger.fired) continue;
      if (fires(trigger, request, body)) {
        trigger.fired = true;
        due.push(publicView(trigger));
      }
    }
    return due;
  }
}

function fires(
  trigger: Trigger & { seen: number },
  request: RecordedRequest,
  body: string | undefined,
): boolean {
  const { after } = trigger;
  if ('request' in after) {
    const spec = after.request;
    if (!httpFaultMatches(spec, request.service, request.method, request.path)) return false;
    trigger.seen += 1;
    return trigger.seen === (spec.nth ?? 1);
  }
  if (request.service !== 'dashboard' || request.method !== 'GET') return false;
  if (request.path !== APPLICATIONS_PATH || body === undefined) return false;
  return statusIn(body, after.appStatus.app) === after.appStatus.status;
}

function statusIn(body: string, app: string): unknown {
  try {
    const parsed = JSON.parse(body) as { applications?: Record<string, { status?: unknown }> };
    return parsed.applications?.[app]?.status;
  } catch {
    return undefined;
  }
}

function publicView(trigger: Trigger & { seen: number }): Trigger {
  const { seen: _seen, ...rest } = trigger;
  return structuredClone(rest);
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import type { Logger } from '@synapse-sdk/core';

import type { Clock } from '../clock.js';
import { requestUrl, sendText } from '../http/http-util.js';
import type { Handler } from '../http/listening-server.js';
import type { HttpFault, HttpFaults } from './http-faults.js';
import type { DevServerService, RecordedRequest, RequestLog } from './request-log.js';
import type { Trigger, Triggers } from './triggers.js';

/** What {@link instrument} needs from the devserver. */
export interface InstrumentDeps {
  clock: Clock;
  logger: Logger;
  requests: RequestLog;
  httpFaults: HttpFaults;
  triggers: Triggers;
  /** Real milliseconds every response of the listener is delayed by (`control.setDelay`). */
  delayMs(service: DevServerService): number;
  /** Runs the triggers that fired. */
  fire(triggers: readonly Trigger[]): void;
}

const APPLICATIONS_PATH = '/api/serve/applications/';

/**
 * Wraps a listener's handler with the devserver's transport layer: every request is logged,
 * delayed as `setDelay` says, hit by the first transport fault due, and checked against the
 * triggers once answered. The admin API under `/_devserver/` goes straight through.
 */
export function instrument(
  service: DevServerService,
  handler: Handler,
  deps: InstrumentDeps,
): Handler {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = requestUrl(req).pathname;
    if (service === 'dashboard' && path.startsWith('/_devserver/')) return handler(req, res);
    const method = (req.method ?? 'GET').toUpperCase();
    const record = deps.requests.add({ service, method, path, at: deps.clock.now() });
    const captureBody =
      service === 'dashboard' &&
      method === 'GET' &&
      path === APPLICATIONS_PATH &&
      deps.triggers.wantsApplicationsBody();
    let body: string | undefined;
    res.on('finish', () => (record.status = res.statusCode));
    res.on('close', () => {
      const due = deps.triggers.due({ ...record }, body);
      if (due.length > 0) deps.fire(due);
    });

    const delay = deps.delayMs(service);
    if (delay > 0) await sleep(delay);
    deps.logger.debug('request', { server: service, method, path });

    const fault = deps.httpFaults.take(service, method, path, deps.clock.now());
    if (fault !== undefined) record.fault = fault.id;
    if (fault?.effect === 'error') {
      req.resume();
      return sendText(res, fault.status ?? 503, fault.body ?? injectedBody(fault));
    }
    if (fault?.effect === 'hang-up') {
      req.socket.destroy();
      return;
    }
    interceptEnd(res, record, {
      capture: captureBody ? (text) => (body = text) : undefined,
      holdMs: fault?.effect === 'slow' ? (fault.delayMs ?? 0) : 0,
      drop: fault?.effect === 'lost-response',
    });
    await handler(req, res);
  };
}

function injectedBody(fault: HttpFault): string {
  return `${fault.status ?? 503}: Service Unavailable (injected by the devserver, ${fault.id})`;
}

/**
 * Replaces the response's `writeHead`/`end` so its body can be read, its answer held back, or
 * the connection dropped instead of answering. The handlers answer with one `writeHead` and
 * one `end` (see http-util's `send`).
 */
function interceptEnd(
  res: ServerResponse,
  record: RecordedRequest,
  how: { capture: ((text: string) => void) | undefined; holdMs: number; drop: boolean },
): void {
  if (how.capture === undefined && how.holdMs === 0 && !how.drop) return;
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let head: unknown[] | undefined;
  res.writeHead = ((...args: unknown[]) => {
    head = args;
    return res;
  }) as typeof res.writeHead;
  res.end = ((...args: unknown[]) => {
    const [chunk] = args;
    if (how.capture && (typeof chunk === 'string' || Buffer.isBuffer(chunk)))
      how.capture(chunk.toString());
    const answer = () => {
      if (how.drop) {
        record.status = undefined;
        res.socket?.destroy();
        res.destroy();
        return;
      }
      if (head !== undefined) writeHead(...head);
      end(...args);
    };
    if (how.holdMs > 0) setTimeout(answer, how.holdMs).unref();
    else answer();
    return res;
  }) as typeof res.end;
}

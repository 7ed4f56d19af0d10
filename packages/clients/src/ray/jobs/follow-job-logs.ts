import type { Clock, Logger } from '@synapse-sdk/core/base';
import { backoffDelay, CancelledError, silentLogger } from '@synapse-sdk/core/base';
import type WebSocket from 'ws';

import type { CallTarget } from '../../http/error-mapping.js';
import { errorForStatus, errorForTransport } from '../../http/error-mapping.js';
import { ClientError } from '../../http/errors.js';
import type { HttpClient } from '../../http/http-client.js';
import { joinUrl } from '../../http/url.js';
import { USER_AGENT } from '../../version.js';
import { isTerminalJobStatus } from './job-schemas.js';

/** Options of {@link RayJobsClient.followLogs}. */
export interface FollowJobLogsOptions {
  signal?: AbortSignal | undefined;
  /** Receives the job's log text as it arrives: in order, each character once. */
  onText: (text: string) => void;
  /**
   * Delay between reads when the dashboard (or a proxy in front of it) refuses the WebSocket
   * and the logs are polled instead. @default 1000
   */
  pollIntervalMs?: number | undefined;
}

/** What the follower needs from its client. */
export interface LogSource {
  http: HttpClient;
  /** Authentication headers, sent on the WebSocket handshake too. */
  headers: Record<string, string>;
  logger: Logger | undefined;
  status(id: string, signal: AbortSignal | undefined): Promise<string>;
  logs(id: string, signal: AbortSignal | undefined): Promise<string>;
}

type Outcome = 'ended' | 'broken' | 'refused';

let webSocketModule: Promise<typeof WebSocket> | undefined;

/** ws, loaded with the first log tail: the other dashboard calls never need it. */
function loadWebSocket(): Promise<typeof WebSocket> {
  webSocketModule ??= import('ws').then((module) => module.default);
  return webSocketModule;
}

/**
 * Follows a job's logs until the job has ended and every line has been delivered.
 *
 * Ray streams them over the WebSocket `/api/jobs/{id}/logs/tail`, which closes normally once the
 * job is over. Each connection replays the log from its start, so after a broken connection the
 * follower reconnects and skips what it already delivered. When the handshake is refused with
 * anything but 401/403/404 (a proxy without WebSocket support), it polls `/logs` instead.
 */
export async function followJobLogs(
  source: LogSource,
  id: string,
  options: FollowJobLogsOptions,
): Promise<void> {
  const logger = source.logger ?? silentLogger;
  const Socket = await loadWebSocket();
  let delivered = 0;
  const deliver = (received: number, text: string): number => {
    // `received` characters came before `text` on this connection.
    const fresh = text.slice(Math.max(0, delivered - received));
    if (fresh !== '') {
      delivered += fresh.length;
      options.onText(fresh);
    }
    return received + text.length;
  };

  for (let failures = 0; ; ) {
    throwIfAborted(options.signal, id);
    const before = delivered;
    const outcome = await tailOnce(Socket, source, id, options.signal, deliver);
    if (outcome === 'ended') return;
    if (outcome === 'refused') break;
    failures = delivered > before ? 1 : failures + 1;
    const { retryPolicy, clock } = source.http;
    if (failures >= retryPolicy.attempts) {
      throw new ClientError('HTTP_CONNECTION', {
        ...source.http.callTo('GET', tailPath(id)),
        description: `the log stream broke ${failures} times in a row`,
        hint: 'is the Ray dashboard still up? check RAY_DASHBOARD_ADDRESS',
      });
    }
    const delayMs = backoffDelay(retryPolicy, failures);
    logger.debug(`Log stream of Ray job '${id}' broke; reconnecting in ${delayMs} ms`);
    await sleepOrCancel(clock, delayMs, options.signal, id);
  }

  logger.debug(`The dashboard refused the log WebSocket of Ray job '${id}'; polling its logs`);
  const interval = options.pollIntervalMs ?? 1_000;
  for (;;) {
    const status = await source.status(id, options.signal);
    const text = await source.logs(id, options.signal);
    deliver(0, text);
    if (isTerminalJobStatus(status)) return;
    await sleepOrCancel(source.http.clock, interval, options.signal, id);
  }
}

/** One WebSocket connection: resolves with how it ended, rejects on 401/403/404 and cancel. */
function tailOnce(
  Socket: typeof WebSocket,
  source: LogSource,
  id: string,
  signal: AbortSignal | undefined,
  deliver: (received: number, text: string) => number,
): Promise<Outcome> {
  const { url, call } = target(source, id);
  const wsUrl = new URL(url);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  return new Promise<Outcome>((resolve, reject) => {
    let received = 0;
    let settled = false;
    const socket = new Socket(wsUrl, {
      headers: { 'user-agent': USER_AGENT, ...source.headers },
      handshakeTimeout: source.http.timeouts.connectMs,
      followRedirects: false,
      // Ray 2.58's dashboard forwards the client's handshake headers to the job module, so an
      // offered permessage-deflate breaks its inner connection: the tail closes (1000) without
      // sending a line. Never offer it.
      perMessageDeflate: false,
    });
    const finish = (settle: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = (): void => {
      socket.terminate();
      finish(() => reject(cancelled(id)));
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    socket.on('message', (data: WebSocket.RawData) => {
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
      try {
        received = deliver(received, text);
      } catch (error) {
        socket.terminate();
        finish(() => reject(error instanceof Error ? error : new Error(String(error))));
      }
    });
    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        socket.terminate();
        if ([401, 403, 404].includes(status)) {
          const body = Buffer.concat(chunks).toString('utf8');
          finish(() => reject(errorForStatus(call, status, body, response.headers)));
        } else if ([502, 503, 504].includes(status)) finish(() => resolve('broken'));
        else finish(() => resolve('refused'));
      });
    });
    socket.on('close', (code: number) => {
      finish(() => resolve(code === 1000 ? 'ended' : 'broken'));
    });
    socket.on('error', (error: Error) => {
      const failure = errorForTransport(call, error, source.http.timeouts);
      source.logger?.debug(`Log stream of Ray job '${id}': ${failure.reason}`);
      socket.terminate();
      finish(() => resolve('broken'));
    });
  });
}

function tailPath(id: string): string {
  return `/api/jobs/${encodeURIComponent(id)}/logs/tail`;
}

function target(source: LogSource, id: string): { url: string; call: CallTarget } {
  const path = tailPath(id);
  return {
    url: joinUrl(source.http.baseUrl, path).href,
    call: source.http.callTarget('GET', path),
  };
}

function throwIfAborted(signal: AbortSignal | undefined, id: string): void {
  if (signal?.aborted) throw cancelled(id);
}

async function sleepOrCancel(
  clock: Clock,
  ms: number,
  signal: AbortSignal | undefined,
  id: string,
): Promise<void> {
  try {
    await clock.sleep(ms, signal);
  } catch {
    throw cancelled(id);
  }
}

function cancelled(id: string): CancelledError {
  return new CancelledError(`Cancelled while following the logs of Ray job '${id}'`);
}

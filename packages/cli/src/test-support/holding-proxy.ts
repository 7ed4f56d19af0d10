import type { IncomingMessage } from 'node:http';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the proxy saw it. */
export interface ProxiedRequest {
  method: string;
  /** Path and query. */
  url: string;
}

/**
 * When a request is held: `before` it reaches the server (the server never sees it), or
 * `after` the server answered it (the server acted; the client never gets the answer).
 */
export type HoldPoint = 'before' | 'after';

/** A proxy on 127.0.0.1 in front of one server, which can hold a request. */
export interface HoldingProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request received so far, in order. */
  requests: ProxiedRequest[];
  /**
   * Holds the next request `matches` accepts (it also gets the requests received since this
   * call), at `point`; resolves once it is held. A held request is never answered: the test kills its
   * client, which is what it is held for.
   */
  hold(
    matches: (request: ProxiedRequest, earlier: readonly ProxiedRequest[]) => boolean,
    point: HoldPoint,
  ): Promise<ProxiedRequest>;
  close(): Promise<void>;
}

interface PendingHold {
  since: number;
  matches: (request: ProxiedRequest, earlier: readonly ProxiedRequest[]) => boolean;
  point: HoldPoint;
  held: (request: ProxiedRequest) => void;
}

/** Starts a {@link HoldingProxy} that forwards to `target` (e.g. the devserver's dashboard). */
export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  let pending: PendingHold | undefined;

  const forward = (raw: IncomingMessage, body: Buffer): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: raw.method,
          path: raw.url,
          headers: { ...raw.headers, host: upstream.host },
        },
        resolve,
      );
      out.on('error', reject);
      out.end(body);
    });

  const server = createServer((raw, response) => {
    const chunks: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    raw.on('end', () => {
      const request = { method: raw.method ?? '', url: raw.url ?? '' };
      const earlier = requests.slice(pending?.since ?? requests.length);
      requests.push(request);
      const hold = pending && pending.matches(request, earlier) ? pending : undefined;
      if (hold) pending = undefined;
      if (hold?.point === 'before') {
        hold.held(request);
        return;
      }
      void forward(raw, Buffer.concat(chunks)).then(
        (answer) => {
          const answered: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => answered.push(chunk));
          answer.on('end', () => {
            if (hold) {
              hold.held(request);
              return;
            }
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            response.end(Buffer.concat(answered));
          });
        },
        () => response.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    hold: (matches, point) =>
      new Promise((held) => {
        pending = { since: requests.length, matches, point, held };
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

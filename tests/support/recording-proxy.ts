import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import { createServer, request } from 'node:http';

/** One request that went through the proxy, with the answer it got. */
export interface Exchange {
  /** When the request arrived and when its answer was complete (`Date.now()`). */
  startedAt: number;
  endedAt: number;
  method: string;
  /** Path and query. */
  path: string;
  requestBody: Buffer;
  status: number;
  responseBody: Buffer;
}

/** A pass-through HTTP proxy in front of a server, keeping every exchange. */
export interface RecordingProxy {
  /** Point a client here instead of at the server. */
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/**
 * Starts a proxy on 127.0.0.1 that forwards every request to `upstream` unchanged (headers
 * included, so auth and the browser heuristics see what the client sent) and records it.
 */
export async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const target = new URL(upstream);
  const exchanges: Exchange[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const startedAt = Date.now();
      const requestBody = await readAll(req);
      const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
      const upstreamRes = await new Promise<IncomingMessage>((resolve, reject) => {
        const forward = request(
          {
            hostname: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers,
            agent: false,
          },
          resolve,
        );
        forward.on('error', reject);
        forward.end(requestBody);
      });
      const responseBody = await readAll(upstreamRes);
      exchanges.push({
        startedAt,
        endedAt: Date.now(),
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        requestBody,
        status: upstreamRes.statusCode ?? 0,
        responseBody,
      });
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      res.end(responseBody);
    })().catch((error: Error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`recording proxy: ${error.message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

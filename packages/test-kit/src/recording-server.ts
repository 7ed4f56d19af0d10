import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as the test server received it, body fully read. */
export interface RecordedRequest {
  method: string;
  /** Path and query exactly as sent. */
  url: string;
  /** Header names lower-cased. */
  headers: IncomingHttpHeaders;
  /** Header names with the case the client sent. */
  rawHeaderNames: string[];
  body: Buffer;
  text: string;
  /** The body parsed as JSON (undefined when empty or not JSON). */
  json: unknown;
}

/** Answers one request; may reply late, or destroy the socket. */
export type TestHandler = (
  request: RecordedRequest,
  response: ServerResponse,
  raw: IncomingMessage,
) => void | Promise<void>;

/** A node:http server on 127.0.0.1 that records every request it gets. */
export interface RecordingServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Replaces the handler for the following requests. */
  handle(handler: TestHandler): void;
  /** Handles HTTP upgrade (WebSocket) requests; without one they are refused with 426. */
  handleUpgrade(handler: UpgradeHandler): void;
  /** Closes the server, dropping open connections. */
  close(): Promise<void>;
}

/** Answers one upgrade (WebSocket handshake) request. */
export type UpgradeHandler = (raw: IncomingMessage, socket: Socket, head: Buffer) => void;

/** Sends a JSON answer. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** Sends a text answer (aiohttp style, like the Ray dashboard's errors). */
export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  response.end(text);
}

/** Starts a {@link RecordingServer} on an OS-chosen port; `handler` answers each request. */
export async function startRecordingServer(
  handler: TestHandler = (_req, res) => sendText(res, 200, ''),
): Promise<RecordingServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((raw, response) => {
    const chunks: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    raw.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = {
        method: raw.method ?? '',
        url: raw.url ?? '',
        headers: raw.headers,
        rawHeaderNames: raw.rawHeaders.filter((_v, i) => i % 2 === 0),
        body,
        text,
        json,
      };
      requests.push(recorded);
      Promise.resolve(current(recorded, response, raw)).catch((error: unknown) => {
        if (!response.headersSent) sendText(response, 599, `test handler failed: ${String(error)}`);
      });
    });
  });
  let upgrade: UpgradeHandler | undefined;
  server.on('upgrade', (raw: IncomingMessage, socket: Socket, head: Buffer) => {
    if (upgrade) upgrade(raw, socket, head);
    else socket.end('HTTP/1.1 426 Upgrade Required\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    handle(next) {
      current = next;
    },
    handleUpgrade(next) {
      upgrade = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Replies after `ms` unless the server closes first. */
export function replyLater(ms: number, reply: () => void): void {
  const timer = setTimeout(reply, ms);
  timer.unref();
}

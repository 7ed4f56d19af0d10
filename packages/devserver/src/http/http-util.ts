import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request body, or the fact that it went over the cap (the rest was drained and dropped). */
export type BodyResult =
  | { ok: true; bytes: Buffer }
  | { ok: false; tooLarge: true; received: number };

/** Reads the whole body; past `maxBytes` it keeps draining but drops the data. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(
        size > maxBytes
          ? { ok: false, tooLarge: true, received: size }
          : { ok: true, bytes: Buffer.concat(chunks) },
      ),
    );
    req.on('error', reject);
  });
}

/** Sends a response with an explicit content type (aiohttp's `text=` sends `text/plain; charset=utf-8`). */
export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  contentType: string,
  headers: Record<string, string> = {},
  headOnly = false,
): void {
  const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': String(buffer.length),
    ...headers,
  });
  res.end(headOnly ? undefined : buffer);
}

/** Sends `text/plain; charset=utf-8`. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
  headOnly = false,
): void {
  send(res, status, text, 'text/plain; charset=utf-8', headers, headOnly);
}

/** Sends `application/json; charset=utf-8`. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
  headOnly = false,
): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8', headers, headOnly);
}

/** Sends aiohttp's bare `Response()`: 200, empty body, `application/octet-stream`. */
export function sendEmpty(res: ServerResponse, status = 200): void {
  send(res, status, '', 'application/octet-stream');
}

/** The first value of a request header. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Parses a request URL (path and query) relative to a dummy origin. */
export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://devserver.invalid');
}

/** Parses a JSON body; `undefined` with the error when it is not valid JSON. */
export function parseJson(
  bytes: Buffer,
): { ok: true; value: unknown } | { ok: false; error: Error } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

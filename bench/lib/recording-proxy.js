// A reverse proxy in front of the devserver's dashboard that timestamps every request, so the
// bench sees the CLI from the outside, as a cluster would: when its first request arrives,
// when it PUTs, how often it polls and when a poll first answered RUNNING. It adds well under a
// millisecond per request on loopback.
import { createServer, request as httpRequest } from 'node:http';

const APPLICATIONS = '/api/serve/applications/';

/**
 * @param {string} target the dashboard URL, e.g. http://127.0.0.1:1234
 * @param {string} appName the app whose RUNNING status to watch for in GET responses
 */
export async function startRecordingProxy(target, appName) {
  const upstream = new URL(target);
  /** @type {Array<{method: string, path: string, at: bigint, answeredAt?: bigint, running?: boolean}>} */
  const requests = [];
  const server = createServer((req, res) => {
    const record = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      at: process.hrtime.bigint(),
    };
    requests.push(record);
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        const chunks = [];
        answer.on('data', (chunk) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          if (record.method === 'GET' && record.path.startsWith(APPLICATIONS)) {
            record.running = statusOf(body, appName) === 'RUNNING';
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(body, () => {
            record.answeredAt = process.hrtime.bigint();
          });
        });
      },
    );
    forward.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** The PUT of the Serve config, if any. */
    put: () => requests.find((r) => r.method === 'PUT' && r.path.startsWith(APPLICATIONS)),
    /** Status polls (GET of the applications). */
    polls: () => requests.filter((r) => r.method === 'GET' && r.path.startsWith(APPLICATIONS)),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function statusOf(body, appName) {
  try {
    return JSON.parse(body.toString('utf8'))?.applications?.[appName]?.status;
  } catch {
    return undefined;
  }
}

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';

import type { TimerHandle } from '../clock.js';
import type { DevServerRuntime } from '../runtime.js';

/** Ray sends the tail in chunks of at most 10 lines. */
const LINES_PER_FRAME = 10;
const TAIL_PATH = /^\/api\/jobs\/([^/]+)\/logs\/tail$/;

/**
 * `GET /api/jobs/{id}/logs/tail` (WebSocket): sends the driver log from its start, then each
 * line as the job prints it, and closes normally once the job has ended and everything was sent.
 * Nothing is sent before the job starts; a job that ended without starting closes at once.
 * Lines are pushed when the devserver clock reaches them (a manual clock included).
 */
export class JobLogTail {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly timers = new Set<TimerHandle>();

  public constructor(
    private readonly rt: DevServerRuntime,
    /** The dashboard's auth check: a status and text to refuse with, or undefined. */
    private readonly refuse: (
      req: IncomingMessage,
      path: string,
    ) => { status: number; text: string } | undefined,
  ) {}

  /** Handles an upgrade request of the dashboard port; false when the path is not a tail. */
  public handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = new URL(req.url ?? '/', 'http://devserver.invalid').pathname;
    const match = TAIL_PATH.exec(path);
    if (match === null) return false;
    const id = decodeURIComponent(match[1] ?? '');
    const refusal =
      this.refuse(req, path) ??
      (this.rt.jobs.get(id) === undefined
        ? { status: 404, text: `Job ${id} does not exist` }
        : undefined);
    if (refusal !== undefined) {
      const body = Buffer.from(refusal.text);
      socket.end(
        `HTTP/1.1 ${refusal.status} ${refusal.status === 404 ? 'Not Found' : 'Unauthorized'}\r\n` +
          `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n${refusal.text}`,
      );
      return true;
    }
    // As on Ray 2.58, whose dashboard forwards the handshake headers to its job module: a client
    // that offers permessage-deflate gets its tail closed, without a line, when the first would go.
    const deflate = /permessage-deflate/i.test(
      String(req.headers['sec-websocket-extensions'] ?? ''),
    );
    this.wss.handleUpgrade(req, socket, head, (ws) => this.follow(ws, id, deflate));
    return true;
  }

  /** Closes every tail and cancels its timers. */
  public close(): void {
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    for (const client of this.wss.clients) client.terminate();
  }

  private follow(ws: WebSocket, id: string, broken: boolean): void {
    let sent = 0;
    let timer: TimerHandle | undefined;
    const pump = (): void => {
      if (timer) this.timers.delete(timer);
      timer = undefined;
      if (ws.readyState !== ws.OPEN) return;
      const job = this.rt.jobs.get(id);
      if (job === undefined) {
        ws.close(1000);
        return;
      }
      const now = this.rt.clock.now();
      const state = job.at(now);
      if (broken && (state.logs.length > 0 || state.nextChangeAt === undefined)) {
        ws.close(1000);
        return;
      }
      const fresh = state.logs.slice(sent);
      sent = state.logs.length;
      const lines = fresh.split(/(?<=\n)/).filter((l) => l !== '');
      for (let i = 0; i < lines.length; i += LINES_PER_FRAME) {
        ws.send(lines.slice(i, i + LINES_PER_FRAME).join(''));
      }
      if (state.nextChangeAt === undefined) {
        ws.close(1000);
        return;
      }
      timer = this.rt.clock.setTimer(state.nextChangeAt - now, pump);
      this.timers.add(timer);
    };
    const cancelTimer = (): void => {
      if (timer) {
        timer.cancel();
        this.timers.delete(timer);
      }
      timer = undefined;
    };
    // A stop moves the job's end: look again at once.
    const unsubscribe = this.rt.jobs.onStop((job) => {
      if (job.request.submissionId !== id) return;
      cancelTimer();
      pump();
    });
    ws.on('close', () => {
      cancelTimer();
      unsubscribe();
    });
    pump();
  }
}

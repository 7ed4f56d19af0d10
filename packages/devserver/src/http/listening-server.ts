import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** A request handler that may be async; errors become a 500 without crashing the process. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** Takes over an HTTP upgrade request (a WebSocket handshake); false leaves it unanswered. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

/**
 * A node:http listener that can be closed and reopened on the same port, to simulate a
 * dashboard that refuses connections for a while.
 */
export class ListeningServer {
  private server: Server | undefined;
  private boundPort: number;

  public constructor(
    private readonly host: string,
    port: number,
    private readonly handler: Handler,
    private readonly onError: (error: unknown) => void,
    private readonly onUpgrade?: UpgradeHandler,
  ) {
    this.boundPort = port;
  }

  /** The port actually bound (known after the first {@link start}). */
  public get port(): number {
    return this.boundPort;
  }

  /** Whether the listener accepts connections now. */
  public get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** `http://host:port` of this listener. */
  public get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.boundPort}`;
  }

  /** Starts listening (on the bound port once one was chosen). */
  public async start(): Promise<void> {
    if (this.server?.listening) return;
    const server = createServer((req, res) => {
      Promise.resolve()
        .then(() => this.handler(req, res))
        .catch((error: unknown) => {
          this.onError(error);
          if (!res.headersSent) {
            res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
            res.end('500 Internal Server Error (devserver)');
          } else res.destroy();
        });
    });
    server.keepAliveTimeout = 5000;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!this.onUpgrade?.(req, socket, head)) {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 14\r\n\r\n404: Not Found');
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops open connections, so clients see connection refused/reset. */
  public async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

import type { Server } from 'node:net';
import { createServer } from 'node:net';

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const held = await holdPort();
  await held.release();
  return held.port;
}

/** A port on 127.0.0.1 that stays taken until `release()`, for tests of a port in use. */
export async function holdPort(): Promise<{ port: number; release(): Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    release: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Free TCP ports on loopback for a Ray head. Several heads may start on one machine at once, so
// the lane never relies on Ray's default ports: it picks every port itself.
import { createServer } from 'node:net';

const HOST = '127.0.0.1';

function listen(port) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: HOST, exclusive: true }, () => resolve(server));
  });
}

function close(server) {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * `count` distinct ports the OS reports free right now (bound together, then released).
 * @param {number} count
 * @returns {Promise<number[]>}
 */
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listen(0));
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map(close));
  }
}

/**
 * `size` consecutive free ports for Ray's workers, below Linux's ephemeral range (32768+) so
 * that outgoing connections of other processes do not take them meanwhile.
 * @param {number} size
 * @param {readonly number[]} avoid ports already chosen for something else
 * @returns {Promise<{ min: number, max: number }>}
 */
export async function freePortRange(size, avoid = []) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const min = 10_000 + Math.floor(Math.random() * (32_000 - 10_000 - size));
    const max = min + size - 1;
    if (avoid.some((p) => p >= min && p <= max)) continue;
    const servers = [];
    let free = true;
    try {
      for (let port = min; port <= max; port++) servers.push(await listen(port));
    } catch {
      free = false;
    } finally {
      await Promise.all(servers.map(close));
    }
    if (free) return { min, max };
  }
  throw new Error(`no ${size} consecutive free ports found between 10000 and 32000 on ${HOST}`);
}

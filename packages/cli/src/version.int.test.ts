import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createServer } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDevServer } from '@synapse-sdk/test-kit';
import { closedPort, startTestDevServer } from '@synapse-sdk/test-kit';

import { runSynapse } from './test-support/run-synapse.js';

const SDK_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
const SDK_LINE = `synapse-sdk ${SDK_VERSION} (node ${process.version})`;

describe('synapse --version', () => {
  let dev: TestDevServer;

  beforeAll(async () => {
    dev = await startTestDevServer({ rayVersion: '2.58.0' });
  });

  afterAll(async () => {
    await dev.stop();
  });

  it('prints the SDK version alone when no cluster is configured', async () => {
    const flag = await runSynapse(['--version']);
    const short = await runSynapse(['-V']);
    const json = await runSynapse(['version', '-o', 'json']);
    expect([flag.code, flag.stdout, short.stdout]).toEqual([0, `${SDK_LINE}\n`, `${SDK_LINE}\n`]);
    expect(JSON.parse(json.stdout)).toEqual({ sdk: SDK_VERSION, node: process.version, ray: null });
  });

  it("adds the cluster's Ray version, from the environment or --ray-address", async () => {
    const address = dev.env['RAY_DASHBOARD_ADDRESS']!;
    const fromEnv = await runSynapse(['--version'], { env: { RAY_DASHBOARD_ADDRESS: address } });
    const fromFlag = await runSynapse(['--ray-address', address, '--version', '-o', 'yaml']);
    expect([fromEnv.code, fromEnv.stdout]).toEqual([0, `${SDK_LINE}\nray 2.58.0 at ${address}/\n`]);
    expect(fromFlag.stdout).toBe(
      `sdk: ${SDK_VERSION}\nnode: ${process.version}\nray:\n  address: ${address}/\n  version: 2.58.0\n`,
    );
  });

  it('says an unreachable cluster is unreachable, and still exits 0', async () => {
    const port = await closedPort();
    const result = await runSynapse(['--version'], {
      env: { RAY_DASHBOARD_ADDRESS: `http://127.0.0.1:${port}` },
    });
    expect([result.code, result.stdout, result.stderr]).toEqual([
      0,
      `${SDK_LINE}\nray: unreachable at http://127.0.0.1:${port}/ (connection refused (ECONNREFUSED))\n`,
      '',
    ]);
  });

  it('gives up on a dashboard that accepts the connection but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const result = await runSynapse([
        'version',
        '-o',
        'json',
        '--ray-address',
        `http://127.0.0.1:${port}`,
      ]);
      expect([result.code, JSON.parse(result.stdout)]).toEqual([
        0,
        {
          sdk: SDK_VERSION,
          node: process.version,
          ray: {
            address: `http://127.0.0.1:${port}/`,
            reachable: false,
            error: expect.stringMatching(/3000 ?ms/),
          },
        },
      ]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('belongs to synapse itself: after a command it is an unknown option', async () => {
    const result = await runSynapse(['serve', 'status', '--version']);
    expect([result.code, result.stderr]).toEqual([
      2,
      "error: unknown option '--version'. Run 'synapse serve status --help' for usage.\n",
    ]);
  });
});

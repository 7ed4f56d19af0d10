import { afterAll, beforeAll, describe } from '@jest/globals';
import type { DevServer } from '@synapse-sdk/devserver';
import { startDevServer } from '@synapse-sdk/devserver';

import { describeServeRestParity } from './serve-rest.parity.js';

const TOKEN = 'parity-token-0123456789';

describe('Serve REST parity: devserver', () => {
  let dev: DevServer;

  beforeAll(async () => {
    // Real-time clock, as against Ray; builds and deletes last long enough for the GET right
    // after a PUT to see DEPLOYING or DELETING, even on a loaded machine.
    dev = await startDevServer({
      authToken: TOKEN,
      timings: { buildTimeMs: 800, replicaStartTimeMs: 400, deleteTimeMs: 1_000 },
    });
  });
  afterAll(async () => {
    await dev.stop();
  });

  describeServeRestParity(() => ({
    name: 'devserver',
    dashboardUrl: dev.dashboardUrl,
    serveUrl: dev.serveUrl,
    token: TOKEN,
  }));
});

import { afterAll, beforeAll, describe } from '@jest/globals';
import type { DevServer } from '@synapse-sdk/devserver';
import { startDevServer } from '@synapse-sdk/devserver';

import { describeJobsRestParity } from './jobs-rest.parity.js';

const TOKEN = 'jobs-parity-token-0123456789';

describe('Ray Jobs REST parity: devserver', () => {
  let dev: DevServer;

  beforeAll(async () => {
    // The real clock, as against Ray, with a start and stop short enough for a quick suite.
    dev = await startDevServer({
      authToken: TOKEN,
      timings: { jobStartTimeMs: 300, jobRunTimeMs: 300, jobStopTimeMs: 300 },
    });
  });
  afterAll(async () => {
    await dev.stop();
  });

  describeJobsRestParity(() => ({
    name: 'devserver',
    dashboardUrl: dev.dashboardUrl,
    token: TOKEN,
    scriptOutput: (submissionId, lines) =>
      dev.control.scriptJobOutput({ submissionId, lines: [...lines] }),
  }));
});

import { describe } from '@jest/globals';

import { rayLane } from '../ray/support/lane-env.js';
import { describeJobsRestParity } from './jobs-rest.parity.js';

describe('Ray Jobs REST parity: real Ray 2.58', () => {
  describeJobsRestParity(() => {
    const lane = rayLane();
    // Ray runs the entrypoints the suite submits: they print their lines themselves.
    return {
      name: 'ray 2.58.0',
      dashboardUrl: lane.dashboardUrl,
      token: lane.token,
      scriptOutput: () => undefined,
    };
  });
});

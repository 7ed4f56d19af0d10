import { describe } from '@jest/globals';

import { rayLane } from '../ray/support/lane-env.js';
import { describeServeRestParity } from './serve-rest.parity.js';

describe('Serve REST parity: real Ray 2.58', () => {
  describeServeRestParity(() => {
    const lane = rayLane();
    return {
      name: 'ray 2.58.0',
      dashboardUrl: lane.dashboardUrl,
      serveUrl: lane.serveUrl,
      token: lane.token,
    };
  });
});

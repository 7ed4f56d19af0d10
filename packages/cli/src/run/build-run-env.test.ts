import { describe, expect, it } from '@jest/globals';

import { configFlagEnv } from '../options/config-flags.js';
import { buildRunEnv } from './build-run-env.js';

describe('buildRunEnv', () => {
  it('layers config.yaml env < process env < flags, and sets SYNAPSE_PLUGIN_DIR', () => {
    const env = buildRunEnv({
      configEnv: { A: 'config', B: 'config', C: 'config', N: 3, F: false },
      processEnv: { B: 'process', C: 'process', SYNAPSE_PLUGIN_DIR: '/elsewhere', U: undefined },
      flagEnv: configFlagEnv({ rayAddress: 'http://ray:8265', jobId: '7', json: true }),
      pluginDir: '/plugins/x',
    });
    expect(env).toEqual({
      A: 'config',
      B: 'process',
      C: 'process',
      N: '3',
      F: 'false',
      RAY_DASHBOARD_ADDRESS: 'http://ray:8265',
      SYNAPSE_JOB_ID: '7',
      SYNAPSE_PLUGIN_DIR: '/plugins/x',
    });
  });
});

import { describe, expect, it } from '@jest/globals';

import { timeoutMsOf } from './timeout-ms.js';
import { timeoutFlagEnv } from './timeout-option.js';

describe('timeoutMsOf', () => {
  it('reads plain seconds and durations with ms, s, m and h', () => {
    expect(
      ['90', '2.5', '1500ms', '90s', '10m', '1h30m', '1m30s'].map((timeout) =>
        timeoutMsOf({ timeout }),
      ),
    ).toEqual([90_000, 2_500, 1_500, 90_000, 600_000, 5_400_000, 90_000]);
    expect(timeoutMsOf({})).toBeUndefined();
  });

  it('refuses what is not a duration above zero, naming the value', () => {
    for (const timeout of ['', '0', '0s', '-5', '10x', '5 m', 'm', '1h30', 'soon']) {
      expect(() => timeoutMsOf({ timeout })).toThrow(`--timeout '${timeout}' is not a duration`);
    }
  });

  it('takes SYNAPSE_TIMEOUT when given the environment and the flag is absent, naming it when wrong', () => {
    expect(timeoutMsOf({}, { SYNAPSE_TIMEOUT: '25s' })).toBe(25_000);
    expect(timeoutMsOf({ timeout: '90' }, { SYNAPSE_TIMEOUT: '25s' })).toBe(90_000);
    expect(timeoutMsOf({}, {})).toBeUndefined();
    expect(() => timeoutMsOf({}, { SYNAPSE_TIMEOUT: 'soon' })).toThrow(
      "SYNAPSE_TIMEOUT 'soon' is not a duration",
    );
  });

  it('hands --timeout to the run as SYNAPSE_TIMEOUT, so that step waits last as long', () => {
    expect([timeoutFlagEnv({ timeout: '10m' }), timeoutFlagEnv({})]).toEqual([
      { SYNAPSE_TIMEOUT: '10m' },
      {},
    ]);
  });
});

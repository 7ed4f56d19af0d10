import { describe, expect, it } from '@jest/globals';

import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads plain seconds and durations with ms, s, m and h', () => {
    expect(
      ['90', ' 2.5 ', '1500ms', '90s', '10m', '1h30m', '1m30s'].map((text) => parseDuration(text)),
    ).toEqual([90_000, 2_500, 1_500, 90_000, 600_000, 5_400_000, 90_000]);
    expect(parseDuration('24h')).toBe(86_400_000);
  });

  it('refuses what is not a duration above zero', () => {
    for (const text of [
      '',
      '0',
      '0s',
      '-5',
      '10x',
      '5 m',
      'm',
      '1h30',
      'soon',
      '1e3',
      '24h1s',
      '876000h',
    ]) {
      expect([text, parseDuration(text)]).toEqual([text, undefined]);
    }
  });
});

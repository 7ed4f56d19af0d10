import { describe, expect, it } from '@jest/globals';

import { ConfigError } from '../errors/errors.js';
import { PluginEnvironment } from './plugin-environment.js';

const env = new PluginEnvironment({
  NAME: 'model',
  EMPTY: '',
  COUNT: '12',
  RATIO: '0.5',
  YES: 'Yes',
  OFF: 'off',
  LIST: 'a, b,,c ',
  BAD_INT: '1.5',
  BAD_BOOL: 'maybe',
});

describe('PluginEnvironment', () => {
  it('reads strings with defaults, treating empty as unset for getStr only', () => {
    expect([
      env.get('EMPTY'),
      env.getStr('EMPTY', 'd'),
      env.getStr('NAME'),
      env.get('MISSING', 'x'),
    ]).toEqual(['', 'd', 'model', 'x']);
  });

  it('parses numbers, booleans and lists', () => {
    expect([
      env.getInt('COUNT'),
      env.getFloat('RATIO'),
      env.getBool('YES'),
      env.getBool('OFF'),
      env.getList('LIST'),
    ]).toEqual([12, 0.5, true, false, ['a', 'b', 'c']]);
  });

  it('names the variable and the value when parsing fails', () => {
    expect(() => env.getInt('BAD_INT')).toThrow(
      new ConfigError('environment variable BAD_INT', "expected an integer, got '1.5'"),
    );
    expect(() => env.getBool('BAD_BOOL')).toThrow(
      /BAD_BOOL: expected true\/false, 1\/0 or yes\/no, got 'maybe'/,
    );
  });

  it('reads ids as whole numbers above 0, and refuses anything else that is set', () => {
    const ids = new PluginEnvironment({
      OK: ' 7001 ',
      A: 'abc',
      N: '-5',
      F: '1.5',
      E: '1e3',
      B: '  ',
    });
    expect([ids.getId('OK'), ids.getId('UNSET')]).toEqual([7001, undefined]);
    for (const key of ['A', 'N', 'F', 'E']) {
      expect(() => ids.getId(key)).toThrow(
        `environment variable ${key}: expected an id, a whole number above 0 (e.g. 42); got '`,
      );
    }
    expect(() => ids.getId('B')).toThrow(
      'expected an id, a whole number above 0 (e.g. 42); it is blank',
    );
  });

  it('reads durations, and refuses a set value that is not one, naming the variable', () => {
    const env = new PluginEnvironment({ T: '10m', BAD: 'soon', BLANK: '' });
    expect([env.getDuration('T'), env.getDuration('UNSET')]).toEqual([600_000, undefined]);
    expect(() => env.getDuration('BAD')).toThrow(
      "environment variable BAD: 'soon' is not a duration; give seconds (90) or a duration such as 90s, 10m or 1h30m, at most 24h",
    );
    expect(() => env.getDuration('BLANK')).toThrow(
      "environment variable BLANK: '' is not a duration",
    );
  });

  it('snapshots process.env', () => {
    process.env['SYNAPSE_TEST_SNAPSHOT'] = 'one';
    const snapshot = PluginEnvironment.fromEnviron();
    process.env['SYNAPSE_TEST_SNAPSHOT'] = 'two';
    expect(snapshot.get('SYNAPSE_TEST_SNAPSHOT')).toBe('one');
    delete process.env['SYNAPSE_TEST_SNAPSHOT'];
  });
});

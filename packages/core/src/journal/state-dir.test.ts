import { describe, expect, it } from '@jest/globals';

import { defaultStateDir } from './state-dir.js';

describe(defaultStateDir, () => {
  it('is SYNAPSE_STATE_DIR when set, made absolute', () => {
    expect(defaultStateDir({ env: { SYNAPSE_STATE_DIR: '/srv/synapse' }, platform: 'linux' })).toBe(
      '/srv/synapse',
    );
  });

  it('follows XDG on Linux, ignoring a relative XDG_STATE_HOME', () => {
    expect(
      defaultStateDir({ env: { XDG_STATE_HOME: '/x/state' }, platform: 'linux', home: '/home/a' }),
    ).toBe('/x/state/synapse');
    expect(
      defaultStateDir({ env: { XDG_STATE_HOME: 'rel' }, platform: 'linux', home: '/home/a' }),
    ).toBe('/home/a/.local/state/synapse');
    expect(defaultStateDir({ env: {}, platform: 'freebsd', home: '/home/a' })).toBe(
      '/home/a/.local/state/synapse',
    );
  });

  it('uses Application Support on macOS and LOCALAPPDATA on Windows', () => {
    expect(defaultStateDir({ env: {}, platform: 'darwin', home: '/Users/a' })).toBe(
      '/Users/a/Library/Application Support/synapse',
    );
    expect(
      defaultStateDir({
        env: { LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' },
        platform: 'win32',
        home: 'C:\\Users\\a',
      }),
    ).toBe('C:\\Users\\a\\AppData\\Local\\synapse\\state');
  });
});

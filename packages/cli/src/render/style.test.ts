import { execFileSync } from 'node:child_process';
import { Writable } from 'node:stream';

import { describe, expect, it } from '@jest/globals';

import { childEnv, REPO_ROOT } from '../test-support/run-synapse.js';
import { stylerFor } from './style.js';

/**
 * What the built `stylerFor` returns in a fresh process with `env`, for a stream that is a
 * terminal (a Node stream whose colour depth is computed as a real terminal's) and for a pipe.
 * A child process, because Node reads NO_COLOR and FORCE_COLOR from the real environment,
 * which jest's sandbox does not change.
 */
function styledInChild(env: Record<string, string | undefined>): { tty: string; pipe: string } {
  const script = `
    import { Writable } from 'node:stream';
    import { WriteStream } from 'node:tty';
    import { stylerFor } from './packages/cli/dist/render/style.js';
    const pipe = () => new Writable({ write: (_c, _e, done) => done() });
    const tty = Object.assign(pipe(), {
      isTTY: true,
      getColorDepth: (env) => WriteStream.prototype.getColorDepth.call({}, env),
    });
    process.stdout.write(JSON.stringify({
      tty: stylerFor(tty)('red', 'x'),
      pipe: stylerFor(pipe())('red', 'x'),
    }));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    // CI unset: Node gives a terminal under an unnamed CI two colours, so styleText drops red.
    env: childEnv({
      NO_COLOR: undefined,
      FORCE_COLOR: undefined,
      NODE_DISABLE_COLORS: undefined,
      CI: undefined,
      TERM: 'xterm-256color',
      ...env,
    }),
    encoding: 'utf8',
  });
  return JSON.parse(output) as { tty: string; pipe: string };
}

describe('stylerFor', () => {
  it('colours a terminal only; NO_COLOR turns colours off, FORCE_COLOR on (pipes too)', () => {
    expect({
      plain: styledInChild({}),
      noColor: styledInChild({ NO_COLOR: '1' }),
      forced: styledInChild({ FORCE_COLOR: '1' }),
      forcedOff: styledInChild({ FORCE_COLOR: '0' }),
    }).toEqual({
      plain: { tty: '\x1b[31mx\x1b[39m', pipe: 'x' },
      noColor: { tty: 'x', pipe: 'x' },
      forced: { tty: '\x1b[31mx\x1b[39m', pipe: '\x1b[31mx\x1b[39m' },
      forcedOff: { tty: 'x', pipe: 'x' },
    });
  });

  it('writes plain text to what is not a Node stream, unless colours are forced', () => {
    const pipe = new Writable({ write: (_chunk, _encoding, done) => done() });
    expect([
      stylerFor({ write: () => true })('red', 'x'),
      stylerFor({}, true)('bold', 'b'),
      stylerFor(pipe, false)('bold', 'b'),
    ]).toEqual(['x', '\x1b[1mb\x1b[22m', 'b']);
  });
});

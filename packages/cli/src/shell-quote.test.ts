import { describe, expect, it } from '@jest/globals';

import { shellCommand, shellQuote } from './shell-quote.js';

describe('shellQuote / shellCommand', () => {
  it('leaves safe words alone and single-quotes the rest', () => {
    expect(
      ['examples/step-based', 'http://127.0.0.1:8265/', '{"num_cpus": 2}', "it's", ''].map(
        shellQuote,
      ),
    ).toEqual([
      'examples/step-based',
      'http://127.0.0.1:8265/',
      `'{"num_cpus": 2}'`,
      `'it'\\''s'`,
      "''",
    ]);
  });

  it('prints a command line with its variables in front', () => {
    expect(
      shellCommand('synapse', ['serve', 'plan', '--params', '{"num_cpus": 2}'], {
        SYNAPSE_PLUGIN_RELEASE_CODE: 'canary',
      }),
    ).toBe(`SYNAPSE_PLUGIN_RELEASE_CODE=canary synapse serve plan --params '{"num_cpus": 2}'`);
  });
});

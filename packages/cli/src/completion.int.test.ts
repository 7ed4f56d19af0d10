import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { childEnv, runSynapse, SYNAPSE_BIN } from './test-support/run-synapse.js';

/** The candidates of `synapse complete -- <words>` (value only), and its directive line. */
async function complete(...words: string[]): Promise<{ values: string[]; directive: string }> {
  const result = await runSynapse(['complete', '--', ...words]);
  expect(result.code).toBe(0);
  const lines = result.stdout.trimEnd().split('\n');
  return {
    values: lines.slice(0, -1).map((line) => line.split('\t')[0]!),
    directive: lines.at(-1)!,
  };
}

describe('synapse completion', () => {
  let binDir: string;

  beforeAll(async () => {
    // The scripts call `synapse` by name, as an installed bin is called.
    binDir = await mkdtemp(join(tmpdir(), 'synapse-completion-'));
    await writeFile(
      join(binDir, 'synapse'),
      `#!/bin/sh\nexec "${process.execPath}" "${SYNAPSE_BIN}" "$@"\n`,
    );
    await chmod(join(binDir, 'synapse'), 0o755);
  });

  afterAll(async () => {
    await rm(binDir, { recursive: true, force: true });
  });

  it('completes commands, subcommands, options and their choices', async () => {
    expect(await complete('')).toEqual({
      values: ['plugin', 'serve', 'runs', 'version', 'jobs', 'dev', 'completion', 'help'],
      directive: ':4',
    });
    expect((await complete('serve', '')).values).toEqual([
      'status',
      'plan',
      'delete',
      'history',
      'rollback',
      'help',
    ]);
    expect((await complete('plugin', 'run', 'deployment', '-o', '')).values).toEqual([
      'text',
      'json',
      'yaml',
      'ndjson',
    ]);
    expect((await complete('serve', 'status', '--ra')).values).toEqual([
      '--ray-address',
      '--ray-token',
    ]);
    expect((await complete('completion', '')).values).toEqual(
      expect.arrayContaining(['bash', 'zsh', 'fish']),
    );
  }, 30_000);

  it('prints scripts that call it back for bash, zsh and fish; refuses another shell', async () => {
    const scripts = await Promise.all(
      ['bash', 'zsh', 'fish'].map((shell) => runSynapse(['completion', shell])),
    );
    const other = await runSynapse(['completion', 'tcsh']);
    expect(scripts.map((s) => [s.code, s.stdout.includes('synapse complete --')])).toEqual([
      [0, true],
      [0, true],
      [0, true],
    ]);
    expect([other.code, other.stderr]).toEqual([
      2,
      "error: command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish. Run 'synapse completion --help' for usage.\n",
    ]);
  }, 30_000);

  it('completes in bash once the script is sourced', async () => {
    // bash-completion's _get_comp_words_by_ref, which the script needs, reduced to what it
    // sets here (the package is not installed on CI machines).
    const script = `
      _get_comp_words_by_ref() { cur="\${COMP_WORDS[COMP_CWORD]}"; prev="\${COMP_WORDS[COMP_CWORD-1]}"; words=("\${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
      source <(synapse completion bash)
      COMP_WORDS=(synapse serve de); COMP_CWORD=2; __synapse_complete 2>/dev/null
      echo "\${COMPREPLY[*]}"
      COMP_WORDS=(synapse serve status -o y); COMP_CWORD=4; __synapse_complete 2>/dev/null
      echo "\${COMPREPLY[*]}"`;
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      env: childEnv({ PATH: `${binDir}:${process.env['PATH'] ?? ''}` }),
    });
    expect(stdout).toBe('delete\nyaml\n');
  }, 30_000);
});

import { describe, expect, it } from '@jest/globals';

import { runSynapse } from './test-support/run-synapse.js';

describe('synapse --help', () => {
  it('lists the commands, exit codes and environment', async () => {
    const result = await runSynapse(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: synapse \[options\] \[command\]/);
    for (const text of [
      'plugin',
      'serve',
      'dev',
      '4    a rollback failed',
      '130  cancelled',
      'RAY_DASHBOARD_ADDRESS',
    ]) {
      expect(result.stdout).toContain(text);
    }
  });

  it('documents plugin run with its connection flags', async () => {
    const result = await runSynapse(['plugin', 'run', '--help']);
    expect(result.code).toBe(0);
    for (const flag of [
      '--path <dir>',
      '--params <json|@file>',
      '--json',
      '--verbose',
      '--ray-address <url>',
      '--ray-token <token>',
      '--host <url>',
      '--token <token>',
      '--agent-host <url>',
      '--agent-token <token>',
      '--job-id <id>',
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('lists only the Ray connection flags for serve status and delete', async () => {
    for (const command of ['status', 'delete']) {
      const result = await runSynapse(['serve', command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('--ray-address <url>');
      expect(result.stdout).toContain('--ray-token <token>');
      expect(result.stdout).not.toMatch(/--job-id|--host|--token|--agent-/);
    }
    const plan = await runSynapse(['serve', 'plan', '--help']);
    expect(plan.stdout).toContain('--job-id <id>');
  });

  it('lists the serve subcommands', async () => {
    const serve = await runSynapse(['serve', '--help']);
    expect(serve.stdout).toMatch(
      /status \[options\] \[app\][\s\S]*plan \[options\][\s\S]*delete \[options\] <app>/,
    );
  });

  it('shows the help on stderr and exits 2 without a command', async () => {
    const result = await runSynapse([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Usage: synapse/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestDevServer } from '@synapse-sdk/test-kit';
import { startTestDevServer } from '@synapse-sdk/test-kit';

import { REPO_ROOT, runSynapse } from '../../packages/cli/src/test-support/run-synapse.js';

describe('examples/di-plugin', () => {
  let dev: TestDevServer;

  beforeAll(async () => {
    dev = await startTestDevServer();
  });

  afterAll(() => dev.stop());

  it('loads its container module: the swapped backend client registers the app, the class step reports it', async () => {
    const result = await runSynapse(
      ['plugin', 'run', 'deployment', '--path', 'examples/di-plugin', '--json', '--job-id', '21'],
      { env: { ...dev.env, SYNAPSE_PLUGIN_RELEASE_ID: '2' }, cwd: REPO_ROOT },
    );
    expect(result.code).toBe(0);
    const { result: outcome } = JSON.parse(result.stdout) as { result: Record<string, unknown> };
    expect(outcome).toEqual({
      success: true,
      stepsExecuted: 4,
      stepsTotal: 4,
      deployed: true,
      serveApplication: expect.any(Number),
      backendCalls: ['listServeApplications', 'createServeApplication di-plugin@1.0.0'],
    });
    expect(result.stderr).toContain(
      'backend_audit audited=true backendCalls=["listServeApplications","createServeApplication di-plugin@1.0.0"]',
    );
    expect(dev.server.control.application('di-plugin@1.0.0')).toMatchObject({ status: 'RUNNING' });
    expect(dev.server.control.backend().serveApplications).toEqual([
      expect.objectContaining({
        id: outcome['serveApplication'],
        name: 'di-plugin@1.0.0',
        plugin_release: 2,
      }),
    ]);
  });

  it('says in one line what is missing and what to set when no backend is configured', async () => {
    const { SYNAPSE_HOST: _host, ...noBackend } = dev.env;
    const before = dev.requests();
    const result = await runSynapse(
      ['plugin', 'run', 'deployment', '--path', 'examples/di-plugin', '--json'],
      { env: noBackend, cwd: REPO_ROOT },
    );
    const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
    // The step classes are resolved before any step runs: only the early version read, sent
    // while the plugin loaded, reached the cluster.
    const sent = dev.requestLog().slice(before);
    expect([
      result.code,
      errorLines,
      JSON.parse(result.stdout),
      sent.filter((request) => request !== 'dashboard GET /api/version'),
      sent.length <= 1,
    ]).toEqual([
      2,
      [
        'error: Step class AuditReportStep needs @synapse-sdk/clients/BackendClient, which nothing in the DI container provides. Set SYNAPSE_HOST and SYNAPSE_ACCESS_TOKEN (--host, --token) so that a backend client exists, or bind BACKEND_CLIENT in a ContainerModule',
      ],
      {
        ok: false,
        error: expect.objectContaining({ code: 'DEPENDENCY_MISSING' }),
      },
      [],
      true,
    ]);
  });
});

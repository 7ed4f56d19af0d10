import type { ServerResponse } from 'node:http';

import { afterEach, describe, expect, it } from '@jest/globals';
import { CancelledError } from '@synapse-sdk/core';
import type { RecordingServer } from '@synapse-sdk/test-kit';
import {
  failure,
  ManualClock,
  sendJson,
  sendText,
  startRecordingServer,
} from '@synapse-sdk/test-kit';

import { AuthError } from '../http/errors.js';
import { DeployFailedError, DeployTimeoutError } from './deploy-errors.js';
import { RayServeClient } from './ray-serve-client.js';
import type { ApplicationStatusUpdate } from './wait-for-application.js';

type Reply = (res: ServerResponse, socketDestroy: () => void) => void;

const POLL = { pollIntervalMs: 1, maxPollIntervalMs: 4 };

let server: RecordingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function apps(applications: Record<string, unknown>): Reply {
  return (res) => sendJson(res, 200, { applications });
}
function app(status: string, time: number, extra: Record<string, unknown> = {}): Reply {
  return apps({
    web: {
      name: 'web',
      status,
      message: '',
      last_deployed_time_s: time,
      deployments: {},
      ...extra,
    },
  });
}

/** A dashboard answering GETs with `replies` in order, repeating the last one. */
async function scripted(...replies: Reply[]): Promise<RayServeClient> {
  let index = 0;
  server = await startRecordingServer((_req, res, raw) => {
    const reply = replies[Math.min(index, replies.length - 1)];
    index++;
    reply?.(res, () => raw.socket.destroy());
  });
  return new RayServeClient({ address: server.url, retry: { attempts: 1 } });
}

describe('RayServeClient.waitForApplication', () => {
  it('ignores the old RUNNING app and returns once the new deploy is RUNNING', async () => {
    const client = await scripted(
      app('RUNNING', 100),
      app('RUNNING', 100),
      app('DEPLOYING', 200),
      app('RUNNING', 200),
    );
    const updates: ApplicationStatusUpdate[] = [];
    const result = await client.waitForApplication('web', {
      timeoutMs: 5_000,
      sinceDeployedTime: 100,
      onStatus: (u) => updates.push(u),
      ...POLL,
    });
    expect(result.last_deployed_time_s).toBe(200);
    expect(result.status).toBe('RUNNING');
    expect(server?.requests).toHaveLength(4);
    expect(server?.requests.every((r) => r.url === '/api/serve/applications/')).toBe(true);
    expect(updates.map((u) => [u.app?.status, u.seen])).toEqual([
      ['RUNNING', false],
      ['DEPLOYING', true],
      ['RUNNING', true],
    ]);
  });

  it('waits for a new application to appear when there was none before', async () => {
    const client = await scripted(apps({}), app('DEPLOYING', 5), app('RUNNING', 5));
    expect((await client.waitForApplication('web', { timeoutMs: 5_000, ...POLL })).status).toBe(
      'RUNNING',
    );
    expect(server?.requests).toHaveLength(3);
  });

  it('fails as removed when the app is absent after a PUT Ray answered, before it showed up', async () => {
    const client = await scripted(apps({}), app('RUNNING', 5));
    const error = (await failure(
      client.waitForApplication('web', {
        timeoutMs: 5_000,
        sinceDeployedTime: 3,
        putAnswered: true,
        ...POLL,
      }),
    )) as DeployFailedError;
    expect([error.reason, error.status]).toEqual(['removed', 'absent']);
    expect(server?.requests).toHaveLength(1);
  });

  it("fails on DEPLOY_FAILED with Ray's app and deployment messages", async () => {
    const client = await scripted(
      app('DEPLOY_FAILED', 7, {
        message: "Failed to update the deployments ['Model'].",
        deployments: {
          Model: {
            name: 'Model',
            status: 'DEPLOY_FAILED',
            status_trigger: 'REPLICA_STARTUP_FAILED',
            message:
              'The deployment failed to start 3 times in a row. Error:\nValueError: bad weights',
          },
          Router: { name: 'Router', status: 'HEALTHY', message: '' },
        },
      }),
    );
    const error = (await failure(
      client.waitForApplication('web', { timeoutMs: 5_000, ...POLL }),
    )) as DeployFailedError;
    expect(error).toBeInstanceOf(DeployFailedError);
    expect(error.code).toBe('DEPLOY_FAILED');
    expect(error.reason).toBe('deploy-failed');
    expect(error.message).toContain(
      "Ray Serve application 'web' failed to deploy (DEPLOY_FAILED): Failed to update the deployments ['Model'].",
    );
    expect(error.message).toContain(
      "deployment 'Model' (DEPLOY_FAILED, REPLICA_STARTUP_FAILED): The deployment failed to start 3 times in a row. Error:\nValueError: bad weights",
    );
    expect(error.message).not.toContain('Router');
    expect(error.deployments.map((d) => d.name)).toEqual(['Model']);
  });

  it('fails on UNHEALTHY by default', async () => {
    const client = await scripted(
      app('UNHEALTHY', 7, { message: "The deployments ['Model'] are UNHEALTHY." }),
    );
    const error = (await failure(
      client.waitForApplication('web', { timeoutMs: 5_000, ...POLL }),
    )) as DeployFailedError;
    expect(error.reason).toBe('unhealthy');
    expect(error.message).toContain(
      "became unhealthy (UNHEALTHY): The deployments ['Model'] are UNHEALTHY.",
    );
  });

  it('keeps waiting through UNHEALTHY when told to', async () => {
    const client = await scripted(app('UNHEALTHY', 7), app('RUNNING', 7));
    const result = await client.waitForApplication('web', {
      timeoutMs: 5_000,
      unhealthy: 'wait',
      ...POLL,
    });
    expect(result.status).toBe('RUNNING');
  });

  it('fails when another writer removes the app after the deploy showed up', async () => {
    const deleting = await scripted(app('DEPLOYING', 7), app('DELETING', 7));
    const first = (await failure(
      deleting.waitForApplication('web', { timeoutMs: 5_000, ...POLL }),
    )) as DeployFailedError;
    expect(first.reason).toBe('removed');
    expect(first.message).toContain('was removed by another writer');
    await server?.close();

    const vanished = await scripted(app('DEPLOYING', 7), apps({}));
    const second = (await failure(
      vanished.waitForApplication('web', { timeoutMs: 5_000, ...POLL }),
    )) as DeployFailedError;
    expect(second.reason).toBe('removed');
    expect(second.status).toBe('absent');
  });

  it('fails at the first read after an answered PUT that finds the app gone (Ray lists it at once)', async () => {
    const gone = await scripted(apps({}), app('RUNNING', 9));
    const error = (await failure(
      gone.waitForApplication('web', {
        timeoutMs: 5_000,
        sinceDeployedTime: null,
        putAnswered: true,
        ...POLL,
      }),
    )) as DeployFailedError;
    expect([error.reason, error.status, server?.requests.length]).toEqual(['removed', 'absent', 1]);
  });

  it('tolerates 503 and connection resets while polling', async () => {
    const client = await scripted(
      (res) =>
        sendText(res, 503, 'Failed to get a response from the controller. The GCS may be down'),
      (_res, destroy) => destroy(),
      app('RUNNING', 9),
    );
    expect((await client.waitForApplication('web', { timeoutMs: 5_000, ...POLL })).status).toBe(
      'RUNNING',
    );
    expect(server?.requests).toHaveLength(3);
  });

  it('does not swallow other errors', async () => {
    const client = await scripted((res) =>
      sendText(res, 401, 'Unauthorized: Missing authentication token'),
    );
    expect(
      await failure(client.waitForApplication('web', { timeoutMs: 5_000, ...POLL })),
    ).toBeInstanceOf(AuthError);
    expect(server?.requests).toHaveLength(1);
  });

  it('times out with the last status, message and timeout', async () => {
    const client = await scripted(
      app('DEPLOYING', 3, { message: 'Deploying app web: installing pip packages' }),
    );
    const error = (await failure(
      client.waitForApplication('web', { timeoutMs: 300, ...POLL }),
    )) as DeployTimeoutError;
    expect(error).toBeInstanceOf(DeployTimeoutError);
    expect(error.code).toBe('DEPLOY_TIMEOUT');
    expect(error.timeoutMs).toBe(300);
    expect(error.lastStatus).toBe('DEPLOYING');
    expect(error.message).toBe(
      "Timed out after 300 ms waiting for Ray Serve application 'web' to be RUNNING; last status DEPLOYING: Deploying app web: installing pip packages",
    );
  });

  it("polls at a steady interval on the client's clock and times out within it", async () => {
    const clock = new ManualClock({ autoAdvance: true });
    server = await startRecordingServer((_req, res) => app('DEPLOYING', 3)(res, () => undefined));
    const client = new RayServeClient({ address: server.url, retry: { attempts: 1 }, clock });
    const error = await failure(client.waitForApplication('web', { timeoutMs: 10_250 }));
    const sleeps = clock.sleeps;
    expect([
      error instanceof DeployTimeoutError,
      new Set(sleeps),
      sleeps.length,
      server.requests.length,
    ]).toEqual([true, new Set([500]), 20, 21]);
  });

  it('after a PUT, waits one interval before the first poll', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    server = await startRecordingServer((_req, res) => app('RUNNING', 3)(res, () => undefined));
    const client = new RayServeClient({ address: server.url, retry: { attempts: 1 }, clock });
    const startedAt = clock.now();
    const result = await client.waitForApplication('web', { timeoutMs: 5_000, afterPut: true });
    expect([result.status, clock.sleeps, clock.now() - startedAt, server.requests.length]).toEqual([
      'RUNNING',
      [500],
      500,
      1,
    ]);
  });

  it('backs off after failed polls, doubling up to the maximum, then polls steadily again', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const replies: Reply[] = [
      ...Array.from({ length: 4 }, (): Reply => (res) => sendText(res, 503, 'GCS down')),
      app('DEPLOYING', 3),
      app('DEPLOYING', 3),
      app('RUNNING', 3),
    ];
    let index = 0;
    server = await startRecordingServer((_req, res, raw) => {
      replies[Math.min(index++, replies.length - 1)]?.(res, () => raw.socket.destroy());
    });
    const client = new RayServeClient({ address: server.url, retry: { attempts: 1 }, clock });
    await client.waitForApplication('web', {
      timeoutMs: 60_000,
      pollIntervalMs: 100,
      maxPollIntervalMs: 1_000,
    });
    expect(clock.sleeps).toEqual([200, 400, 800, 1_000, 100, 100]);
  });

  it('times out saying the deploy never showed up', async () => {
    const client = await scripted(app('RUNNING', 100));
    const error = (await failure(
      client.waitForApplication('web', { timeoutMs: 300, sinceDeployedTime: 100, ...POLL }),
    )) as DeployTimeoutError;
    expect(error.message).toContain(
      'the new deploy never showed up (last_deployed_time_s unchanged; status RUNNING)',
    );
  });

  it('times out even while the dashboard hangs, reporting the last poll error', async () => {
    const client = await scripted(
      (res) => sendText(res, 503, 'controller down'),
      () => undefined,
    );
    const error = (await failure(
      client.waitForApplication('web', { timeoutMs: 300, ...POLL }),
    )) as DeployTimeoutError;
    expect(error).toBeInstanceOf(DeployTimeoutError);
    expect(error.message).toContain(
      'application never appeared; last poll failed: Ray dashboard GET',
    );
  });

  it('stops with CancelledError when the signal aborts', async () => {
    const client = await scripted(app('DEPLOYING', 3));
    const controller = new AbortController();
    const pending = failure(
      client.waitForApplication('web', { timeoutMs: 10_000, signal: controller.signal, ...POLL }),
    );
    while ((server?.requests.length ?? 0) < 2) await new Promise((r) => setTimeout(r, 2));
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).message).toContain(
      "Cancelled while waiting for Ray Serve application 'web'",
    );
  });
});

describe('RayServeClient.waitForApplicationRemoved', () => {
  it('returns once the application is gone', async () => {
    const client = await scripted(
      app('RUNNING', 1),
      app('DELETING', 1),
      apps({ other: { status: 'RUNNING' } }),
    );
    await client.waitForApplicationRemoved('web', { timeoutMs: 5_000, ...POLL });
    expect(server?.requests).toHaveLength(3);
  });

  it('times out while it is still there', async () => {
    const client = await scripted(app('DELETING', 1));
    const error = (await failure(
      client.waitForApplicationRemoved('web', { timeoutMs: 300, ...POLL }),
    )) as DeployTimeoutError;
    expect(error.message).toContain(
      "waiting for Ray Serve application 'web' to be removed; last status DELETING",
    );
  });
});

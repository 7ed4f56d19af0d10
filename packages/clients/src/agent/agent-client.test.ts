import { afterEach, describe, expect, it } from '@jest/globals';
import type { RecordingServer } from '@synapse-sdk/test-kit';
import { sendJson, sendText, startRecordingServer } from '@synapse-sdk/test-kit';

import { NotFoundError } from '../http/errors.js';
import { AgentClient } from './agent-client.js';

let server: RecordingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function agent(handler: Parameters<typeof startRecordingServer>[0]): Promise<AgentClient> {
  server = await startRecordingServer(handler);
  return new AgentClient({
    baseUrl: server.url,
    token: 'agent-raw-token-7777',
    userToken: 'user-tok-8888',
    tenant: 'tenant-9999',
    retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1, jitter: 0 },
  });
}

describe('AgentClient', () => {
  describe('.fromEnv', () => {
    it('needs both SYNAPSE_AGENT_HOST and SYNAPSE_AGENT_TOKEN', async () => {
      expect(AgentClient.fromEnv({ SYNAPSE_AGENT_HOST: 'http://a:1' })).toBeUndefined();
      expect(AgentClient.fromEnv({ SYNAPSE_AGENT_TOKEN: 't' })).toBeUndefined();
      server = await startRecordingServer((_req, res) => sendJson(res, 200, { status: 'ok' }));
      const client = AgentClient.fromEnv({
        SYNAPSE_AGENT_HOST: server.url,
        SYNAPSE_AGENT_TOKEN: 'env-agent-token',
      });
      await client?.healthCheck();
      expect(server.requests[0]?.headers.authorization).toBe('env-agent-token');
    });
  });

  describe('.healthCheck', () => {
    it('GETs health/ with the raw token and the Token-prefixed user and tenant headers', async () => {
      const client = await agent((_req, res) => sendJson(res, 200, { status: 'ok' }));
      expect(await client.healthCheck()).toEqual({ status: 'ok' });
      const request = server?.requests[0];
      expect([request?.method, request?.url]).toEqual(['GET', '/health/']);
      expect(request?.headers.authorization).toBe('agent-raw-token-7777');
      expect(request?.headers['synapse-user']).toBe('Token user-tok-8888');
      expect(request?.headers['synapse-tenant']).toBe('Token tenant-9999');
    });
  });

  describe('.getServeApplication', () => {
    it('GETs ray/serve_applications/{name} without a trailing slash, name URL-encoded', async () => {
      const client = await agent((_req, res) =>
        sendJson(res, 200, { name: 'plugin@1.0', status: 'RUNNING' }),
      );
      expect(await client.getServeApplication('plugin@1.0')).toEqual({
        name: 'plugin@1.0',
        status: 'RUNNING',
      });
      expect(server?.requests[0]?.url).toBe('/ray/serve_applications/plugin%401.0');
    });

    it('throws NotFoundError for an unknown application', async () => {
      const client = await agent((_req, res) => sendText(res, 404, 'not found'));
      await expect(client.getServeApplication('gone')).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('.listServeApplications', () => {
    it('GETs ray/serve_applications/ and accepts a plain list', async () => {
      const client = await agent((_req, res) => sendJson(res, 200, [{ name: 'a' }, { name: 'b' }]));
      expect(await client.listServeApplications()).toEqual([{ name: 'a' }, { name: 'b' }]);
      expect(server?.requests[0]?.url).toBe('/ray/serve_applications/');
    });

    it('accepts a results page', async () => {
      const client = await agent((_req, res) =>
        sendJson(res, 200, { count: 1, results: [{ name: 'a' }] }),
      );
      expect(await client.listServeApplications()).toEqual([{ name: 'a' }]);
    });
  });

  describe('.deleteServeApplication', () => {
    it('DELETEs ray/serve_applications/{name}', async () => {
      const client = await agent((_req, res) => sendText(res, 200, ''));
      await client.deleteServeApplication('my app');
      expect(server?.requests.map((r) => [r.method, r.url])).toEqual([
        ['DELETE', '/ray/serve_applications/my%20app'],
      ]);
    });
  });
});

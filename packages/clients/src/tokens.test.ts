import { describe, expect, it } from '@jest/globals';
import { Container } from 'inversify';

import { AgentClient } from './agent/agent-client.js';
import { BackendClient } from './backend/backend-client.js';
import { RayServeClient } from './ray/ray-serve-client.js';
import { AGENT_CLIENT, BACKEND_CLIENT, RAY_SERVE_CLIENT } from './tokens.js';

describe('DI tokens', () => {
  it('are global symbols named after the package and class', () => {
    expect(RAY_SERVE_CLIENT).toBe(Symbol.for('@synapse-sdk/clients/RayServeClient'));
    expect(BACKEND_CLIENT).toBe(Symbol.for('@synapse-sdk/clients/BackendClient'));
    expect(AGENT_CLIENT).toBe(Symbol.for('@synapse-sdk/clients/AgentClient'));
  });

  it('resolve the bound clients from an inversify container', () => {
    const container = new Container();
    const ray = new RayServeClient({ address: 'http://127.0.0.1:8265' });
    const backend = new BackendClient({ baseUrl: 'http://127.0.0.1:8000' });
    const agent = new AgentClient({ baseUrl: 'http://127.0.0.1:8100', token: 'tok-0000' });
    container.bind(RAY_SERVE_CLIENT).toConstantValue(ray);
    container.bind(BACKEND_CLIENT).toConstantValue(backend);
    container.bind(AGENT_CLIENT).toConstantValue(agent);
    expect(container.get(RAY_SERVE_CLIENT)).toBe(ray);
    expect(container.get(BACKEND_CLIENT)).toBe(backend);
    expect(container.get(AGENT_CLIENT)).toBe(agent);
  });
});

/**
 * The client types a {@link RuntimeContext} carries. Core knows nothing about HTTP, so this
 * interface is empty here; `@synapse-sdk/clients` augments it with `backend` and `agent`, which
 * types `ctx.client` and `ctx.agentClient` for every program that imports the clients package.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by module augmentation
export interface RuntimeClientTypes {}

/** The backend client type, once `@synapse-sdk/clients` is imported; `unknown` before. */
export type BackendClientType = RuntimeClientTypes extends { backend: infer T } ? T : unknown;

/** The agent client type, once `@synapse-sdk/clients` is imported; `unknown` before. */
export type AgentClientType = RuntimeClientTypes extends { agent: infer T } ? T : unknown;

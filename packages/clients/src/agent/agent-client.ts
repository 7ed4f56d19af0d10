import { registerSecret } from '@synapse-sdk/core/base';
import { z } from 'zod';

import type { ClientCommonOptions, Env } from '../http/client-options.js';
import { envValue, resolveBaseUrl } from '../http/client-options.js';
import { HttpClient } from '../http/http-client.js';
import { JsonObjectSchema, jsonOrEmpty } from '../http/json-body.js';
import { AGENT_SERVICE } from '../http/service.js';
import { AGENT_TIMEOUTS } from '../http/timeouts.js';

/** Options of {@link AgentClient}. */
export interface AgentClientOptions extends ClientCommonOptions {
  /** Agent base URL, e.g. `http://agent.local:8000/`. */
  baseUrl: string;
  /** Agent token, sent raw as `Authorization: <token>` (no prefix, as the Python SDK does). */
  token: string;
  /** Sent as `SYNAPSE-User: Token <t>`. */
  userToken?: string | undefined;
  /** Sent as `SYNAPSE-Tenant: Token <t>`. */
  tenant?: string | undefined;
}

/** Per-call options of the agent methods. */
export interface AgentCallOptions {
  signal?: AbortSignal | undefined;
}

/** A serve application as the agent reports it (shape defined by the agent; kept as is). */
export type AgentServeApplication = Record<string, unknown>;

const ListSchema = z.union([
  z.array(JsonObjectSchema),
  z.looseObject({ results: z.array(JsonObjectSchema) }),
]);

/**
 * Client of the Synapse agent that runs beside the Ray cluster: health and the agent's view of
 * Ray Serve applications.
 */
export class AgentClient {
  private readonly http: HttpClient;

  public constructor(options: AgentClientOptions) {
    registerSecret(options.token);
    registerSecret(options.userToken);
    const headers: Record<string, string> = { Authorization: options.token };
    if (options.userToken) headers['SYNAPSE-User'] = `Token ${options.userToken}`;
    if (options.tenant) headers['SYNAPSE-Tenant'] = `Token ${options.tenant}`;
    this.http = new HttpClient({
      service: AGENT_SERVICE,
      baseUrl: resolveBaseUrl(AGENT_SERVICE, options.baseUrl),
      headers,
      timeouts: { ...AGENT_TIMEOUTS, ...options.timeouts },
      retry: options.retry,
      logger: options.logger,
      onRetry: options.onRetry,
      clock: options.clock,
    });
  }

  /** A client for `SYNAPSE_AGENT_HOST` with `SYNAPSE_AGENT_TOKEN`; undefined unless both are set. */
  public static fromEnv(env: Env, options: ClientCommonOptions = {}): AgentClient | undefined {
    const baseUrl = envValue(env, 'SYNAPSE_AGENT_HOST');
    const token = envValue(env, 'SYNAPSE_AGENT_TOKEN');
    if (!baseUrl || !token) return undefined;
    return new AgentClient({ ...options, baseUrl, token });
  }

  /** The agent's base URL, without credentials. */
  public get baseUrl(): string {
    return this.http.displayBaseUrl;
  }

  /** `GET health/`: the agent's health answer (JSON, or undefined when the body is empty). */
  public async healthCheck(options: AgentCallOptions = {}): Promise<unknown> {
    const response = await this.http.request({
      method: 'GET',
      path: 'health/',
      signal: options.signal,
    });
    return jsonOrEmpty(this.http, 'GET', response);
  }

  /**
   * `GET ray/serve_applications/{name}` (no trailing slash, as in the Python SDK).
   * @throws NotFoundError (HTTP_NOT_FOUND) when the agent does not know the application.
   */
  public getServeApplication(
    name: string,
    options: AgentCallOptions = {},
  ): Promise<AgentServeApplication> {
    return this.http.requestJson(
      {
        method: 'GET',
        path: `ray/serve_applications/${encodeURIComponent(name)}`,
        signal: options.signal,
      },
      JsonObjectSchema,
    );
  }

  /** `GET ray/serve_applications/`: every application (a plain list or a `results` page). */
  public async listServeApplications(
    options: AgentCallOptions = {},
  ): Promise<AgentServeApplication[]> {
    const body = await this.http.requestJson(
      { method: 'GET', path: 'ray/serve_applications/', signal: options.signal },
      ListSchema,
    );
    return Array.isArray(body) ? body : body.results;
  }

  /** `DELETE ray/serve_applications/{name}` (no trailing slash, as in the Python SDK). */
  public async deleteServeApplication(name: string, options: AgentCallOptions = {}): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      path: `ray/serve_applications/${encodeURIComponent(name)}`,
      signal: options.signal,
    });
  }
}

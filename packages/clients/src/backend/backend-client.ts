import type { FieldIssue } from '@synapse-sdk/core/base';
import { registerSecret, zodIssues } from '@synapse-sdk/core/base';
import type { z } from 'zod';

import type { ClientCommonOptions, Env } from '../http/client-options.js';
import { envValue, resolveBaseUrl } from '../http/client-options.js';
import { RequestValidationError, ResponseValidationError } from '../http/errors.js';
import type { HttpMethod } from '../http/http-client.js';
import { HttpClient } from '../http/http-client.js';
import { jsonOrEmpty, objectOrEmpty } from '../http/json-body.js';
import { BACKEND_SERVICE } from '../http/service.js';
import { BACKEND_TIMEOUTS } from '../http/timeouts.js';
import type { SearchParams } from '../http/url.js';
import { displayUrl, joinUrl } from '../http/url.js';
import type {
  BackendServeApplication,
  LogEntry,
  Page,
  ServeApplicationCreateRequest,
  UpdateJobRequest,
} from './schemas.js';
import {
  BackendServeApplicationSchema,
  LogEntrySchema,
  pageSchema,
  ServeApplicationCreateSchema,
  UpdateJobSchema,
} from './schemas.js';

/** Page size asked for on the first page of a list, as the Python SDK does. */
export const BACKEND_PAGE_SIZE = 100;

/** Guard against a backend whose `next` links never end. */
const MAX_PAGES = 10_000;

/** Options of {@link BackendClient}. */
export interface BackendClientOptions extends ClientCommonOptions {
  /** Backend base URL, e.g. `https://api.synapse.example/`; paths are joined onto it. */
  baseUrl: string;
  /** Sent as `Synapse-Access-Token: Token <t>`. */
  accessToken?: string | undefined;
  /** Sent as `Authorization: Token <t>`. */
  authorizationToken?: string | undefined;
  /** Sent as `Synapse-Tenant: Token <t>`. */
  tenant?: string | undefined;
  /** Sent as `SYNAPSE-Agent: Token <t>`. */
  agentToken?: string | undefined;
}

/** Per-call options of the backend methods. */
export interface BackendCallOptions {
  signal?: AbortSignal | undefined;
}

/** Options of {@link BackendClient.createServeApplication}. */
export interface CreateServeApplicationOptions extends BackendCallOptions {
  /**
   * Sent as `Idempotency-Key`. With it, the POST is retried on connection errors and
   * 502/503/504 (the backend drops duplicates); without it, it is sent exactly once.
   */
  idempotencyKey?: string | undefined;
  /**
   * `false` sends the POST exactly once even with an idempotency key, for a caller that looks
   * the record up before sending it again (a backend that ignores the key would otherwise
   * create one record per try). @default true
   */
  retry?: boolean | undefined;
}

/**
 * Client of the Synapse backend: serve application records, job updates and job logs.
 * Request bodies are validated before sending (unknown keys refused).
 */
export class BackendClient {
  private readonly http: HttpClient;

  public constructor(options: BackendClientOptions) {
    const headers: Record<string, string> = {};
    const tokens: [string, string | undefined][] = [
      ['Synapse-Access-Token', options.accessToken],
      ['Authorization', options.authorizationToken],
      ['Synapse-Tenant', options.tenant],
      ['SYNAPSE-Agent', options.agentToken],
    ];
    for (const [header, value] of tokens) {
      if (!value) continue;
      // The tenant is an identifier, not a credential: masking it would garble app names.
      if (header !== 'Synapse-Tenant') registerSecret(value);
      headers[header] = `Token ${value}`;
    }
    this.http = new HttpClient({
      service: BACKEND_SERVICE,
      baseUrl: resolveBaseUrl(BACKEND_SERVICE, options.baseUrl),
      headers,
      timeouts: { ...BACKEND_TIMEOUTS, ...options.timeouts },
      retry: options.retry,
      logger: options.logger,
      onRetry: options.onRetry,
      clock: options.clock,
    });
  }

  /**
   * A client for `SYNAPSE_PLUGIN_RUN_HOST` (else `SYNAPSE_HOST`) with `SYNAPSE_ACCESS_TOKEN`;
   * undefined when no host is set.
   */
  public static fromEnv(env: Env, options: ClientCommonOptions = {}): BackendClient | undefined {
    const baseUrl = envValue(env, 'SYNAPSE_PLUGIN_RUN_HOST', 'SYNAPSE_HOST');
    if (!baseUrl) return undefined;
    return new BackendClient({
      ...options,
      baseUrl,
      accessToken: envValue(env, 'SYNAPSE_ACCESS_TOKEN'),
    });
  }

  /** The backend's base URL, without credentials. */
  public get baseUrl(): string {
    return this.http.displayBaseUrl;
  }

  /**
   * `POST serve_applications/`: creates a serve application record.
   * @throws RequestValidationError before sending when `data` is invalid.
   */
  public async createServeApplication(
    data: ServeApplicationCreateRequest,
    options: CreateServeApplicationOptions = {},
  ): Promise<BackendServeApplication> {
    const path = 'serve_applications/';
    const body = this.validate(
      'POST',
      path,
      'serve application',
      ServeApplicationCreateSchema,
      data,
    );
    const clean = Object.fromEntries(
      Object.entries(body).filter(([, v]) => v !== null && v !== undefined),
    );
    return this.http.requestJson(
      {
        method: 'POST',
        path,
        json: clean,
        signal: options.signal,
        idempotencyKey: options.idempotencyKey,
        retry: options.retry,
      },
      BackendServeApplicationSchema,
    );
  }

  /** `GET serve_applications/`: one page (`page_size` 100 unless `params` says otherwise). */
  public listServeApplicationsPage(
    params: SearchParams = {},
    options: BackendCallOptions = {},
  ): Promise<Page<BackendServeApplication>> {
    return this.http.requestJson(
      {
        method: 'GET',
        path: 'serve_applications/',
        searchParams: { page_size: BACKEND_PAGE_SIZE, ...params },
        signal: options.signal,
      },
      pageSchema(BackendServeApplicationSchema),
    );
  }

  /** `GET serve_applications/`, following every `next` link; returns all results in order. */
  public async listServeApplications(
    params: SearchParams = {},
    options: BackendCallOptions = {},
  ): Promise<BackendServeApplication[]> {
    const results: BackendServeApplication[] = [];
    const visited = new Set<string>();
    let page = await this.listServeApplicationsPage(params, options);
    let pageUrl = joinUrl(this.http.baseUrl, 'serve_applications/');
    for (let count = 1; ; count++) {
      results.push(...page.results);
      if (!page.next) return results;
      const next = new URL(page.next, pageUrl);
      if (next.origin !== this.http.baseUrl.origin) {
        throw this.badNext(
          next,
          `points at another origin than ${this.baseUrl}; refusing to send credentials there`,
        );
      }
      if (visited.has(next.href) || count >= MAX_PAGES) {
        throw this.badNext(next, 'repeats a page already read');
      }
      visited.add(next.href);
      pageUrl = next;
      page = await this.http.requestJson(
        { method: 'GET', path: next.href, signal: options.signal },
        pageSchema(BackendServeApplicationSchema),
      );
    }
  }

  /**
   * `PATCH jobs/{id}/`: updates a job's status, progress, metrics, console logs or result.
   * @throws RequestValidationError before sending when `data` is invalid.
   */
  public async updateJob(
    jobId: number | string,
    data: UpdateJobRequest,
    options: BackendCallOptions = {},
  ): Promise<Record<string, unknown>> {
    const path = `jobs/${encodeURIComponent(String(jobId))}/`;
    const body = this.validate('PATCH', path, 'job update', UpdateJobSchema, data);
    const response = await this.http.request({
      method: 'PATCH',
      path,
      json: body,
      signal: options.signal,
    });
    return objectOrEmpty(this.http, 'PATCH', response);
  }

  /**
   * `POST logs/`: records job log entries. A list of one entry is sent as that entry alone,
   * as the Python SDK does.
   */
  public async createLogs(
    entries: LogEntry | readonly LogEntry[],
    options: BackendCallOptions = {},
  ): Promise<unknown> {
    const path = 'logs/';
    const list: readonly LogEntry[] = Array.isArray(entries) ? entries : [entries as LogEntry];
    const issues: FieldIssue[] = [];
    list.forEach((entry, index) => {
      const parsed = LogEntrySchema.safeParse(entry);
      if (!parsed.success) {
        for (const issue of zodIssues(parsed.error)) {
          issues.push({
            path: [String(index), issue.path].filter(Boolean).join('.'),
            message: issue.message,
          });
        }
      }
    });
    if (issues.length > 0) {
      throw RequestValidationError.beforeSend(
        this.http.callTo('POST', path),
        'log entries',
        issues,
      );
    }
    const body = list.length === 1 ? list[0] : list;
    const response = await this.http.request({
      method: 'POST',
      path,
      json: body,
      signal: options.signal,
    });
    return jsonOrEmpty(this.http, 'POST', response);
  }

  private validate<T extends z.ZodType>(
    method: HttpMethod,
    path: string,
    what: string,
    schema: T,
    data: unknown,
  ): z.output<T> {
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw RequestValidationError.beforeSend(
        this.http.callTo(method, path),
        what,
        zodIssues(parsed.error, schema),
      );
    }
    return parsed.data;
  }

  private badNext(next: URL, why: string): ResponseValidationError {
    return new ResponseValidationError({
      service: BACKEND_SERVICE.name,
      method: 'GET',
      url: displayUrl(next),
      description: `the pagination link ${why}`,
    });
  }
}

import { createReadStream } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { STATUS_CODES } from 'node:http';

import type { Clock, Logger, RetryPolicy, TryOutcome } from '@synapse-sdk/core/base';
import {
  CancelledError,
  done,
  registerSecret,
  retryLoop,
  silentLogger,
  systemClock,
  tryAgain,
  zodIssues,
} from '@synapse-sdk/core/base';
import got from 'got';
import type { z } from 'zod';

import { USER_AGENT } from '../version.js';
import type { CallTarget } from './error-mapping.js';
import {
  CONNECTION_ERROR_CODES,
  errorCode,
  errorForStatus,
  errorForTransport,
} from './error-mapping.js';
import { ClientError, ResponseValidationError, trimServerMessage } from './errors.js';
import type { ResolvedRetryPolicy } from './retry.js';
import { isRetrySafe, parseRetryAfter, resolveRetryPolicy, RETRYABLE_STATUSES } from './retry.js';
import type { ServiceProfile } from './service.js';
import type { TimeoutOptions } from './timeouts.js';
import type { SearchParams } from './url.js';
import { displayUrl, joinUrl } from './url.js';

/** HTTP methods the clients use. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Reported before every retry. Holds no headers; its strings are redacted. */
export interface RetryEvent {
  service: ServiceProfile['name'];
  method: HttpMethod;
  url: string;
  /** The attempt that just failed (1-based). */
  attempt: number;
  /** Total attempts allowed. */
  attempts: number;
  /** Wait before the next attempt. */
  delayMs: number;
  /** Why the attempt failed, e.g. `503 Service Unavailable` or `connection refused`. */
  reason: string;
  /** HTTP status, when the server answered. */
  status?: number;
}

/** Observer called before each retry; exceptions it throws are ignored. */
export type RetryListener = (event: RetryEvent) => void;

/** Options of {@link HttpClient}. */
export interface HttpClientOptions {
  service: ServiceProfile;
  /** Base URL ending in `/`; request paths are joined onto it as given. */
  baseUrl: URL;
  /** Headers sent with every request (authentication). Never logged. */
  headers?: Record<string, string>;
  timeouts: TimeoutOptions;
  retry?: Partial<RetryPolicy> | undefined;
  logger?: Logger | undefined;
  onRetry?: RetryListener | undefined;
  /** Times the waits between retries. @default systemClock */
  clock?: Clock | undefined;
}

/** A request body read from a file as it is sent, so a large upload is never held in memory. */
export interface FileBody {
  path: string;
  /** Sent as `Content-Length`. */
  byteLength: number;
}

/** One request. */
export interface HttpRequest {
  method: HttpMethod;
  /** Path relative to the base URL (kept as given, trailing slash included), or an absolute URL. */
  path: string;
  searchParams?: SearchParams;
  /** JSON body; sent with `Content-Type: application/json`. */
  json?: unknown;
  /** Raw body, in memory or in a file; sent with `contentType`. */
  body?: Uint8Array | FileBody;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /**
   * Sent as `Idempotency-Key`; makes a POST or PATCH safe to retry, since the server drops
   * duplicates carrying the same key.
   */
  idempotencyKey?: string | undefined;
  /**
   * `true` when repeating this POST or PATCH is harmless by the API's own semantics (e.g. Ray's
   * job stop), so it is retried like a GET. @default false
   */
  idempotent?: boolean;
  /** `false` makes exactly one attempt. @default true */
  retry?: boolean | undefined;
  /** Non-2xx statuses returned as responses instead of thrown (e.g. 404 for "absent"). */
  acceptStatuses?: readonly number[];
}

/** One request, ready to send as often as the retry policy allows. */
interface Attempt {
  url: URL;
  target: CallTarget;
  request: HttpRequest;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  /** A body streamed from a file, read anew by each attempt. */
  fileBody: FileBody | undefined;
}

/** A received response. */
export interface HttpResponse {
  status: number;
  /** Final URL, credentials stripped. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * The HTTP layer shared by every client: URL joining, connect/read timeouts, retries with
 * exponential backoff and jitter, cancellation, our own User-Agent, and error mapping to
 * {@link ClientError}. Built on got with got's own retries turned off, so attempt counts are
 * exact: an idempotent request (or one with an idempotency key) is retried on connection
 * errors, timeouts and 502/503/504; anything else fails on the first answer.
 */
export class HttpClient {
  public readonly service: ServiceProfile;
  public readonly baseUrl: URL;
  public readonly timeouts: TimeoutOptions;
  public readonly retryPolicy: ResolvedRetryPolicy;
  /** The clock the waits between retries run on (the owner's polls use it too). */
  public readonly clock: Clock;
  private readonly headers: Record<string, string>;
  private readonly logger: Logger;
  private readonly onRetry: RetryListener | undefined;

  public constructor(options: HttpClientOptions) {
    this.service = options.service;
    this.baseUrl = options.baseUrl;
    registerSecret(decodeURIComponent(options.baseUrl.password));
    this.timeouts = { ...options.timeouts };
    this.retryPolicy = resolveRetryPolicy(options.retry);
    this.clock = options.clock ?? systemClock;
    this.headers = { ...options.headers };
    this.logger = options.logger ?? silentLogger;
    this.onRetry = options.onRetry;
  }

  /** The base URL as it may be shown: no credentials. */
  public get displayBaseUrl(): string {
    return displayUrl(this.baseUrl);
  }

  /** A call as the error mapping describes it: service, method, URL and base URL, no credentials. */
  public callTarget(method: string, path: string, searchParams?: SearchParams): CallTarget {
    return {
      service: this.service,
      method,
      url: displayUrl(joinUrl(this.baseUrl, path, searchParams)),
      baseUrl: this.displayBaseUrl,
    };
  }

  /** The service, method and URL (credentials stripped) of a call, as errors name it. */
  public callTo(
    method: HttpMethod,
    path: string,
  ): { service: ServiceProfile['name']; method: string; url: string } {
    const { service, url } = this.callTarget(method, path);
    return { service: service.name, method, url };
  }

  /** Sends a request and returns the response; throws a {@link ClientError} for failures. */
  public async request(request: HttpRequest): Promise<HttpResponse> {
    const url = joinUrl(this.baseUrl, request.path, request.searchParams);
    const target = this.callTarget(request.method, request.path, request.searchParams);
    const attempts =
      request.retry === false ||
      !(request.idempotent === true || isRetrySafe(request.method, request.idempotencyKey))
        ? 1
        : this.retryPolicy.attempts;
    const headers = this.buildHeaders(request);
    const fileBody =
      request.body && !(request.body instanceof Uint8Array) ? request.body : undefined;
    const body =
      request.json !== undefined
        ? JSON.stringify(request.json)
        : request.body instanceof Uint8Array
          ? Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength)
          : undefined;
    if (fileBody) headers['content-length'] = String(fileBody.byteLength);
    const send = { url, target, request, headers, body, fileBody };
    return await retryLoop(
      (attempt) => this.attempt(send, attempt),
      {
        clock: this.clock,
        backoff: this.retryPolicy,
        attempts,
        signal: request.signal,
        onRetry: (retry) =>
          this.reportRetry(
            request.method,
            target,
            retry.attempt,
            attempts,
            retry.delayMs,
            retry.reason as ClientError,
          ),
      },
      ({ why, reason }) =>
        why === 'cancelled' ? this.cancelled(target, request.signal) : (reason as ClientError),
    );
  }

  /**
   * Sends one attempt: the response, or the failure to retry (with the server's `Retry-After`);
   * throws failures that retrying cannot fix.
   */
  private async attempt(send: Attempt, attempt: number): Promise<TryOutcome<HttpResponse>> {
    const { url, target, request, headers, body, fileBody } = send;
    const startedAt = this.clock.now();
    let failure: ClientError;
    let retryAfterMs: number | undefined;
    try {
      const response = await got(url, {
        method: request.method,
        headers,
        // A stream is consumed by one attempt: each attempt reads the file anew.
        body: fileBody ? createReadStream(fileBody.path) : body,
        throwHttpErrors: false,
        retry: { limit: 0 },
        followRedirect: false,
        responseType: 'buffer',
        signal: request.signal,
        timeout: {
          lookup: this.timeouts.connectMs,
          connect: this.timeouts.connectMs,
          secureConnect: this.timeouts.connectMs,
          response: this.timeouts.readMs,
          read: this.timeouts.readMs,
        },
      });
      const status = response.statusCode;
      this.logger.debug(`${this.service.name} ${request.method} ${target.url} -> ${status}`, {
        attempt,
        durationMs: this.clock.now() - startedAt,
      });
      if ((status >= 200 && status < 300) || request.acceptStatuses?.includes(status)) {
        return done({ status, url: target.url, headers: response.headers, body: response.rawBody });
      }
      failure = errorForStatus(target, status, response.rawBody.toString('utf8'), response.headers);
      if (!RETRYABLE_STATUSES.has(status)) throw failure;
      retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    } catch (error) {
      if (error instanceof ClientError) throw error;
      if (isAbort(error, request.signal)) throw this.cancelled(target, request.signal);
      failure = errorForTransport(target, error, this.timeouts);
      if (!isRetryableTransport(error)) throw failure;
    }
    if (this.retryPolicy.retryOn && !this.retryPolicy.retryOn(failure)) throw failure;
    return tryAgain(failure, retryAfterMs);
  }

  /** Sends a request and parses the JSON answer with `schema`. */
  public async requestJson<T>(request: HttpRequest, schema: z.ZodType<T>): Promise<T> {
    const response = await this.request(request);
    return this.parseJson(request.method, response, schema);
  }

  /**
   * Parses a response body as JSON validated by `schema`; throws
   * {@link ResponseValidationError} for malformed JSON or a wrong shape.
   */
  public parseJson<T>(method: HttpMethod, response: HttpResponse, schema: z.ZodType<T>): T {
    const text = response.body.toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ResponseValidationError({
        service: this.service.name,
        method,
        url: response.url,
        status: response.status,
        serverMessage: trimServerMessage(text.slice(0, 500)),
        description: `the response is not valid JSON (${error instanceof Error ? error.message : String(error)}): ${trimServerMessage(text.slice(0, 200))}`,
        hint: `check ${this.service.addressEnv} points at the ${this.service.name}`,
      });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      throw new ResponseValidationError({
        service: this.service.name,
        method,
        url: response.url,
        status: response.status,
        issues,
        description: `the response does not have the expected shape: ${issues
          .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
          .join('; ')}`,
        hint: `check ${this.service.addressEnv} points at a supported ${this.service.name} version`,
      });
    }
    return parsed.data;
  }

  private buildHeaders(request: HttpRequest): Record<string, string> {
    const headers: Record<string, string> = {
      'user-agent': USER_AGENT,
      accept: 'application/json, text/plain;q=0.9, */*;q=0.8',
      ...this.headers,
      ...request.headers,
    };
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    else if (request.body !== undefined) {
      headers['content-type'] = request.contentType ?? 'application/octet-stream';
    }
    if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
    return headers;
  }

  private reportRetry(
    method: HttpMethod,
    target: CallTarget,
    attempt: number,
    attempts: number,
    delayMs: number,
    failure: ClientError,
  ): void {
    const reason =
      failure.status === undefined
        ? failure.reason
        : `${failure.status} ${STATUS_CODES[failure.status] ?? 'Unknown Status'}`;
    const event: RetryEvent = {
      service: this.service.name,
      method,
      url: target.url,
      attempt,
      attempts,
      delayMs,
      reason,
      ...(failure.status === undefined ? {} : { status: failure.status }),
    };
    // Debug, not warn: retries are routine, and the final error (if any) says what failed.
    this.logger.debug(
      `${this.service.name} ${method} ${target.url} failed (${reason}); retrying in ${delayMs} ms (attempt ${attempt + 1} of ${attempts})`,
      { attempt, attempts, delayMs },
    );
    try {
      this.onRetry?.(event);
    } catch (error) {
      this.logger.warn('onRetry listener threw; ignored', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private cancelled(target: CallTarget, signal: AbortSignal | undefined): CancelledError {
    const reason: unknown = signal?.reason;
    return new CancelledError(`${this.service.name} ${target.method} ${target.url} cancelled`, {
      cause: reason instanceof Error ? reason : undefined,
    });
  }
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return Boolean(signal?.aborted) || errorCode(error) === 'ERR_ABORTED';
}

function isRetryableTransport(error: unknown): boolean {
  if (error instanceof Error && error.name === 'TimeoutError') return true;
  const code = errorCode(error);
  return code !== undefined && CONNECTION_ERROR_CODES.has(code);
}

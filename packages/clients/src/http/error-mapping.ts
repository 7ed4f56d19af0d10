import type { IncomingHttpHeaders } from 'node:http';
import { STATUS_CODES } from 'node:http';

import type { ClientError, ClientErrorInit } from './errors.js';
import {
  AuthError,
  ClientConnectionError,
  ClientTimeoutError,
  NotFoundError,
  RateLimitError,
  RequestValidationError,
  ServerError,
  trimServerMessage,
  UnexpectedStatusError,
} from './errors.js';
import { parseRetryAfter } from './retry.js';
import type { ServiceProfile } from './service.js';
import type { TimeoutOptions } from './timeouts.js';

/** The call an error is about. */
export interface CallTarget {
  service: ServiceProfile;
  method: string;
  /** Request URL, credentials stripped. */
  url: string;
  /** The client's base URL, credentials stripped (named in connection hints). */
  baseUrl: string;
}

/** Node/got error codes that mean the connection failed or broke; safe to retry when idempotent. */
export const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_READING_RESPONSE_STREAM',
]);

const CONNECTION_DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed (temporary DNS failure)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

function base(target: CallTarget): Pick<ClientErrorInit, 'service' | 'method' | 'url'> {
  return { service: target.service.name, method: target.method, url: target.url };
}

/** Maps a non-success HTTP status to the matching {@link ClientError} subclass. */
export function errorForStatus(
  target: CallTarget,
  status: number,
  bodyText: string,
  headers: IncomingHttpHeaders,
): ClientError {
  const serverMessage = bodyText.trim() === '' ? undefined : trimServerMessage(bodyText);
  const statusText = `${status} ${STATUS_CODES[status] ?? 'Unknown Status'}`;
  const description = serverMessage ? `${statusText}: ${serverMessage}` : statusText;
  const init: ClientErrorInit = { ...base(target), status, serverMessage, description };
  const { name, tokenEnv, addressEnv } = target.service;

  if (status === 401) {
    return new AuthError({ ...init, hint: `set ${tokenEnv} to a valid ${name} token` });
  }
  if (status === 403) {
    return new AuthError({
      ...init,
      hint: `the ${name} refused the credentials; check ${tokenEnv} and the token's permissions`,
    });
  }
  if (status === 404) {
    return new NotFoundError({
      ...init,
      hint: `check ${addressEnv} (${target.baseUrl}) points at the ${name} and the object exists`,
    });
  }
  if (status === 400 || status === 422) return new RequestValidationError(init);
  if (status === 429) {
    return new RateLimitError({ ...init, retryAfterMs: parseRetryAfter(headers['retry-after']) });
  }
  if (status >= 500) return new ServerError(init);
  if (status === 405 && target.service.name === 'Ray dashboard') {
    return new UnexpectedStatusError({
      ...init,
      hint: 'the dashboard refuses unknown methods and browser-like requests (Origin, Referer, Sec-Fetch-*, a Mozilla User-Agent)',
    });
  }
  return new UnexpectedStatusError(init);
}

/** The `code` of an error object, if it has a string one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Maps a transport failure reported by got (timeout, refused, reset, broken response) to a
 * {@link ClientError}. got's own error is not kept as the cause: it carries the request options,
 * headers and tokens included; its underlying system error is kept instead.
 */
export function errorForTransport(
  target: CallTarget,
  error: unknown,
  timeouts: TimeoutOptions,
): ClientError {
  const name = error instanceof Error ? error.name : '';
  const cause = safeCause(error);
  const { service } = target;
  if (name === 'TimeoutError') {
    const event = (error as { event?: unknown }).event;
    const phase =
      event === 'connect' || event === 'lookup' || event === 'secureConnect' ? 'connect' : 'read';
    const timeoutMs = phase === 'connect' ? timeouts.connectMs : timeouts.readMs;
    return new ClientTimeoutError({
      ...base(target),
      phase,
      timeoutMs,
      cause,
      description:
        phase === 'connect'
          ? `could not connect within ${timeoutMs} ms`
          : `no answer within ${timeoutMs} ms (read timeout)`,
      hint:
        phase === 'connect'
          ? `is the ${service.name} reachable at ${target.baseUrl}? check ${service.addressEnv}`
          : `the ${service.name} is slow or stuck; retry later or raise the read timeout`,
    });
  }
  const code = errorCode(error) ?? 'UNKNOWN';
  const detail = CONNECTION_DESCRIPTIONS[code] ?? `request failed (${code})`;
  return new ClientConnectionError({
    ...base(target),
    cause,
    description: CONNECTION_DESCRIPTIONS[code]
      ? `${detail} (${code})`
      : `${detail}: ${messageOf(error)}`,
    hint: `is the ${service.name} running at ${target.baseUrl}? set ${service.addressEnv} to its address`,
  });
}

function messageOf(error: unknown): string {
  return trimServerMessage(error instanceof Error ? error.message : String(error));
}

function safeCause(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const inner = (error as { cause?: unknown }).cause;
  if (inner instanceof Error && !('options' in inner)) return inner;
  const replacement = new Error(messageOf(error));
  replacement.name = error.name;
  return replacement;
}

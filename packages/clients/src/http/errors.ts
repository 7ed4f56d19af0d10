import type { FieldIssue } from '@synapse-sdk/core/base';
import { formatIssues, redactSecrets, SynapseError } from '@synapse-sdk/core/base';

import type { ServiceName } from './service.js';

/** What went wrong with a call: the codes of the {@link ClientError} subclasses. */
export type ClientErrorCode =
  | 'HTTP_CONNECTION'
  | 'HTTP_TIMEOUT'
  | 'HTTP_AUTH'
  | 'HTTP_NOT_FOUND'
  | 'HTTP_VALIDATION'
  | 'HTTP_RATE_LIMIT'
  | 'HTTP_SERVER'
  | 'HTTP_STATUS'
  | 'HTTP_RESPONSE_INVALID'
  /** Ray already has a job with the submission id asked for. */
  | 'JOB_EXISTS';

/** Longest server text kept on an error; the rest is cut with a note of how much was left out. */
export const MAX_SERVER_MESSAGE_LENGTH = 2_000;

/** What every {@link ClientError} knows about the failed call. */
export interface ClientErrorInit {
  service: ServiceName;
  method: string;
  /** The request URL, credentials already stripped. */
  url: string;
  /** HTTP status when the server answered. */
  status?: number | undefined;
  /** The server's own text (body), when it sent one. */
  serverMessage?: string | undefined;
  /** What went wrong, placed after `failed: ` in the message. */
  description: string;
  /** What the user can do about it; appended to the message and kept as `hint`. */
  hint?: string | undefined;
  cause?: unknown;
}

/**
 * Base of every error a client raises for a failed call. The message reads
 * `<service> <METHOD> <url> failed: <what>[: <server text>][; <hint>]` and never holds a token:
 * it, the URL, the server text and the hint all pass through `redactSecrets`.
 */
export class ClientError extends SynapseError<ClientErrorCode> {
  public readonly service: ServiceName;
  public readonly method: string;
  public readonly url: string;
  public readonly status: number | undefined;
  public readonly serverMessage: string | undefined;
  /** What went wrong, without the service/URL prefix and the hint. */
  public readonly reason: string;

  public constructor(code: ClientErrorCode, init: ClientErrorInit) {
    const hint = init.hint === undefined ? undefined : redactSecrets(init.hint);
    const text = `${init.service} ${init.method} ${init.url} failed: ${init.description}`;
    super(code, redactSecrets(hint ? `${text}; ${hint}` : text), { hint, cause: init.cause });
    this.service = init.service;
    this.method = init.method;
    this.url = redactSecrets(init.url);
    this.status = init.status;
    this.reason = redactSecrets(init.description);
    this.serverMessage =
      init.serverMessage === undefined ? undefined : redactSecrets(init.serverMessage);
  }
}

/** The server could not be reached: refused, reset, unknown host, broken response. */
export class ClientConnectionError extends ClientError {
  public constructor(init: ClientErrorInit) {
    super('HTTP_CONNECTION', init);
  }
}

/** The server did not connect or answer in time. */
export class ClientTimeoutError extends ClientError {
  /** Which timeout fired. */
  public readonly phase: 'connect' | 'read';
  public readonly timeoutMs: number;

  public constructor(init: ClientErrorInit & { phase: 'connect' | 'read'; timeoutMs: number }) {
    super('HTTP_TIMEOUT', init);
    this.phase = init.phase;
    this.timeoutMs = init.timeoutMs;
  }
}

/** 401 (no or unknown credentials) or 403 (credentials refused). */
export class AuthError extends ClientError {
  public constructor(init: ClientErrorInit) {
    super('HTTP_AUTH', init);
  }
}

/** 404: wrong address, wrong path, or the object does not exist. */
export class NotFoundError extends ClientError {
  public constructor(init: ClientErrorInit) {
    super('HTTP_NOT_FOUND', init);
  }
}

/**
 * The request was invalid: the server said 400/422, or the client refused to send it (then
 * `status` is undefined and `issues` names each invalid field).
 */
export class RequestValidationError extends ClientError {
  public readonly issues: readonly FieldIssue[];

  public constructor(init: ClientErrorInit & { issues?: readonly FieldIssue[] }) {
    super('HTTP_VALIDATION', init);
    this.issues = init.issues ?? [];
  }

  /** Builds the error raised before sending when a request body fails its schema. */
  public static beforeSend(
    target: Pick<ClientErrorInit, 'service' | 'method' | 'url'>,
    what: string,
    issues: readonly FieldIssue[],
  ): RequestValidationError {
    return new RequestValidationError({
      ...target,
      description: `not sent, invalid ${what}: ${formatIssues(issues)}`,
      hint: `fix the fields named above`,
      issues,
    });
  }
}

/** 429: too many requests. */
export class RateLimitError extends ClientError {
  /** The server's `Retry-After`, when it sent one in seconds. */
  public readonly retryAfterMs: number | undefined;

  public constructor(init: ClientErrorInit & { retryAfterMs?: number | undefined }) {
    super('HTTP_RATE_LIMIT', init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** 5xx: the server failed (for the Ray dashboard the text is often a Python traceback). */
export class ServerError extends ClientError {
  public constructor(init: ClientErrorInit) {
    super('HTTP_SERVER', init);
  }
}

/** Any other non-success status (for example 405 or 409). */
export class UnexpectedStatusError extends ClientError {
  public constructor(init: ClientErrorInit) {
    super('HTTP_STATUS', init);
  }
}

/** A success response that is not JSON or does not have the expected shape. */
export class ResponseValidationError extends ClientError {
  public readonly issues: readonly FieldIssue[];

  public constructor(init: ClientErrorInit & { issues?: readonly FieldIssue[] }) {
    super('HTTP_RESPONSE_INVALID', init);
    this.issues = init.issues ?? [];
  }
}

/** Cuts a server's text to {@link MAX_SERVER_MESSAGE_LENGTH}, trimmed, secrets masked. */
export function trimServerMessage(text: string): string {
  const trimmed = text.trim();
  const cut =
    trimmed.length > MAX_SERVER_MESSAGE_LENGTH
      ? `${trimmed.slice(0, MAX_SERVER_MESSAGE_LENGTH)}… (${trimmed.length - MAX_SERVER_MESSAGE_LENGTH} more characters)`
      : trimmed;
  return redactSecrets(cut);
}

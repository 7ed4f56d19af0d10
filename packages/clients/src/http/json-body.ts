import { z } from 'zod';

import type { HttpClient, HttpMethod, HttpResponse } from './http-client.js';

/** Any JSON object, unknown keys kept. */
export const JsonObjectSchema = z.looseObject({});

/** A JSON object answer; an empty body (204 or an empty 200) reads as `{}`. */
export function objectOrEmpty(
  http: HttpClient,
  method: HttpMethod,
  response: HttpResponse,
): Record<string, unknown> {
  if (response.body.length === 0 || response.body.toString('utf8').trim() === '') return {};
  return http.parseJson(method, response, JsonObjectSchema);
}

/** Any JSON answer; an empty body reads as `undefined`. */
export function jsonOrEmpty(http: HttpClient, method: HttpMethod, response: HttpResponse): unknown {
  if (response.body.toString('utf8').trim() === '') return undefined;
  return http.parseJson(method, response, z.unknown());
}

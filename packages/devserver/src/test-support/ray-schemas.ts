import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';

function load(file: string): Record<string, unknown> {
  const url = new URL(`../../../../test-fixtures/ray-schemas/${file}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

/**
 * The v1 generator never admits `null` for optional fields although Ray sends and accepts
 * them (docs/ray-serve-rest.md#schemas): let every property also be null.
 */
function allowNulls(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(allowNulls);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, { anyOf: [allowNulls(v), { type: 'null' }] }]),
      );
    } else out[key] = allowNulls(value);
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });

/** Ray's GET schema, v1 era (nulls admitted). */
export const instanceDetailsV1: ValidateFunction = ajv.compile(
  allowNulls(load('ray-serve-instance-details.schema.json')) as object,
);
/** Ray's GET schema, v2 era (as exported). */
export const instanceDetailsV2: ValidateFunction = ajv.compile(
  load('ray-serve-instance-details.v2.schema.json'),
);

/** Ray 2.58's GET schema (as exported from 2.58.0), which the devserver emulates by default. */
export const instanceDetails258: ValidateFunction = ajv.compile(
  load('ray-serve-instance-details.v2-ray2.58.schema.json'),
);

/** Validation errors of a GET body against Ray 2.58's schema ([] when valid). */
export function instanceDetailsErrors(body: unknown): string[] {
  if (instanceDetails258(body)) return [];
  return (instanceDetails258.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

/**
 * Validation errors of a GET body of the older behaviour (`rayVersion` below 2.58) against both
 * earlier eras' schemas ([] when valid).
 */
export function legacyInstanceDetailsErrors(body: unknown): string[] {
  const errors: string[] = [];
  if (!instanceDetailsV1(body))
    errors.push(
      ...(instanceDetailsV1.errors ?? []).map((e) => `v1 ${e.instancePath} ${e.message ?? ''}`),
    );
  if (!instanceDetailsV2(body))
    errors.push(
      ...(instanceDetailsV2.errors ?? []).map((e) => `v2 ${e.instancePath} ${e.message ?? ''}`),
    );
  return errors;
}

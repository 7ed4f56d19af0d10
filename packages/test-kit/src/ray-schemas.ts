import { readFileSync } from 'node:fs';

import type { ValidateFunction } from 'ajv';
import { Ajv } from 'ajv';

/** The bodies Ray's exported JSON Schemas describe. */
export type RaySchemaBody = 'deploy' | 'instance-details';

/**
 * The era of Ray's models a schema was exported from (docs/ray-serve-rest.md#schemas): `v1` and
 * `v2` from Ray's source before 2.58, `ray2.58` exported from a real Ray 2.58.0.
 */
export type RaySchemaEra = 'v1' | 'v2' | 'ray2.58';

const FILE_SUFFIX: Readonly<Record<RaySchemaEra, string>> = {
  v1: '',
  v2: '.v2',
  'ray2.58': '.v2-ray2.58',
};

const ajv = new Ajv({ strict: false, allErrors: true });
const compiled = new Map<string, ValidateFunction>();

/**
 * A validator of Ray's schema for `body` in `era`, from `test-fixtures/ray-schemas/`. The v1
 * export never admits `null` for an optional field although Ray sends and accepts those nulls:
 * v1 validators therefore admit `null` for every property.
 */
export function raySchema(body: RaySchemaBody, era: RaySchemaEra): ValidateFunction {
  const file = `ray-serve-${body}${FILE_SUFFIX[era]}.schema.json`;
  let validate = compiled.get(file);
  if (!validate) {
    const url = new URL(`../../../test-fixtures/ray-schemas/${file}`, import.meta.url);
    const schema = JSON.parse(readFileSync(url, 'utf8')) as object;
    validate = ajv.compile(era === 'v1' ? (allowNulls(schema) as object) : schema);
    compiled.set(file, validate);
  }
  return validate;
}

/**
 * What is wrong with `value` against Ray's schema for `body` in each of `eras` ([] when valid),
 * each problem led by its era.
 */
export function raySchemaErrors(
  body: RaySchemaBody,
  value: unknown,
  eras: readonly RaySchemaEra[],
): string[] {
  return eras.flatMap((era) => {
    const validate = raySchema(body, era);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) => `${era} ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  });
}

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

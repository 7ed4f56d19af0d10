import { readFileSync } from 'node:fs';

import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';

function load(file: string): object {
  const url = new URL(`../../test-fixtures/ray-schemas/${file}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as object;
}

const ajv = new Ajv({ strict: false, allErrors: true });

/** Ray 2.58's `ServeDeploySchema`: the body of `PUT /api/serve/applications/`. */
const deploySchema: ValidateFunction = ajv.compile(load('ray-serve-deploy.v2-ray2.58.schema.json'));
/** Ray 2.58's `ServeInstanceDetails`: the body of `GET /api/serve/applications/`. */
const instanceDetailsSchema: ValidateFunction = ajv.compile(
  load('ray-serve-instance-details.v2-ray2.58.schema.json'),
);

function problems(validate: ValidateFunction, body: unknown): string[] {
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

/** Where a PUT body departs from Ray 2.58's deploy schema ([] when it matches). */
export function deployBodyProblems(body: unknown): string[] {
  return problems(deploySchema, body);
}

/** Where a GET body departs from Ray 2.58's instance-details schema ([] when it matches). */
export function instanceDetailsProblems(body: unknown): string[] {
  return problems(instanceDetailsSchema, body);
}

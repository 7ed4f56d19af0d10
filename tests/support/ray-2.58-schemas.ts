import { raySchemaErrors } from '@synapse-sdk/test-kit';

/** Where a PUT body departs from Ray 2.58's deploy schema ([] when it matches). */
export function deployBodyProblems(body: unknown): string[] {
  return raySchemaErrors('deploy', body, ['ray2.58']);
}

/** Where a GET body departs from Ray 2.58's instance-details schema ([] when it matches). */
export function instanceDetailsProblems(body: unknown): string[] {
  return raySchemaErrors('instance-details', body, ['ray2.58']);
}

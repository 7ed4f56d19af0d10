import { raySchemaErrors } from '@synapse-sdk/test-kit';

/** Validation errors of a GET body against Ray 2.58's schema ([] when valid). */
export function instanceDetailsErrors(body: unknown): string[] {
  return raySchemaErrors('instance-details', body, ['ray2.58']);
}

/**
 * Validation errors of a GET body of the older behaviour (`rayVersion` below 2.58) against both
 * earlier eras' schemas ([] when valid).
 */
export function legacyInstanceDetailsErrors(body: unknown): string[] {
  return raySchemaErrors('instance-details', body, ['v1', 'v2']);
}

import type { z } from 'zod';

import { ParamsValidationError } from '../errors/errors.js';
import { zodIssues } from '../errors/zod-issues.js';
import { strippedKeys } from './stripped-keys.js';

/**
 * Parses `raw` with `schema`, or throws {@link ParamsValidationError} listing every invalid
 * field by path. A key the schema does not declare is an error too, with the closest declared
 * key ("did you mean …?"): zod would drop it silently, and a misspelled `num_gpu` would then
 * deploy with the default. A schema that accepts other keys says so (`z.looseObject`,
 * `.catchall()`). Without a schema, `raw` passes through unchanged (as in the Python SDK).
 *
 * @throws ParamsValidationError with one issue per invalid or unknown field
 */
export function validateParams<S extends z.ZodType>(
  schema: S | undefined,
  raw: unknown,
): z.output<S> {
  if (!schema) return raw as z.output<S>;
  const parsed = schema.safeParse(raw);
  const issues = [
    ...(parsed.success ? [] : zodIssues(parsed.error, schema)),
    ...strippedKeys(schema, raw),
  ];
  if (issues.length > 0 || !parsed.success) throw new ParamsValidationError(issues);
  return parsed.data;
}

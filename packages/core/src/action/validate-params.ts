import type { z } from 'zod';

import { ParamsValidationError } from '../errors/errors.js';
import { zodIssues } from '../errors/zod-issues.js';

/**
 * Parses `raw` with `schema`, or throws {@link ParamsValidationError} listing every invalid
 * field by path. Without a schema, `raw` passes through unchanged (as in the Python SDK).
 */
export function validateParams<S extends z.ZodType>(
  schema: S | undefined,
  raw: unknown,
): z.output<S> {
  if (!schema) return raw as z.output<S>;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ParamsValidationError(zodIssues(parsed.error));
  return parsed.data;
}

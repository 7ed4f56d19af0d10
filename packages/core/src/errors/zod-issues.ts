import type { z } from 'zod';

import type { FieldIssue } from './errors.js';

/** Flattens a zod error into one {@link FieldIssue} per invalid field, with dotted paths. */
export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

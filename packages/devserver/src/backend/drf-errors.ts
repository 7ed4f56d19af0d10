import type { z } from 'zod';

/**
 * Turns zod issues into Django REST framework's error body: `{"field": ["message"]}`, with
 * DRF's wording for the common cases (required, not allowed, wrong type, bad choice).
 */
export function drfErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (field: string, message: string) => (out[field] ??= []).push(message);
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'non_field_errors';
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys)
          add(issue.path.length > 0 ? `${field}.${key}` : key, 'This field is not allowed.');
        break;
      case 'invalid_type':
        if ((issue as { input?: unknown }).input === undefined)
          add(field, 'This field is required.');
        else if ((issue as { input?: unknown }).input === null)
          add(field, 'This field may not be null.');
        else if (issue.expected === 'int' || issue.expected === 'number')
          add(field, 'A valid integer is required.');
        else if (issue.expected === 'string') add(field, 'Not a valid string.');
        else if (issue.expected === 'record' || issue.expected === 'object')
          add(
            field,
            `Expected a dictionary of items but got type "${typeName((issue as { input?: unknown }).input)}".`,
          );
        else add(field, `Invalid value: expected ${issue.expected}.`);
        break;
      case 'invalid_value':
        add(field, `"${String((issue as { input?: unknown }).input)}" is not a valid choice.`);
        break;
      case 'too_small':
        add(
          field,
          issue.origin === 'string'
            ? 'This field may not be blank.'
            : `Ensure this value is greater than or equal to ${String(issue.minimum)}.`,
        );
        break;
      default:
        add(field, issue.message);
    }
  }
  return out;
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return typeof value;
}

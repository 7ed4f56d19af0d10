import type { z } from 'zod';

import type { FieldIssue } from '../errors/errors.js';
import { closestName, defOf } from '../errors/zod-issues.js';

/**
 * The keys of `value` that `schema` would drop without a word — keys of an object whose schema
 * lists neither them nor a catch-all (zod's default, "strip"), at any depth — each as an issue
 * with the closest key that object does know. `z.strictObject` reports such keys itself and
 * `z.looseObject` or `.catchall()` accept them: neither is reported here.
 */
export function strippedKeys(
  schema: z.ZodType,
  value: unknown,
  path: readonly string[] = [],
): FieldIssue[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      if (!isPlainObject(value)) return [];
      const shape = def.shape ?? {};
      return Object.entries(value).flatMap(([key, item]) => {
        const field = shape[key];
        if (field !== undefined) return strippedKeys(field, item, [...path, key]);
        if (def.catchall !== undefined) return [];
        const suggestion = closestName(key, Object.keys(shape));
        return [
          {
            path: [...path, key].join('.'),
            message: `unknown key${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
          },
        ];
      });
    }
    case 'array':
      return Array.isArray(value) && def.element
        ? value.flatMap((item, index) => strippedKeys(def.element!, item, [...path, String(index)]))
        : [];
    case 'record':
      return isPlainObject(value) && def.valueType
        ? Object.entries(value).flatMap(([key, item]) =>
            strippedKeys(def.valueType!, item, [...path, key]),
          )
        : [];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return def.innerType ? strippedKeys(def.innerType, value, path) : [];
    case 'pipe':
      return def.in ? strippedKeys(def.in, value, path) : [];
    case 'lazy':
      return def.getter ? strippedKeys(def.getter(), value, path) : [];
    case 'union': {
      // The options that accept the value; the one that drops the fewest keys is the one meant.
      const fits = (def.options ?? []).filter((option) => option.safeParse(value).success);
      const candidates = fits.map((option) => strippedKeys(option, value, path));
      return candidates.sort((a, b) => a.length - b.length)[0] ?? [];
    }
    default:
      return [];
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import type { FieldIssue } from '@synapse-sdk/core/base';
import type { z } from 'zod';

/**
 * Flattens a zod error into one {@link FieldIssue} per invalid field, with dotted paths. An
 * unknown key becomes its own issue at `<object path>.<key>`; when `schema` is given it also
 * suggests the closest known key of that object ("did you mean …?").
 */
export function zodFieldIssues(error: z.ZodError, schema?: z.ZodType): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      const known = schema ? objectKeysAt(schema, path) : [];
      for (const key of issue.keys) {
        const suggestion = closest(key, known);
        issues.push({
          path: [...path, key].join('.'),
          message: `unknown field${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
        });
      }
      continue;
    }
    issues.push({ path: path.join('.'), message: issue.message });
  }
  return issues;
}

interface SchemaDef {
  type?: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: readonly z.ZodType[];
  getter?: () => z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** The field names of the object schema found at `path` inside `schema`, if any. */
function objectKeysAt(schema: z.ZodType, path: readonly string[]): string[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      if (path.length === 0) return Object.keys(def.shape ?? {});
      return descend(def.shape?.[path[0] ?? ''], path.slice(1));
    case 'array':
      return path.length === 0 ? [] : descend(def.element, path.slice(1));
    case 'record':
      return path.length === 0 ? [] : descend(def.valueType, path.slice(1));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return descend(def.innerType, path);
    case 'pipe':
      return descend(def.in, path);
    case 'lazy':
      return def.getter ? objectKeysAt(def.getter(), path) : [];
    case 'union':
      for (const option of def.options ?? []) {
        const keys = objectKeysAt(option, path);
        if (keys.length > 0) return keys;
      }
      return [];
    default:
      return [];
  }
}

function descend(schema: z.ZodType | undefined, path: readonly string[]): string[] {
  return schema ? objectKeysAt(schema, path) : [];
}

/** The known key nearest to `key` (edit distance at most a third of its length), if any. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

import { redactValue } from '@synapse-sdk/core/base';

/** `value` as JSON with secrets masked; bigints become strings, cycles `[Circular]`. */
export function toJson(value: unknown, indent?: number): string {
  const seen = new WeakSet<object>();
  return (
    JSON.stringify(
      redactValue(value),
      (_key, item: unknown) => {
        if (typeof item === 'bigint') return item.toString();
        if (typeof item === 'object' && item !== null) {
          if (seen.has(item)) return '[Circular]';
          seen.add(item);
        }
        return item;
      },
      indent,
    ) ?? 'null'
  );
}

import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';

import { ParamsValidationError } from '../errors/errors.js';
import { validateParams } from './validate-params.js';

const Params = z.object({
  num_cpus: z.number().positive().default(1),
  num_gpus: z.number().min(0).default(0),
  autoscaling: z
    .object({ min_replicas: z.number().int(), max_replicas: z.number().int() })
    .optional(),
});

function issuesOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ParamsValidationError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ParamsValidationError');
}

describe('validateParams', () => {
  it('returns the parsed params, defaults filled', () => {
    expect(validateParams(Params, { num_gpus: 1 })).toEqual({ num_cpus: 1, num_gpus: 1 });
  });

  it('refuses a key the schema does not declare, with the closest declared one', () => {
    expect(issuesOf(() => validateParams(Params, { num_gpu: 1 }))).toEqual([
      { path: 'num_gpu', message: 'unknown key; did you mean "num_gpus"?' },
    ]);
    expect(issuesOf(() => validateParams(Params, { NUM_CPUS: 2 }))[0]?.message).toBe(
      'unknown key; did you mean "num_cpus"?',
    );
    expect(issuesOf(() => validateParams(Params, { replicas_max: 3 }))).toEqual([
      { path: 'replicas_max', message: 'unknown key' },
    ]);
  });

  it('finds unknown keys in nested objects and lists them with the invalid fields', () => {
    expect(
      issuesOf(() =>
        validateParams(Params, {
          num_cpus: -1,
          autoscaling: { min_replicas: 1, max_replica: 2, max_replicas: 3 },
        }),
      ).map((issue) => issue.path),
    ).toEqual(['num_cpus', 'autoscaling.max_replica']);
  });

  it('accepts other keys where the schema says so, and leaves strict objects to zod', () => {
    const loose = z.looseObject({ a: z.number() });
    expect(validateParams(loose, { a: 1, b: 2 })).toEqual({ a: 1, b: 2 });
    expect(
      validateParams(z.object({ a: z.number() }).catchall(z.string()), { a: 1, b: 'x' }),
    ).toEqual({
      a: 1,
      b: 'x',
    });
    expect(
      issuesOf(() => validateParams(z.strictObject({ abc: z.number() }), { abd: 1, abc: 1 })),
    ).toEqual([{ path: 'abd', message: 'unknown field; did you mean "abc"?' }]);
  });

  it('looks through defaults, transforms and unions', () => {
    const schema = z
      .union([
        z.object({ kind: z.literal('a'), size: z.number() }),
        z.object({ kind: z.literal('b') }),
      ])
      .default({ kind: 'b' });
    expect(issuesOf(() => validateParams(schema, { kind: 'a', size: 1, sise: 2 }))).toEqual([
      { path: 'sise', message: 'unknown key; did you mean "size"?' },
    ]);
    const piped = z.object({ x: z.number() }).transform((v) => v.x);
    expect(issuesOf(() => validateParams(piped, { x: 1, y: 2 }))[0]?.path).toBe('y');
  });

  it('passes params through without a schema', () => {
    expect(validateParams(undefined, { anything: true })).toEqual({ anything: true });
  });
});

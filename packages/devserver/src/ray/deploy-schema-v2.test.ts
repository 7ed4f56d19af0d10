import { readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';

import { validateServeDeploy } from './deploy-schema.js';

/**
 * Bodies and the 400 texts Ray 2.58's own `ServeDeploySchema` gives them (null: accepted),
 * recorded with tests/ray/record-validation-errors.py; the real-Ray lane checks them again.
 */
const cases = JSON.parse(
  readFileSync(
    new URL('../../../../test-fixtures/ray-2.58/validation-errors.json', import.meta.url),
    'utf8',
  ),
) as { name: string; body: unknown; text: string | null }[];

describe("validateServeDeploy as Ray 2.58 (pydantic v2): Ray's own texts", () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, { body, text }) => {
    const result = validateServeDeploy(body, { strictExtras: false });
    expect(result.ok ? null : result.text).toBe(text);
  });

  it('keeps only the keys that were sent, values as validated', () => {
    const result = validateServeDeploy(
      {
        applications: [{ import_path: 'mod:app', deployments: [{ name: 'A', num_replicas: '2' }] }],
      },
      { strictExtras: false },
    );
    // "2" is a str for pydantic v2's union, which the before-validator refuses (v1 made it 2).
    expect(result.ok).toBe(false);
    const ok = validateServeDeploy(
      { applications: [{ import_path: 'mod:app', deployments: [{ name: 'A', num_replicas: 2 }] }] },
      { strictExtras: false },
    );
    expect(ok).toEqual({
      ok: true,
      config: {
        applications: [{ import_path: 'mod:app', deployments: [{ name: 'A', num_replicas: 2 }] }],
      },
    });
  });
});

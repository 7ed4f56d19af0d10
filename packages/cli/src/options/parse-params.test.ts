import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { UsageError } from '../usage-error.js';
import { parseParamsOption } from './parse-params.js';

describe('parseParamsOption', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synapse-params-'));
    await writeFile(join(dir, 'p.json'), '{"a": 1}');
    await writeFile(join(dir, 'p.yml'), 'a: 2\nb: [x]\n');
    await writeFile(join(dir, 'bad.yaml'), 'a: [1\n');
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads inline JSON, @file.json and @file.yml; no option is {}', async () => {
    expect(await parseParamsOption(undefined, dir)).toEqual({});
    expect(await parseParamsOption('{"a": 0}', dir)).toEqual({ a: 0 });
    expect(await parseParamsOption('@p.json', dir)).toEqual({ a: 1 });
    expect(await parseParamsOption(`@${join(dir, 'p.yml')}`, '/')).toEqual({ a: 2, b: ['x'] });
  });

  it('throws a UsageError naming the position or the file', async () => {
    const error = await parseParamsOption('{a}', dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(/^--params is not valid JSON: .*position 1/);
    await expect(parseParamsOption('@bad.yaml', dir)).rejects.toThrow(
      `${join(dir, 'bad.yaml')} is not valid YAML at line 2, column 1`,
    );
  });
});

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { expect, it } from '@jest/globals';

import { rayLane } from './support/lane-env.js';

const fixture = fileURLToPath(
  new URL('../../test-fixtures/ray-2.58/validation-errors.json', import.meta.url),
);
const script = fileURLToPath(new URL('./record-validation-errors.py', import.meta.url));

it("the recorded 400 texts the devserver is held to are still Ray 2.58's own", async () => {
  const { stdout } = await promisify(execFile)(rayLane().python, [script, fixture], {
    maxBuffer: 16 << 20,
  });
  expect(JSON.parse(stdout)).toEqual(JSON.parse(readFileSync(fixture, 'utf8')));
});

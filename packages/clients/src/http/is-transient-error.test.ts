import { describe, expect, it } from '@jest/globals';

import { AuthError, ClientConnectionError, ServerError } from './errors.js';
import { isTransientError } from './is-transient-error.js';

const init = {
  service: 'Ray dashboard',
  method: 'GET',
  url: 'http://h/',
  description: 'x',
} as const;

describe('isTransientError', () => {
  it('is true for unreachable services and 502/503/504, false for other failures', () => {
    expect([
      isTransientError(new ClientConnectionError(init)),
      isTransientError(new ServerError({ ...init, status: 503 })),
      isTransientError(new ServerError({ ...init, status: 500 })),
      isTransientError(new AuthError({ ...init, status: 401 })),
      isTransientError(new Error('plain')),
    ]).toEqual([true, true, false, false, false]);
  });
});

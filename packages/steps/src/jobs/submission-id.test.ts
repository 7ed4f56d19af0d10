import { describe, expect, it } from '@jest/globals';
import { SUBMISSION_ID_PATTERN } from '@synapse-sdk/clients';

import { generationId, jobSubmissionId } from './submission-id.js';

describe('jobSubmissionId', () => {
  it('is synapse-<run>-<step> when both are plain', () => {
    expect(jobSubmissionId('job-42', 'train')).toBe('synapse-job-42-train');
  });

  it('replaces what Ray ids should not hold and keeps ids apart with a hash', () => {
    const a = jobSubmissionId('run 1/a', 'train');
    const b = jobSubmissionId('run 1:a', 'train');
    expect([
      a.startsWith('synapse-run-1-a-train-'),
      a === b,
      SUBMISSION_ID_PATTERN.test(a),
      jobSubmissionId('r', 'x'.repeat(300)).length,
    ]).toEqual([true, false, true, 100]);
  });
});

describe('generationId', () => {
  it('leaves the first submission as is and numbers the next ones', () => {
    expect([generationId('s', 1), generationId('s', 2), generationId('s', 3)]).toEqual([
      's',
      's-r2',
      's-r3',
    ]);
  });
});

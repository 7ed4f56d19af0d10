import { hostname } from 'node:os';

import { describe, expect, it } from '@jest/globals';

import { planResume } from './resume-plan.js';
import type { RunState, StepState, StepStatus } from './run-state.js';

function step(name: string, status: StepStatus, resumable = false): StepState {
  return {
    name,
    resumable,
    status,
    attempts: 1,
    rollbackData: {},
    writeAheads: [],
    reused: false,
    lastStartSeq: 1,
  };
}

function runOf(steps: StepState[], status: RunState['status'] = 'failed'): RunState {
  return {
    runId: 'r',
    status,
    meta: {},
    startedAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:01.000Z',
    sessions: [{ mode: 'run', host: 'h', pid: 1, startedAt: '2026-01-01T00:00:00.000Z' }],
    steps,
  };
}

describe(planResume, () => {
  it('reuses the steps that succeeded and runs the rolled-back one and those after it', () => {
    const plan = planResume(
      runOf([step('train', 'succeeded'), step('deploy', 'rolled-back'), step('smoke', 'failed')]),
    );
    expect(plan.refusal).toBeUndefined();
    expect(plan.steps.map((s) => [s.name, s.action])).toEqual([
      ['train', 'reuse'],
      ['deploy', 'run'],
      ['smoke', 'run'],
    ]);
  });

  it('reuses only a prefix: a later success runs again after an earlier step reruns', () => {
    const plan = planResume(
      runOf([step('a', 'rolled-back'), step('b', 'succeeded'), step('c', 'pending')]),
    );
    expect(plan.steps.map((s) => s.action)).toEqual(['run', 'run', 'run']);
    expect(plan.steps[1]?.reason).toBe('succeeded, but an earlier step runs again');
  });

  it('re-enters an interrupted step only when it declares itself resumable', () => {
    const resumable = planResume(
      runOf([step('a', 'succeeded'), step('deploy', 'started', true)], 'unfinished'),
    );
    const not = planResume(
      runOf([step('a', 'succeeded'), step('custom', 'started')], 'unfinished'),
    );
    expect(resumable.refusal).toBeUndefined();
    expect(not.refusal).toMatch(
      /^step 'custom' was interrupted and does not declare itself resumable/,
    );
  });

  it('refuses a run that succeeded, and one whose rollback is unfinished or failed', () => {
    expect(planResume(runOf([step('a', 'succeeded')], 'succeeded')).refusal).toBe(
      'the run succeeded: there is nothing to resume',
    );
    expect(planResume(runOf([step('a', 'rolling-back')])).refusal).toMatch(
      /rollback of step 'a' was interrupted/,
    );
    expect(planResume(runOf([step('a', 'rollback-failed')], 'rollback-failed')).refusal).toMatch(
      /rollback of step 'a' failed/,
    );
  });

  it('refuses a run a live process holds', () => {
    const run = {
      ...runOf([step('a', 'started', true)], 'unfinished'),
      owner: { host: hostname(), pid: process.pid, since: 'now' },
    };
    expect(planResume(run).refusal).toBe(
      `the run is held by process ${process.pid} on ${run.owner.host}`,
    );
  });
});

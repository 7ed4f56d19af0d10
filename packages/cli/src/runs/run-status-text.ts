import type { RunState } from '@synapse-sdk/core';
import { ownerLiveness } from '@synapse-sdk/core';

/** A run's status for people and for machines, with whether it still needs someone. */
export interface RunStatusView {
  /** `succeeded`, `failed`, `cancelled`, `rolled-back`, `rollback-failed`, `running`, `interrupted`, `unknown`. */
  status: string;
  /** One line for people, e.g. `interrupted (pid 1234 on host-a is gone)`. */
  text: string;
  /**
   * True when the cluster may still hold what the run changed without the run being over:
   * interrupted, or a rollback failed. `synapse runs rollback` (or `resume`) settles it.
   */
  needsAttention: boolean;
}

/**
 * Tells a run's status, telling a running run from one whose process died: a run without an
 * end whose process of this host is gone was interrupted; one held on another host cannot be
 * checked from here.
 */
export function runStatusView(run: RunState): RunStatusView {
  switch (run.status) {
    case 'succeeded':
      return { status: 'succeeded', text: 'succeeded', needsAttention: false };
    case 'failed':
      return { status: 'failed', text: 'failed, rolled back', needsAttention: false };
    case 'cancelled':
      return { status: 'cancelled', text: 'cancelled, rolled back', needsAttention: false };
    case 'rolled-back':
      return { status: 'rolled-back', text: 'rolled back', needsAttention: false };
    case 'rollback-failed':
      return { status: 'rollback-failed', text: 'rollback failed', needsAttention: true };
    case 'unfinished':
      return unfinished(run);
  }
}

function unfinished(run: RunState): RunStatusView {
  const session = run.sessions.at(-1)!;
  const owner = run.owner ?? { host: session.host, pid: session.pid };
  const liveness = run.owner ? ownerLiveness(owner) : 'dead';
  const doing =
    session.mode === 'run'
      ? 'running'
      : `${session.mode === 'resume' ? 'resuming' : 'rolling back'}`;
  if (liveness === 'alive') {
    return { status: 'running', text: `${doing} (pid ${owner.pid})`, needsAttention: false };
  }
  if (liveness === 'unknown') {
    return {
      status: 'unknown',
      text: `${doing} on ${owner.host} (pid ${owner.pid}), or killed there`,
      needsAttention: true,
    };
  }
  const what = session.mode === 'rollback' ? 'rollback interrupted' : 'interrupted';
  return {
    status: 'interrupted',
    text: `${what} (pid ${owner.pid} on ${owner.host} is gone)`,
    needsAttention: true,
  };
}

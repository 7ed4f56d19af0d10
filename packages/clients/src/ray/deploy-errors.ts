import { redactSecrets, SynapseError } from '@synapse-sdk/core/base';

/** What happened to a watched application: the codes of the deploy errors. */
export type DeployErrorCode = 'DEPLOY_FAILED' | 'DEPLOY_TIMEOUT';

/** A deployment of a failed application, with Ray's own message. */
export interface FailedDeployment {
  name: string;
  status: string;
  statusTrigger: string | undefined;
  message: string;
}

/** Why a watched application did not reach RUNNING. */
export type DeployFailureReason = 'deploy-failed' | 'unhealthy' | 'removed';

/** What {@link DeployFailedError} reports. */
export interface DeployFailedInit {
  appName: string;
  reason: DeployFailureReason;
  /** The application's status when the wait ended (`absent` when it disappeared). */
  status: string;
  /** Ray's message for the application (often a traceback). */
  appMessage: string;
  deployments: readonly FailedDeployment[];
}

/**
 * The application Ray was asked to run failed (DEPLOY_FAILED), became UNHEALTHY, or was removed
 * by another writer while being watched. The message carries Ray's messages for the application
 * and each failed deployment.
 */
export class DeployFailedError extends SynapseError<DeployErrorCode> {
  public readonly appName: string;
  public readonly reason: DeployFailureReason;
  public readonly status: string;
  public readonly appMessage: string;
  public readonly deployments: readonly FailedDeployment[];

  public constructor(init: DeployFailedInit) {
    const lead =
      init.reason === 'removed'
        ? `Ray Serve application '${init.appName}' was removed by another writer while waiting for it to run (status ${init.status})`
        : `Ray Serve application '${init.appName}' ${init.reason === 'unhealthy' ? 'became unhealthy' : 'failed to deploy'} (${init.status})`;
    const parts = [init.appMessage.trim() ? `${lead}: ${init.appMessage.trim()}` : lead];
    for (const d of init.deployments) {
      const trigger = d.statusTrigger ? `, ${d.statusTrigger}` : '';
      parts.push(
        `deployment '${d.name}' (${d.status}${trigger})${d.message.trim() ? `: ${d.message.trim()}` : ''}`,
      );
    }
    const message = parts.join('\n');
    // Ray's messages (often tracebacks) follow the first line when there is more than one line.
    const where = message.includes('\n') ? 'in the message below' : 'in this message';
    const hint =
      init.reason === 'removed'
        ? 'another deploy replaced the whole Serve config without this app; deploy again and serialize writers'
        : `fix the cause shown ${where} (see also the Serve controller logs) and deploy again`;
    super('DEPLOY_FAILED', redactSecrets(message), { hint });
    this.appName = init.appName;
    this.reason = init.reason;
    this.status = init.status;
    this.appMessage = redactSecrets(init.appMessage);
    this.deployments = init.deployments.map((d) => ({ ...d, message: redactSecrets(d.message) }));
  }
}

/** What {@link DeployTimeoutError} reports. */
export interface DeployTimeoutInit {
  appName: string;
  timeoutMs: number;
  /** What was awaited, e.g. `to be RUNNING` or `to be removed`. */
  goal: string;
  /** Whether the new deploy had shown up (last_deployed_time_s changed). */
  seen: boolean;
  lastStatus: string | undefined;
  lastMessage: string | undefined;
  /** Message of the last failed poll, when the last poll failed. */
  lastError: string | undefined;
}

/** Waiting for an application's status ran out of time. */
export class DeployTimeoutError extends SynapseError<DeployErrorCode> {
  public readonly appName: string;
  public readonly timeoutMs: number;
  public readonly lastStatus: string | undefined;
  public readonly lastMessage: string | undefined;

  public constructor(init: DeployTimeoutInit) {
    let detail: string;
    if (!init.seen && init.goal === 'to be RUNNING') {
      detail =
        init.lastStatus === undefined
          ? 'the application never appeared'
          : `the new deploy never showed up (last_deployed_time_s unchanged; status ${init.lastStatus})`;
    } else if (init.lastStatus === undefined) {
      detail = 'no status was read';
    } else {
      detail = `last status ${init.lastStatus}${init.lastMessage?.trim() ? `: ${init.lastMessage.trim()}` : ''}`;
    }
    if (init.lastError) detail += `; last poll failed: ${init.lastError}`;
    super(
      'DEPLOY_TIMEOUT',
      redactSecrets(
        `Timed out after ${init.timeoutMs} ms waiting for Ray Serve application '${init.appName}' ${init.goal}; ${detail}`,
      ),
      {
        hint: 'raise the timeout with --timeout or SYNAPSE_TIMEOUT, e.g. --timeout 20m (pip installs and large working_dirs can take minutes), or check the application in the Ray dashboard',
      },
    );
    this.appName = init.appName;
    this.timeoutMs = init.timeoutMs;
    this.lastStatus = init.lastStatus;
    this.lastMessage = init.lastMessage === undefined ? undefined : redactSecrets(init.lastMessage);
  }
}

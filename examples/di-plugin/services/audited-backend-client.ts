import type {
  BackendClientOptions,
  BackendServeApplication,
  CreateServeApplicationOptions,
  ServeApplicationCreateRequest,
} from '@synapse-sdk/clients';
import { BackendClient } from '@synapse-sdk/clients';

import type { AuditLog } from './audit-log.js';

/**
 * The backend client this plugin swaps in: every serve-application call is written to the
 * {@link AuditLog} before it is sent, and requests carry the plugin's tenant header.
 */
export class AuditedBackendClient extends BackendClient {
  public constructor(
    private readonly audit: AuditLog,
    options: BackendClientOptions,
  ) {
    super(options);
  }

  public override async createServeApplication(
    data: ServeApplicationCreateRequest,
    options?: CreateServeApplicationOptions,
  ): Promise<BackendServeApplication> {
    this.audit.record(`createServeApplication ${String(data.name)}`);
    return await super.createServeApplication(data, options);
  }

  public override async listServeApplications(
    ...args: Parameters<BackendClient['listServeApplications']>
  ): Promise<BackendServeApplication[]> {
    this.audit.record('listServeApplications');
    return await super.listServeApplications(...args);
  }
}

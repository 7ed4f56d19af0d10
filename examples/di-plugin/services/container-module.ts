import { BACKEND_CLIENT } from '@synapse-sdk/clients';
import { PLUGIN_ENVIRONMENT } from '@synapse-sdk/core';
import { ContainerModule } from 'inversify';

import { AUDIT_LOG, AuditLog } from './audit-log.js';
import { AuditedBackendClient } from './audited-backend-client.js';

/**
 * The plugin's bindings, loaded by the CLI after the SDK's own (clients, environment, logger):
 * its own {@link AuditLog} under its own token, and the backend client swapped for an
 * {@link AuditedBackendClient} built from the same environment. Steps that inject
 * `BACKEND_CLIENT` — the SDK's RegisterStep included — get the swapped one.
 */
export const diPluginModule = new ContainerModule(({ bind, isBound, rebind }) => {
  bind(AUDIT_LOG).to(AuditLog).inSingletonScope();
  if (!isBound(BACKEND_CLIENT)) return;
  rebind(BACKEND_CLIENT)
    .toDynamicValue((context) => {
      const env = context.get(PLUGIN_ENVIRONMENT);
      return new AuditedBackendClient(context.get(AUDIT_LOG), {
        baseUrl: env.getStr('SYNAPSE_PLUGIN_RUN_HOST') ?? env.getStr('SYNAPSE_HOST', ''),
        accessToken: env.getStr('SYNAPSE_ACCESS_TOKEN'),
        tenant: env.getStr('DI_PLUGIN_TENANT', 'demo-tenant'),
      });
    })
    .inSingletonScope();
});

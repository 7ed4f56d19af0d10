import type { ServiceIdentifier } from 'inversify';

import type { PluginEnvironment } from '../env/plugin-environment.js';
import type { Logger } from '../logging/logger.js';
import type { RuntimeContext } from '../runtime/runtime-context.js';

/** The {@link RuntimeContext} of the run, bound by {@link RuntimeContext.create}. */
export const RUNTIME_CONTEXT: ServiceIdentifier<RuntimeContext> = Symbol.for(
  '@synapse-sdk/core/RuntimeContext',
);

/** The run's {@link Logger}. */
export const LOGGER: ServiceIdentifier<Logger> = Symbol.for('@synapse-sdk/core/Logger');

/** The run's {@link PluginEnvironment}. */
export const PLUGIN_ENVIRONMENT: ServiceIdentifier<PluginEnvironment> = Symbol.for(
  '@synapse-sdk/core/PluginEnvironment',
);

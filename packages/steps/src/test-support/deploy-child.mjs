// Child process of the concurrency tests: deploys the plugin in SYNAPSE_PLUGIN_DIR under the
// app name in SYNAPSE_PLUGIN_RELEASE_CODE, then prints the run result as JSON.
import { PluginEnvironment, RuntimeContext } from '@synapse-sdk/core';

import { BaseDeploymentAction, DeployStep, InitializeRayStep } from '../../dist/index.js';

class Deploy extends BaseDeploymentAction {
  static entrypoint = 'serve_app:Model';
  setupSteps(registry) {
    registry.register(new InitializeRayStep());
    registry.register(new DeployStep({ waitTimeoutMs: 20_000, pollIntervalMs: 10 }));
  }
}

const ctx = RuntimeContext.create({ env: PluginEnvironment.fromEnviron() });
try {
  const result = await new Deploy({}, ctx).run();
  process.stdout.write(JSON.stringify({ ok: true, result }));
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, error: String(error?.message ?? error) }));
  process.exitCode = 1;
}

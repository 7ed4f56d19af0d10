import type { SynapseErrorOptions } from '@synapse-sdk/core';

import { StepsError } from '../errors.js';

/** The plugin's working_dir cannot be packaged (a link out of the directory, too large, …). */
export class PackageError extends StepsError {
  public constructor(message: string, options: SynapseErrorOptions = {}) {
    super('PACKAGE_INVALID', message, options);
  }
}

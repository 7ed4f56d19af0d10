import { SynapseError, type SynapseErrorOptions } from '@synapse-sdk/core';

/** The plugin's working_dir cannot be packaged (a link out of the directory, too large, …). */
export class PackageError extends SynapseError {
  public constructor(message: string, options: SynapseErrorOptions = {}) {
    super('PACKAGE_INVALID', message, options);
  }
}

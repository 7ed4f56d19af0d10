import { SynapseError } from '@synapse-sdk/core';

/** What went wrong in the devserver: the codes of {@link DevServerError}. */
export type DevServerErrorCode =
  /** The state file exists but is not one the devserver wrote (not JSON, another format). */
  'STATE_FILE_INVALID';

/** An error of `@synapse-sdk/devserver`, with one of the {@link DevServerErrorCode}s. */
export class DevServerError extends SynapseError<DevServerErrorCode> {}

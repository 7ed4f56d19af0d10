import type { ServiceIdentifier } from 'inversify';

const hints = new Map<ServiceIdentifier, string>();

/**
 * Says what a user sets up to provide `token` (an environment variable, a flag, a binding).
 * Packages call it for the tokens they export, so that a step that needs a missing one fails
 * with that advice instead of the container's own explanation.
 */
export function describeDependency(token: ServiceIdentifier, hint: string): void {
  hints.set(token, hint);
}

/** What {@link describeDependency} said about `token`. */
export function dependencyHint(token: ServiceIdentifier): string | undefined {
  return hints.get(token);
}

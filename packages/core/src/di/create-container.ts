import type { ContainerModule } from 'inversify';
import { Container } from 'inversify';

/** Options of {@link createContainer}. */
export interface CreateContainerOptions {
  /** Plugin modules that bind their own services or rebind the SDK's (for example a client). */
  modules?: readonly ContainerModule[];
  /** A parent container whose bindings are visible unless overridden. */
  parent?: Container;
}

/**
 * Creates the DI container of a run. `@injectable()` classes resolve without an explicit
 * binding (autobind), which is how step classes registered by class get their clients injected.
 */
export function createContainer(options: CreateContainerOptions = {}): Container {
  const container = new Container({
    autobind: true,
    ...(options.parent ? { parent: options.parent } : {}),
  });
  if (options.modules && options.modules.length > 0) container.load(...options.modules);
  return container;
}

import { getClassMetadata } from '@inversifyjs/core';
import type { Container, Newable, ServiceIdentifier } from 'inversify';

import { DependencyMissingError } from '../errors/errors.js';
import { dependencyHint } from './dependency-hints.js';

/**
 * The error for a step class the container could not build: names the first dependency of
 * its constructor that nothing provides and what to configure, or, when the failure lies
 * deeper, says so and keeps the container's error as the cause.
 */
export function dependencyError(
  container: Container,
  stepClass: Newable,
  error: unknown,
): DependencyMissingError {
  const missing = firstUnbound(container, stepClass);
  if (missing === undefined) {
    return new DependencyMissingError(
      `Cannot create step class ${stepClass.name} from the DI container`,
      {
        cause: error,
        hint: "check the bindings of the plugin's ContainerModule (--verbose shows the container's explanation)",
      },
    );
  }
  const name = describeToken(missing);
  return new DependencyMissingError(
    `Step class ${stepClass.name} needs ${name}, which nothing in the DI container provides`,
    {
      cause: error,
      hint: dependencyHint(missing) ?? `bind ${name} in the plugin's ContainerModule`,
    },
  );
}

function firstUnbound(container: Container, type: Newable): ServiceIdentifier | undefined {
  const metadata = getClassMetadata(type);
  const elements = [...metadata.constructorArguments, ...metadata.properties.values()];
  for (const element of elements) {
    if (!('value' in element) || element.optional) continue;
    const value = element.value;
    const token = typeof value === 'object' && 'unwrap' in value ? value.unwrap() : value;
    // Classes resolve without a binding (autobind); only tokens can be missing.
    if (typeof token !== 'function' && !container.isBound(token)) return token;
  }
  return undefined;
}

function describeToken(token: ServiceIdentifier): string {
  if (typeof token === 'symbol') return token.description ?? token.toString();
  if (typeof token === 'function') return token.name;
  return String(token);
}

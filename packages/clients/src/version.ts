import { readFileSync } from 'node:fs';

/**
 * Version of `@synapse-sdk/clients`, sent in every request's `User-Agent`. Read from the
 * package's own package.json, which changesets bumps, so it never drifts from the release.
 */
export const CLIENTS_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/**
 * The `User-Agent` of every request. Never a browser's: the Ray dashboard refuses POST and PUT from
 * anything that looks like a browser (a `Mozilla` agent or `Origin`/`Referer`/`Sec-Fetch-*` headers).
 */
export const USER_AGENT = `synapse-sdk-ts/${CLIENTS_VERSION} (node/${process.versions.node})`;

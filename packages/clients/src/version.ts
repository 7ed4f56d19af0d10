/** Version of `@synapse-sdk/clients`, sent in every request's `User-Agent`. */
export const CLIENTS_VERSION = '0.1.0';

/**
 * The `User-Agent` of every request. Never a browser's: the Ray dashboard refuses POST and PUT from
 * anything that looks like a browser (a `Mozilla` agent or `Origin`/`Referer`/`Sec-Fetch-*` headers).
 */
export const USER_AGENT = `synapse-sdk-ts/${CLIENTS_VERSION} (node/${process.versions.node})`;

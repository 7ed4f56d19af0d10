import { redactSecrets } from '@synapse-sdk/core/base';

/** Query parameters; `undefined` values are left out. */
export type SearchParams = Record<string, string | number | boolean | undefined>;

/**
 * Parses a service address into a base URL that ends with `/`. A bare `host[:port][/path]` gets
 * `http://`; anything else without `://` (`htp:/x`, `host:/`) is refused rather than read as a
 * host named after the typo. Returns undefined when the value is not an http(s) URL.
 */
export function parseBaseUrl(address: string): URL | undefined {
  const trimmed = address.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  if (!hasScheme && !/^[^\s/:?#]+(:\d+)?([/?#].*)?$/.test(trimmed)) return undefined;
  const withScheme = hasScheme ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  url.search = '';
  url.hash = '';
  return url;
}

/**
 * Joins `path` onto `base` exactly as given: leading slashes are dropped so the base's own path
 * is kept, and a trailing slash stays (the Ray dashboard answers 404 without it). An absolute
 * http(s) URL (a `next` page link) is used as is.
 */
export function joinUrl(base: URL, path: string, searchParams?: SearchParams): URL {
  const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(path.replace(/^\/+/, ''), base);
  if (searchParams) {
    for (const [key, value] of Object.entries(searchParams)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
  }
  return url;
}

/** The URL as it may appear in a message: no user or password, secrets masked. */
export function displayUrl(url: URL | string): string {
  let text: string;
  try {
    const copy = new URL(String(url));
    copy.username = '';
    copy.password = '';
    text = copy.toString();
  } catch {
    text = String(url);
  }
  return redactSecrets(text);
}

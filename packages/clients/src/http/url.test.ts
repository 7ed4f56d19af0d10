import { describe, expect, it } from '@jest/globals';

import { displayUrl, joinUrl, parseBaseUrl } from './url.js';

describe('parseBaseUrl', () => {
  it.each([
    ['http://localhost:8265', 'http://localhost:8265/'],
    ['127.0.0.1:8265', 'http://127.0.0.1:8265/'],
    ['https://api.example/v1', 'https://api.example/v1/'],
    ['https://api.example/v1/?x=1#h', 'https://api.example/v1/'],
    ['head/ray', 'http://head/ray/'],
  ])('reads %s as %s', (input, expected) => {
    expect(parseBaseUrl(input)?.href).toBe(expected);
  });

  it.each(['ray://head:10001', 'ftp://x', 'http://', 'htp:/x', 'nope:/', 'host:port', ''])(
    'refuses %s',
    (input) => {
      expect(parseBaseUrl(input)).toBeUndefined();
    },
  );
});

describe('joinUrl', () => {
  const base = new URL('http://h:1/api/v1/');
  it('keeps the base path and the trailing slash', () => {
    expect(joinUrl(base, '/serve_applications/').href).toBe(
      'http://h:1/api/v1/serve_applications/',
    );
    expect(joinUrl(base, 'ray/serve_applications/a').href).toBe(
      'http://h:1/api/v1/ray/serve_applications/a',
    );
  });
  it('uses absolute URLs as they are and adds query parameters', () => {
    expect(joinUrl(base, 'http://h:1/api/v1/x/?page=2', { page_size: 100 }).href).toBe(
      'http://h:1/api/v1/x/?page=2&page_size=100',
    );
  });
});

describe('displayUrl', () => {
  it('strips user and password', () => {
    expect(displayUrl('http://user:pw@h:1/a/')).toBe('http://h:1/a/');
  });
});

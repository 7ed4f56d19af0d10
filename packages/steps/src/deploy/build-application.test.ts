import { describe, expect, it } from '@jest/globals';

import { parseClassPath } from './build-application.js';

describe('parseClassPath', () => {
  it('splits module:Class and module.path.Class', () => {
    expect(parseClassPath('serve_app:Model')).toEqual({ module: 'serve_app', className: 'Model' });
    expect(parseClassPath('pkg.serve.Model')).toEqual({ module: 'pkg.serve', className: 'Model' });
  });

  it('refuses a module without a class instead of reading its last letter as one', () => {
    expect(() => parseClassPath('serve_app')).toThrow(
      "entrypoint: 'serve_app' is not a Python class path; use 'module:Class'",
    );
  });
});

import { describe, expect, it } from '@jest/globals';

import { pyRepr, PyTuple } from './py-repr.js';
import { formatTraceback } from './traceback.js';

describe('pyRepr', () => {
  it('prints one-element tuples with a trailing comma and longer ones without', () => {
    expect(pyRepr(new PyTuple(['applications']))).toBe("('applications',)");
    expect(pyRepr(new PyTuple(['applications', 0, 'import_path']))).toBe(
      "('applications', 0, 'import_path')",
    );
  });

  it('chooses quotes like Python and escapes the rest', () => {
    expect(pyRepr("it's")).toBe('"it\'s"');
    expect(pyRepr('say "hi"')).toBe('\'say "hi"\'');
    expect(pyRepr('both \' and "')).toBe("'both \\' and \"'");
    expect(pyRepr('a\nb\\c')).toBe("'a\\nb\\\\c'");
  });

  it('prints None, booleans, lists and dicts', () => {
    expect(pyRepr({ limit_value: 0, x: [null, true, false, 'a'] })).toBe(
      "{'limit_value': 0, 'x': [None, True, False, 'a']}",
    );
  });
});

describe('formatTraceback', () => {
  it('prints frames (skipping empty code lines) and the exception line', () => {
    const text = formatTraceback(
      [
        { file: '/a.py', line: 1, func: 'f', code: 'g()' },
        { file: '<frozen importlib._bootstrap>', line: 2, func: '_gcd_import', code: '' },
      ],
      'ModuleNotFoundError',
      "No module named 'x'",
    );
    expect(text).toBe(
      'Traceback (most recent call last):\n  File "/a.py", line 1, in f\n    g()\n  File "<frozen importlib._bootstrap>", line 2, in _gcd_import\nModuleNotFoundError: No module named \'x\'',
    );
  });
});

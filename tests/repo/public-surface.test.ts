import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from '@jest/globals';
import ts from 'typescript';

/*
 * The public surface of each package is its src/index.ts: every name there carries TSDoc, and
 * every API name a README writes in backticks is something a package exports (or a member of
 * an exported class or interface), so the READMEs cannot drift from the code.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGES = ['core', 'clients', 'steps', 'devserver', 'cli'] as const;

const program = ts.createProgram(
  PACKAGES.map((name) => join(ROOT, 'packages', name, 'src/index.ts')),
  {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    customConditions: ['@synapse-sdk/source'],
    experimentalDecorators: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  },
);
const checker = program.getTypeChecker();

interface Surface {
  /** Exported names, values and types. */
  names: Set<string>;
  /** Members (methods, properties, static ones) of the exported classes and interfaces. */
  members: Set<string>;
  /** Exported names without a TSDoc comment. */
  undocumented: string[];
}

function surfaceOf(name: (typeof PACKAGES)[number]): Surface {
  const file = program.getSourceFile(join(ROOT, 'packages', name, 'src/index.ts'));
  const module = file && checker.getSymbolAtLocation(file);
  if (!module) throw new Error(`cannot read the exports of ${name}`);
  const surface: Surface = { names: new Set(), members: new Set(), undocumented: [] };
  for (const exported of checker.getExportsOfModule(module)) {
    const symbol =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    surface.names.add(exported.name);
    if (ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === '') {
      surface.undocumented.push(exported.name);
    }
    const declaration = symbol.declarations?.[0];
    if (!declaration) continue;
    if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) {
      for (const member of checker.getDeclaredTypeOfSymbol(symbol).getProperties()) {
        surface.members.add(member.name);
      }
    }
    const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
    addParameters(surface.members, type, declaration);
    for (const member of type.getProperties()) surface.members.add(member.name);
    if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) {
      for (const member of checker.getDeclaredTypeOfSymbol(symbol).getProperties()) {
        const memberDeclaration = member.declarations?.[0];
        if (memberDeclaration) {
          addParameters(
            surface.members,
            checker.getTypeOfSymbolAtLocation(member, memberDeclaration),
            memberDeclaration,
          );
        }
      }
    }
  }
  return surface;
}

/** The parameter names of `type`'s call signatures (a README may name `forMs` of a method). */
function addParameters(names: Set<string>, type: ts.Type, at: ts.Node): void {
  for (const signature of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
    for (const parameter of signature.getParameters()) names.add(parameter.name);
  }
  void at;
}

const surfaces = Object.fromEntries(PACKAGES.map((name) => [name, surfaceOf(name)]));
const everyName = new Set(Object.values(surfaces).flatMap((s) => [...s.names, ...s.members]));

/** Every `'UPPER_CASE'` string the packages' code uses: variables, codes, statuses. */
const codeStrings = new Set(
  PACKAGES.flatMap((name) => sourceFiles(join(ROOT, 'packages', name, 'src'))).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/['"`](_*[A-Z][A-Z0-9_]+)['"`]/g)].map((m) => m[1]),
  ),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test-support' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * The API names of a README: the identifier an inline code span (outside fenced blocks) starts
 * with when code follows it (`Name`, `Name(…)`, `Name<…>`, `Name.member`), not prose or values
 * (`Name: text`, `Retry-After`). Lower-case words and snake_case are fields and commands.
 */
function apiNames(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  const names: string[] = [];
  for (const [, span = ''] of prose.matchAll(/`([^`\n]+)`/g)) {
    const match = /^(?:new\s+|await\s+)?([A-Za-z_][\w]+)(?:$|[(<.[?!])/.exec(span.trim());
    const name = match?.[1];
    if (name && /[A-Z]/.test(name)) names.push(name);
  }
  return [...new Set(names)];
}

/** Names the READMEs quote that are not ours, by where they come from. */
const NOT_OURS = new Set([
  // Python, pydantic and Ray, quoted in messages the devserver imitates
  'JobLogger',
  'ValidationError',
  'JSONDecodeError',
  'HTTPRequestEntityTooLarge',
  'ModuleNotFoundError',
  'RuntimeError',
  'TypeError',
  // HTTP headers
  'Allow',
  'Authorization',
  'Origin',
  'Referer',
  // what the CLI's plugin loader reads from an action module
  'containerModules',
  // JavaScript, Node, inversify and tsconfig
  'AbortSignal',
  'Symbol',
  'ContainerModule',
  'ServiceIdentifier',
  'experimentalDecorators',
  // placeholders and the OS's own variables
  'Class',
  'DIR',
  'PATH',
]);

/** The words an example's own code uses (its classes, keys and functions). */
function wordsOf(dir: string): Set<string> {
  const names = new Set<string>();
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|py)$/.test(entry.name)) {
        const text = readFileSync(path, 'utf8');
        for (const [word] of text.matchAll(/\b\w+\b/g)) names.add(word);
      }
    }
  };
  walk(dir);
  return names;
}

function missingFrom(readme: string): string[] {
  // An example's README names its own code; the CLI's names the plugin its templates write.
  const own = readme.startsWith('examples/')
    ? join(ROOT, dirname(readme))
    : join(ROOT, dirname(readme), 'templates');
  const local = existsSync(own) ? wordsOf(own) : new Set<string>();
  return apiNames(readFileSync(join(ROOT, readme), 'utf8')).filter((name) => {
    if (everyName.has(name) || NOT_OURS.has(name) || local.has(name)) return false;
    // UPPER_CASE: an environment variable, a code, a status or a marker line is fine when the
    // code uses it.
    if (/^_*[A-Z][A-Z0-9_]+$/.test(name)) return !codeStrings.has(name);
    return true;
  });
}

describe('the public surface', () => {
  it.each(PACKAGES)('of %s documents every export', (name) => {
    expect(surfaces[name]?.undocumented).toEqual([]);
  });

  const readmes = ['README.md', 'packages', 'examples'].flatMap((dir) =>
    dir === 'README.md'
      ? [dir]
      : readdirSync(join(ROOT, dir))
          .map((name) => `${dir}/${name}/README.md`)
          .filter((file) => existsSync(join(ROOT, file))),
  );

  it.each(readmes)('%s names only what the packages export', (readme) => {
    expect(missingFrom(readme)).toEqual([]);
  });
});

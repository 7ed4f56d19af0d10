import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ConfigError } from '@synapse-sdk/core/base';
import { parseClassPath } from '@synapse-sdk/steps';
import type ts from 'typescript';

import type { EntrypointModule } from './check-config.js';
import { DEFAULT_PLUGIN_TSCONFIG } from './find-plugin-action.js';
import type { PluginProblem } from './plugin-problem.js';
import { SHARED_PACKAGES } from './register-plugin-loader.js';
import { packageName } from './shared-deps-hook.js';

/** What {@link checkPluginTypes} found. */
export interface TypeCheck {
  problems: PluginProblem[];
  /** The plugin's own TypeScript files that were type-checked (absolute paths). */
  files: string[];
  /** The tsconfig the files were checked with. */
  tsconfig: string;
}

// Shared packages resolve as the CLI resolves them when it runs the plugin: from here.
const ANCHOR = fileURLToPath(import.meta.url);

/**
 * Type-checks the action modules of a plugin and everything they import, with the plugin's
 * tsconfig.json (else the CLI's plugin-tsconfig.json), against the SDK's own type
 * declarations: `@synapse-sdk/*`, zod and inversify resolve to the CLI's copies, as they do when
 * `synapse plugin run` loads the plugin. Then checks that each entrypoint's export is a class
 * that extends `BaseAction`, and that a deployment action's `static entrypoint` names a class
 * of a Python module in the plugin. Nothing is emitted.
 */
export async function checkPluginTypes(
  pluginDir: string,
  configFile: string,
  modules: readonly EntrypointModule[],
): Promise<TypeCheck> {
  const { default: ts } = await import('typescript');
  const dir = resolve(pluginDir);
  const own = join(dir, 'tsconfig.json');
  const tsconfig = existsSync(own) ? own : DEFAULT_PLUGIN_TSCONFIG;
  const problems: PluginProblem[] = [];
  const isPluginFile = (file: string): boolean =>
    resolve(file).startsWith(dir + sep) && !file.includes(`${sep}node_modules${sep}`);
  const report = (diagnostic: ts.Diagnostic): void => {
    const problem = diagnosticProblem(ts, diagnostic, tsconfig);
    if (problem && (diagnostic.file === undefined || isPluginFile(problem.file))) {
      problems.push(problem);
    }
  };

  const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
  if (read.error) {
    report(read.error);
    return { problems, files: [], tsconfig };
  }
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dir, undefined, tsconfig);
  // The roots are the entrypoints, so a tsconfig without `include` is fine (TS18003).
  parsed.errors.filter((d) => d.code !== 18003).forEach(report);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    // The plugin's code is checked, not the declarations of its dependencies.
    skipLibCheck: true,
    composite: false,
    incremental: false,
    declaration: false,
  };
  const host = ts.createCompilerHost(options, true);
  // The CLI loads a plugin's .ts files as ES modules whatever its package.json says, so they
  // are checked as such: imports resolve with the `import` condition, as at run time.
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, languageVersionOrOptions, onError, shouldCreate) => {
    const sourceOptions =
      typeof languageVersionOrOptions === 'object'
        ? languageVersionOrOptions
        : { languageVersion: languageVersionOrOptions };
    const asModule = isPluginFile(file) && /\.[mc]?tsx?$/.test(file) && !file.endsWith('.d.ts');
    return getSourceFile(
      file,
      asModule ? { ...sourceOptions, impliedNodeFormat: ts.ModuleKind.ESNext } : sourceOptions,
      onError,
      shouldCreate,
    );
  };
  const cache = ts.createModuleResolutionCache(
    host.getCurrentDirectory(),
    (name) => host.getCanonicalFileName(name),
    options,
  );
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, compilerOptions, file) =>
    literals.map((literal) => {
      const name = packageName(literal.text);
      const from =
        name !== undefined && SHARED_PACKAGES.includes(name) && isPluginFile(containingFile)
          ? ANCHOR
          : containingFile;
      const mode = ts.getModeForUsageLocation(file, literal, compilerOptions);
      return ts.resolveModuleName(
        literal.text,
        from,
        compilerOptions,
        host,
        cache,
        redirected,
        mode,
      );
    });
  const sdk = (name: string): string | undefined =>
    ts.resolveModuleName(name, ANCHOR, options, host, cache).resolvedModule?.resolvedFileName;
  const coreTypes = sdk('@synapse-sdk/core');
  const stepsTypes = sdk('@synapse-sdk/steps');
  const program = ts.createProgram({
    rootNames: [
      ...modules.map((m) => m.modulePath),
      ...[coreTypes, stepsTypes].filter((f) => f !== undefined),
    ],
    options,
    host,
  });
  ts.getPreEmitDiagnostics(program).forEach(report);

  const checker = program.getTypeChecker();
  const exported = (file: string | undefined, name: string): ts.Symbol | undefined => {
    const source = file === undefined ? undefined : program.getSourceFile(file);
    const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    const symbol = module && checker.getExportsOfModule(module).find((s) => s.name === name);
    return symbol && symbol.flags & ts.SymbolFlags.Alias
      ? checker.getAliasedSymbol(symbol)
      : symbol;
  };
  const baseAction = exported(coreTypes, 'BaseAction');
  const baseDeployment = exported(stepsTypes, 'BaseDeploymentAction');
  for (const entry of modules) {
    const at = { file: configFile, line: entry.line, column: entry.column };
    const field = `actions.${entry.action}.entrypoint`;
    const shown = relative(dir, entry.modulePath);
    const source = program.getSourceFile(entry.modulePath);
    const module = source && checker.getSymbolAtLocation(source);
    const names = module ? checker.getExportsOfModule(module).map((s) => s.name) : [];
    const symbol = exported(entry.modulePath, entry.exportName);
    if (symbol === undefined) {
      problems.push({
        ...at,
        message: `${field}: ${shown} has no export named ${entry.exportName} (exports: ${names.join(', ') || 'none'}); fix the name after the colon`,
      });
      continue;
    }
    if (!(symbol.flags & ts.SymbolFlags.Class) || baseAction === undefined) {
      if (!(symbol.flags & ts.SymbolFlags.Class)) {
        problems.push({
          ...at,
          message: `${field}: ${shown}:${entry.exportName} is not a class; export a class that extends BaseAction or BaseDeploymentAction`,
        });
      }
      continue;
    }
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    if (!inherits(ts, checker, type, baseAction)) {
      problems.push({
        ...at,
        message: `${field}: class ${entry.exportName} of ${shown} does not extend BaseAction; extend BaseAction or BaseDeploymentAction from the SDK`,
      });
      continue;
    }
    if (baseDeployment && inherits(ts, checker, type, baseDeployment)) {
      const problem = serveEntrypointProblem(ts, checker, type, dir, isPluginFile);
      if (problem) problems.push(problem);
    }
  }
  const files = program
    .getSourceFiles()
    .map((f) => f.fileName)
    .filter((f) => isPluginFile(f));
  return { problems, files, tsconfig };
}

/** True when the class type `type` has `base` among its ancestors. */
function inherits(
  typescript: typeof ts,
  checker: ts.TypeChecker,
  type: ts.Type,
  base: ts.Symbol,
  depth = 0,
): boolean {
  const target = (type as ts.TypeReference).target ?? type;
  if (target.symbol === base) return true;
  const isClassOrInterface =
    (target.flags & typescript.TypeFlags.Object) !== 0 &&
    ((target as ts.ObjectType).objectFlags & typescript.ObjectFlags.ClassOrInterface) !== 0;
  if (depth > 32 || !isClassOrInterface) return false;
  return checker
    .getBaseTypes(target as ts.InterfaceType)
    .some((b) => inherits(typescript, checker, b, base, depth + 1));
}

/**
 * A deployment action's `static entrypoint = 'module:Class'`, set in the plugin's own classes,
 * must name a Python module in the plugin that defines `Class`; unset everywhere is an error too.
 */
function serveEntrypointProblem(
  typescript: typeof ts,
  checker: ts.TypeChecker,
  type: ts.Type,
  dir: string,
  isPluginFile: (file: string) => boolean,
): PluginProblem | undefined {
  let classType: ts.Type | undefined = type;
  let first: ts.ClassDeclaration | undefined;
  for (let depth = 0; classType && depth < 32; depth++) {
    const target: ts.Type = (classType as ts.TypeReference).target ?? classType;
    const declaration = target.symbol?.declarations?.find(typescript.isClassDeclaration);
    if (!declaration || !isPluginFile(declaration.getSourceFile().fileName)) break;
    first ??= declaration;
    const member = declaration.members.find(
      (m): m is ts.PropertyDeclaration =>
        typescript.isPropertyDeclaration(m) &&
        (typescript.getCombinedModifierFlags(m) & typescript.ModifierFlags.Static) !== 0 &&
        m.name.getText() === 'entrypoint',
    );
    if (member) return checkServeEntrypoint(typescript, member, dir);
    classType = checker.getBaseTypes(target as ts.InterfaceType)[0];
  }
  if (!first) return undefined;
  const source = first.getSourceFile();
  const at = source.getLineAndCharacterOfPosition(first.getStart());
  return {
    file: source.fileName,
    line: at.line + 1,
    column: at.character + 1,
    message: `class ${first.name?.text ?? '(anonymous)'} sets no static entrypoint; add static override entrypoint = 'serve_app:MyDeployment' (the Python serve class it deploys)`,
  };
}

function checkServeEntrypoint(
  typescript: typeof ts,
  member: ts.PropertyDeclaration,
  dir: string,
): PluginProblem | undefined {
  const source = member.getSourceFile();
  const initializer = member.initializer;
  const node = initializer ?? member;
  const at = source.getLineAndCharacterOfPosition(node.getStart());
  const where = { file: source.fileName, line: at.line + 1, column: at.character + 1 };
  // Only a literal can be checked without running the plugin.
  if (!initializer || !typescript.isStringLiteralLike(initializer)) return undefined;
  const value = initializer.text;
  let module: string;
  let name: string;
  try {
    ({ module, className: name } = parseClassPath(value));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return {
      ...where,
      message: `static entrypoint '${value}' is not module:Class; write it like 'serve_app:MyDeployment'`,
    };
  }
  const base = join(dir, ...module.split('.'));
  const pythonFile = [`${base}.py`, join(base, '__init__.py')].find((f) => existsSync(f));
  if (pythonFile === undefined) {
    return {
      ...where,
      message: `static entrypoint '${value}': ${relative(dir, `${base}.py`)} is not in the plugin directory; add it or fix the module name`,
    };
  }
  const python = readFileSync(pythonFile, 'utf8');
  if (!new RegExp(`^(class|def)\\s+${name}\\b|^${name}\\s*=`, 'm').test(python)) {
    return {
      ...where,
      message: `static entrypoint '${value}': ${relative(dir, pythonFile)} defines no ${name}; fix the class name or add the class`,
    };
  }
  return undefined;
}

/** A compiler diagnostic as a problem: its file and position, its message on one line. */
function diagnosticProblem(
  typescript: typeof ts,
  diagnostic: ts.Diagnostic,
  tsconfig: string,
): PluginProblem | undefined {
  const text = typescript
    .flattenDiagnosticMessageText(diagnostic.messageText, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const message = `${text} (TS${diagnostic.code})`;
  if (!diagnostic.file || diagnostic.start === undefined) {
    return { file: diagnostic.file?.fileName ?? tsconfig, line: 0, message };
  }
  const at = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return { file: diagnostic.file.fileName, line: at.line + 1, column: at.character + 1, message };
}

/**
 * Reads the built main-process and preload bundles (out/main, out/preload) with the TypeScript
 * parser, so minified (`!0`) or refactored (`webPreferences: secureDefaults`) code is understood
 * without running Electron:
 * - every `webPreferences` object sets contextIsolation: true, sandbox: true,
 *   nodeIntegration: false and webSecurity: true, and none of the known unsafe switches;
 * - new windows and navigation are handled (setWindowOpenHandler, will-navigate);
 * - nothing relies on ELECTRON_RUN_AS_NODE or child_process.fork (the RunAsNode fuse is off);
 * - bare imports are production dependencies (devDependencies are not packaged), and the
 *   sandboxed preload requires only what a sandboxed preload can.
 */
import { builtinModules } from 'node:module';
import ts from 'typescript';

export type Literal = boolean | 'dynamic';

export interface WebPreferencesFinding {
  file: string;
  line: number;
  values: Record<string, Literal>;
}

const REQUIRED_PREFS: Readonly<Record<string, boolean>> = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  webSecurity: true,
};
const FORBIDDEN_PREFS: Readonly<Record<string, boolean>> = {
  nodeIntegrationInWorker: true,
  nodeIntegrationInSubFrames: true,
  allowRunningInsecureContent: true,
  experimentalFeatures: true,
  webviewTag: true,
};

export function parseBundle(file: string, code: string): ts.SourceFile {
  return ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((c) => walk(c, visit));
}

function propName(name: ts.PropertyName): string | null {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name))
    return name.text;
  return null;
}

function literal(expr: ts.Expression): Literal {
  let e = expr;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
  // Minifiers write true/false as !0 / !1.
  if (
    ts.isPrefixUnaryExpression(e) &&
    e.operator === ts.SyntaxKind.ExclamationToken &&
    ts.isNumericLiteral(e.operand)
  ) {
    return Number(e.operand.text) === 0;
  }
  return 'dynamic';
}

/** Object-literal initializers of `const/let/var NAME = {…}` anywhere in the file, by name. */
function objectBindings(sf: ts.SourceFile): Map<string, ts.ObjectLiteralExpression> {
  const out = new Map<string, ts.ObjectLiteralExpression>();
  walk(sf, (n) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) {
      let init = n.initializer;
      while (ts.isParenthesizedExpression(init) || ts.isAsExpression(init)) init = init.expression;
      if (ts.isObjectLiteralExpression(init) && !out.has(n.name.text)) out.set(n.name.text, init);
    }
  });
  return out;
}

/** The properties an expression evaluates to: object literals, identifiers bound to them, spreads. */
function resolveObject(
  expr: ts.Expression,
  bindings: Map<string, ts.ObjectLiteralExpression>,
  depth = 0,
): Record<string, Literal> | null {
  let e = expr;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (depth > 8) return null;
  if (ts.isIdentifier(e)) {
    const bound = bindings.get(e.text);
    return bound ? resolveObject(bound, bindings, depth + 1) : null;
  }
  if (!ts.isObjectLiteralExpression(e)) return null;
  const values: Record<string, Literal> = {};
  for (const p of e.properties) {
    if (ts.isSpreadAssignment(p)) {
      const spread = resolveObject(p.expression, bindings, depth + 1);
      if (spread) Object.assign(values, spread);
    } else if (ts.isPropertyAssignment(p)) {
      const name = propName(p.name);
      if (name) values[name] = literal(p.initializer);
    } else if (ts.isShorthandPropertyAssignment(p)) {
      values[p.name.text] = 'dynamic';
    }
  }
  return values;
}

export function findWebPreferences(sf: ts.SourceFile): WebPreferencesFinding[] {
  const bindings = objectBindings(sf);
  const found: WebPreferencesFinding[] = [];
  walk(sf, (n) => {
    let value: ts.Expression | null = null;
    if (ts.isPropertyAssignment(n) && propName(n.name) === 'webPreferences') value = n.initializer;
    else if (ts.isShorthandPropertyAssignment(n) && n.name.text === 'webPreferences')
      value = n.name;
    if (!value) return;
    const line = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    found.push({ file: sf.fileName, line, values: resolveObject(value, bindings) ?? {} });
  });
  return found;
}

export function webPreferencesProblems(f: WebPreferencesFinding): string[] {
  const where = `${f.file}:${f.line} webPreferences`;
  const problems: string[] = [];
  for (const [key, want] of Object.entries(REQUIRED_PREFS)) {
    const got = f.values[key];
    if (got === undefined) problems.push(`${where} does not set ${key}: ${want}`);
    else if (got === 'dynamic')
      problems.push(`${where} sets ${key} to a computed value; write ${key}: ${want}`);
    else if (got !== want) problems.push(`${where} sets ${key}: ${got} (must be ${want})`);
  }
  for (const [key, bad] of Object.entries(FORBIDDEN_PREFS)) {
    if (f.values[key] === bad || f.values[key] === 'dynamic')
      problems.push(`${where} enables ${key}`);
  }
  return problems;
}

export interface ModuleReference {
  specifier: string;
  line: number;
  kind: 'import' | 'require' | 'dynamic-import' | 're-export';
}

/** Every module the file loads: import/export-from, require("x"), import("x") with a literal. */
export function moduleReferences(sf: ts.SourceFile): ModuleReference[] {
  const refs: ModuleReference[] = [];
  const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  walk(sf, (n) => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      refs.push({ specifier: n.moduleSpecifier.text, line: line(n), kind: 'import' });
    } else if (
      ts.isExportDeclaration(n) &&
      n.moduleSpecifier &&
      ts.isStringLiteral(n.moduleSpecifier)
    ) {
      refs.push({ specifier: n.moduleSpecifier.text, line: line(n), kind: 're-export' });
    } else if (
      ts.isCallExpression(n) &&
      n.arguments.length >= 1 &&
      ts.isStringLiteralLike(n.arguments[0])
    ) {
      const spec = n.arguments[0].text;
      if (n.expression.kind === ts.SyntaxKind.ImportKeyword)
        refs.push({ specifier: spec, line: line(n), kind: 'dynamic-import' });
      else if (ts.isIdentifier(n.expression) && n.expression.text === 'require') {
        refs.push({ specifier: spec, line: line(n), kind: 'require' });
      }
    }
  });
  return refs;
}

export const isBuiltin = (spec: string): boolean =>
  spec.startsWith('node:') ||
  builtinModules.includes(spec) ||
  builtinModules.includes(spec.split('/')[0]);

export function packageNameOf(spec: string): string | null {
  if (spec.startsWith('.') || spec.startsWith('/') || isBuiltin(spec) || /^[a-z]+:/i.test(spec))
    return null;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Uses of child_process.fork and ELECTRON_RUN_AS_NODE: both stop working with RunAsNode off. */
export function runAsNodeUses(sf: ts.SourceFile): string[] {
  const problems: string[] = [];
  const at = (n: ts.Node) =>
    `${sf.fileName}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
  const cpNames = new Set<string>();
  walk(sf, (n) => {
    if ((ts.isStringLiteralLike(n) || ts.isIdentifier(n)) && n.text === 'ELECTRON_RUN_AS_NODE') {
      problems.push(`${at(n)} uses ELECTRON_RUN_AS_NODE, which the RunAsNode fuse disables`);
    }
    const isCp = (s: string) => s === 'child_process' || s === 'node:child_process';
    if (
      ts.isImportDeclaration(n) &&
      ts.isStringLiteral(n.moduleSpecifier) &&
      isCp(n.moduleSpecifier.text)
    ) {
      const clause = n.importClause;
      if (clause?.name) cpNames.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) cpNames.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) {
          if ((el.propertyName ?? el.name).text === 'fork')
            problems.push(`${at(el)} imports child_process.fork, which needs RunAsNode`);
        }
      }
    }
    if (
      ts.isVariableDeclaration(n) &&
      n.initializer &&
      ts.isCallExpression(n.initializer) &&
      ts.isIdentifier(n.initializer.expression) &&
      n.initializer.expression.text === 'require' &&
      n.initializer.arguments.length === 1 &&
      ts.isStringLiteralLike(n.initializer.arguments[0]) &&
      isCp(n.initializer.arguments[0].text) &&
      ts.isIdentifier(n.name)
    ) {
      cpNames.add(n.name.text);
    }
  });
  walk(sf, (n) => {
    if (
      ts.isPropertyAccessExpression(n) &&
      n.name.text === 'fork' &&
      ts.isIdentifier(n.expression) &&
      cpNames.has(n.expression.text)
    ) {
      problems.push(`${at(n)} calls child_process.fork, which needs RunAsNode`);
    }
  });
  return problems;
}

/** What a sandboxed preload may require (Electron docs, "Process Sandboxing"). */
export const SANDBOXED_PRELOAD_MODULES = new Set([
  'electron',
  'events',
  'timers',
  'url',
  'node:events',
  'node:timers',
  'node:url',
]);

export interface SiblingReference {
  name: string;
  line: number;
}

/**
 * Bundled files a bundle expects beside it: `path.join(dir, 'onnx-host.js')` and the like
 * (worker and child-process entries). The ones passed to createRequire() are a resolution
 * trick, not files, and are skipped.
 */
export function siblingEntryReferences(sf: ts.SourceFile): SiblingReference[] {
  const refs: SiblingReference[] = [];
  walk(sf, (n) => {
    if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(n.expression)) return;
    if (!['join', 'resolve'].includes(n.expression.name.text)) return;
    const parent = n.parent;
    if (
      ts.isCallExpression(parent) &&
      ts.isIdentifier(parent.expression) &&
      parent.expression.text === 'createRequire'
    )
      return;
    for (const arg of n.arguments) {
      if (ts.isStringLiteralLike(arg) && /^[\w.-]+\.(c|m)?js$/.test(arg.text)) {
        refs.push({
          name: arg.text,
          line: sf.getLineAndCharacterOfPosition(arg.getStart(sf)).line + 1,
        });
      }
    }
  });
  return refs;
}

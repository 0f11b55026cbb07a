/**
 * The import graph of the repository's own .ts and .vue files, for the architecture test: every
 * static `import`/`export … from` and dynamic `import('…')` with a string literal, resolved to a
 * file when relative, kept as a package name when bare.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Importing file, relative to the root, with '/' separators. */
  from: string;
  /** Imported file (relative to the root) or, for a package, its specifier. */
  to: string;
  /** True for a package (bare specifier), false for a file of the repository. */
  external: boolean;
  /** `import type` / `export type`, or every named binding marked `type`: erased at run time. */
  typeOnly: boolean;
  line: number;
}

const SKIP_DIRS = new Set(['node_modules', 'out', 'dist', 'release', 'coverage', '.git']);

/** The .ts and .vue files under `dirs` of `root`, relative paths with '/' separators. */
export function listSources(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (/\.(ts|vue)$/.test(e.name) && !e.name.endsWith('.d.ts'))
        out.push(relative(root, path).split(sep).join('/'));
    }
  };
  for (const d of dirs) if (existsSync(join(root, d))) walk(join(root, d));
  return out.sort();
}

/** The script blocks of a single-file component, blank lines kept so line numbers still match. */
function vueScript(text: string): string {
  const lines = text.split('\n').map(() => '');
  const re = /<script\b[^>]*>([\s\S]*?)<\/script>/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const first = text.slice(0, m.index + m[0].indexOf('>') + 1).split('\n').length - 1;
    m[1].split('\n').forEach((l, i) => (lines[first + i] = (lines[first + i] ?? '') + l));
  }
  return lines.join('\n');
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const e = node.exportClause;
    return e !== undefined && ts.isNamedExports(e) && e.elements.every((x) => x.isTypeOnly);
  }
  const clause = node.importClause;
  if (clause === undefined) return false; // side-effect import
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    clause.name === undefined &&
    named !== undefined &&
    ts.isNamedImports(named) &&
    named.elements.length > 0 &&
    named.elements.every((x) => x.isTypeOnly)
  );
}

function resolveFile(root: string, from: string, spec: string): string {
  const base = resolve(root, dirname(from), spec);
  const candidates = [base, `${base}.ts`, join(base, 'index.ts')];
  const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base;
  return relative(root, hit).split(sep).join('/');
}

/** Every import of one file. */
export function importsOf(root: string, file: string): ImportEdge[] {
  const raw = readFileSync(join(root, file), 'utf8');
  const text = file.endsWith('.vue') ? vueScript(raw) : raw;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edges: ImportEdge[] = [];
  const add = (spec: string, node: ts.Node, typeOnly: boolean): void => {
    const external = !spec.startsWith('.');
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    const to = external ? spec : resolveFile(root, file, spec);
    edges.push({ from: file, to, external, typeOnly, line });
  };
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node, isTypeOnly(node));
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length === 1 &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node.arguments[0].text, node, false);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal))
        add(arg.literal.text, node, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/**
 * Cycles of the file graph (edges between repository files), as lists of files; each strongly
 * connected component with more than one file, or a file importing itself, is one cycle.
 */
export function findCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (e.external) continue;
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  }
  // Tarjan's algorithm, recursive: the graph has a few hundred files, far from the stack limit.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) connect(v);
  return cycles;
}

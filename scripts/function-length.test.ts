/**
 * The engine stays in small named steps (issue 16): no function in main/engine, production code,
 * is longer than MAX_LINES lines from its signature to its closing brace. Tests are exempt:
 * their describe/it callbacks are lists of cases, not steps.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const MAX_LINES = 80;
const root = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every function-like node of a file with its first line (1-based) and length in lines. */
export function functionLengths(file: string, text: string) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Array<{ name: string; line: number; lines: number }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const named = node.name !== undefined ? node.name.getText(source) : undefined;
      out.push({ name: named ?? '(anonymous)', line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe('function length', () => {
  it('measures a function from its signature to its closing brace', () => {
    const text = 'const a = 1;\nfunction f() {\n  return () => {\n    return 1;\n  };\n}\n';
    expect(functionLengths('x.ts', text)).toEqual([
      { name: 'f', line: 2, lines: 5 },
      { name: '(anonymous)', line: 3, lines: 3 },
    ]);
  });

  it(`keeps every function in main/engine within ${MAX_LINES} lines`, () => {
    const long = sourceFiles(join(root, 'main', 'engine')).flatMap((file) =>
      functionLengths(file, readFileSync(file, 'utf8'))
        .filter((f) => f.lines > MAX_LINES)
        .map((f) => `${relative(root, file)} ${f.name}`),
    );
    expect(long).toEqual([]);
  });
});

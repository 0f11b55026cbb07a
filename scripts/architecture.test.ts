/**
 * docs/ARCHITECTURE.md's folder table is the rule; this test reads the table from the document
 * itself (so the two cannot drift apart) and checks every import of every .ts and .vue file
 * against it, plus the package rules stated under the table and the absence of import cycles.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCycles, importsOf, listSources } from './import-graph.ts';
import type { ImportEdge } from './import-graph.ts';

const root = join(import.meta.dirname, '..');

interface LayerRule {
  /** Paths that make up the layer: folders end in '/', single files do not. */
  paths: string[];
  /** Paths its files may import besides their own layer's. */
  mayImport: string[];
}

/** The rows of the "Layers and the rule between them" table: backticked paths only count. */
export function parseLayerTable(markdown: string): LayerRule[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Layers and the rule'));
  if (section === undefined)
    throw new Error('ARCHITECTURE.md has no "Layers and the rule" section');
  const ticks = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((line) => {
      const cells = line.split('|').map((c) => c.trim());
      return { paths: ticks(cells[1]), mayImport: ticks(cells[3]) };
    });
}

const within = (file: string, path: string): boolean =>
  path.endsWith('/') ? file.startsWith(path) : file === path || file.startsWith(`${path}/`);

function layerOf(rules: readonly LayerRule[], file: string): LayerRule | undefined {
  let best: LayerRule | undefined;
  let bestLength = -1;
  for (const rule of rules) {
    for (const p of rule.paths) {
      if (within(file, p) && p.length > bestLength) {
        best = rule;
        bestLength = p.length;
      }
    }
  }
  return best;
}

const isTest = (file: string): boolean => file.endsWith('.test.ts');
/** Test support (fixtures, fakes, reference implementations) has one folder name: testing/. */
const isTestSupport = (file: string): boolean => /(^|\/)testing\//.test(file);
/** Tools above every layer: they may use test support (bench/ uses its seeded random). */
const isTool = (file: string): boolean => /^(bench|e2e|scripts)\//.test(file);
/** Names test support went by before it had one (a folder, or a file outside testing/). */
const OTHER_SUPPORT_NAMES =
  /(^|\/)(test-?utils?|test-?support|test-?helpers?|(test-)?fixtures?)(\/|\.ts$)/;
/** Started by path, not imported: their own tests are their only importers. */
const ENTRY_POINTS = ['main/electron/electron-main.ts'];

/**
 * Test support misplaced or misused: a file of the app that only tests, test support and tools
 * import must sit under a testing/ folder, and no production file may import one that does.
 */
export function testSupportMisplaced(
  files: readonly string[],
  edges: readonly ImportEdge[],
): string[] {
  const out: string[] = [];
  const internal = edges.filter((e) => !e.external);
  for (const e of internal) {
    if (isTestSupport(e.to) && !isTest(e.from) && !isTestSupport(e.from) && !isTool(e.from))
      out.push(`${e.from}:${e.line} imports test support ${e.to}`);
  }
  for (const f of files) {
    if (isTest(f) || isTestSupport(f) || ENTRY_POINTS.includes(f)) continue;
    const by = internal.filter((e) => e.to === f).map((e) => e.from);
    if (by.length > 0 && by.every((b) => isTest(b) || isTestSupport(b) || isTool(b)))
      out.push(`${f} is imported only by tests: move it under a testing/ folder`);
  }
  return out;
}

/** Package rules stated under the table: which layers may load which packages. */
const PACKAGE_RULES: Array<{ pkg: RegExp; only: string[]; why: string }> = [
  { pkg: /^@tensorflow\//, only: ['main/engine/'], why: 'tfjs is loaded only in workers' },
  { pkg: /^electron$/, only: ['main/electron/', 'preload/'], why: 'Electron only in its shells' },
];

/** Imports against the table (tests are exempt: they may wire layers together). */
export function violations(rules: readonly LayerRule[], edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    if (isTest(e.from)) continue;
    const at = `${e.from}:${e.line}`;
    const layer = layerOf(rules, e.from);
    if (layer === undefined) continue; // bench/, e2e/, scripts/: tools above every layer
    if (e.external) {
      const bare = !e.to.startsWith('node:');
      if (layer.paths.includes('shared/') && !isTestSupport(e.from))
        out.push(`${at} imports ${e.to}: shared/ imports no package`);
      else if (bare) {
        for (const r of PACKAGE_RULES) {
          if (r.pkg.test(e.to) && !r.only.some((p) => within(e.from, p)) && !isTestSupport(e.from))
            out.push(`${at} imports ${e.to}: ${r.why}`);
        }
      }
      continue;
    }
    const target = layerOf(rules, e.to);
    if (target === layer) continue;
    if (!layer.mayImport.some((p) => within(e.to, p)))
      out.push(`${at} imports ${e.to}, which ${layer.paths[0]} may not import`);
  }
  return out;
}

describe('the architecture check itself', () => {
  const rules = parseLayerTable(
    [
      '## Layers and the rule between them',
      '| folder | what | may import |',
      '| --- | --- | --- |',
      '| `shared/` | core | `shared/` only |',
      '| `main/store/` | disk | `shared/` |',
      '| `main/cli/`, `main/cli.ts` | terminal | `main/store`, `shared/` |',
      '## Next',
    ].join('\n'),
  );
  const edge = (from: string, to: string, external = false): ImportEdge => ({
    from,
    to,
    external,
    typeOnly: false,
    line: 1,
  });

  it('reads paths and permissions from the table', () => {
    expect(rules).toEqual([
      { paths: ['shared/'], mayImport: ['shared/'] },
      { paths: ['main/store/'], mayImport: ['shared/'] },
      { paths: ['main/cli/', 'main/cli.ts'], mayImport: ['main/store', 'shared/'] },
    ]);
  });

  it('finds imports against the table and packages where they do not belong', () => {
    expect(
      violations(rules, [
        edge('main/store/a.ts', 'shared/b.ts'),
        edge('main/cli.ts', 'main/store/run.ts'),
        edge('main/store/a.ts', 'main/cli/x.ts'),
        edge('shared/a.ts', 'node:fs', true),
        edge('shared/testing/oracle.ts', 'fast-check', true),
        edge('main/store/a.ts', '@tensorflow/tfjs-core', true),
        edge('main/store/a.test.ts', 'main/cli/x.ts'),
        edge('bench/a.ts', '@tensorflow/tfjs-core', true),
      ]),
    ).toEqual([
      'main/store/a.ts:1 imports main/cli/x.ts, which main/store/ may not import',
      'shared/a.ts:1 imports node:fs: shared/ imports no package',
      'main/store/a.ts:1 imports @tensorflow/tfjs-core: tfjs is loaded only in workers',
    ]);
  });

  it('keeps test support under testing/ and out of production code', () => {
    expect(
      testSupportMisplaced(
        ['main/data/fixtures.ts', 'main/data/testing/fake.ts', 'main/data/csv.ts'],
        [
          edge('main/data/csv.test.ts', 'main/data/fixtures.ts'),
          edge('main/data/csv.test.ts', 'main/data/testing/fake.ts'),
          edge('main/data/csv.test.ts', 'main/data/csv.ts'),
          edge('main/data/load.ts', 'main/data/testing/fake.ts'),
          edge('main/data/load.ts', 'main/data/csv.ts'),
          edge('bench/a.ts', 'main/data/testing/fake.ts'),
        ],
      ),
    ).toEqual([
      'main/data/load.ts:1 imports test support main/data/testing/fake.ts',
      'main/data/fixtures.ts is imported only by tests: move it under a testing/ folder',
    ]);
  });

  it('finds cycles, type-only imports included', () => {
    const typeEdge = { ...edge('c.ts', 'a.ts'), typeOnly: true };
    expect(findCycles([edge('a.ts', 'b.ts'), edge('b.ts', 'c.ts'), typeEdge])).toEqual([
      ['a.ts', 'b.ts', 'c.ts'],
    ]);
    expect(findCycles([edge('a.ts', 'b.ts'), edge('b.ts', 'c.ts')])).toEqual([]);
  });
});

describe('the code follows docs/ARCHITECTURE.md', () => {
  const rules = parseLayerTable(readFileSync(join(root, 'docs', 'ARCHITECTURE.md'), 'utf8'));
  const layered = listSources(root, ['main', 'shared', 'preload', 'renderer']);
  const all = listSources(root, [
    'main',
    'shared',
    'preload',
    'renderer',
    'bench',
    'e2e',
    'scripts',
  ]);
  const edges = all.flatMap((f) => importsOf(root, f));

  it('places every source file of the app in a layer of the table', () => {
    expect(rules.length).toBeGreaterThanOrEqual(10);
    const app = layered.filter((f) => !isTest(f));
    expect(app.filter((f) => layerOf(rules, f) === undefined)).toEqual([]);
    // The components' script blocks are read too.
    expect(edges.some((e) => e.from.endsWith('.vue') && e.to.startsWith('shared/'))).toBe(true);
  });

  it('has no import against the table', () => {
    expect(violations(rules, edges)).toEqual([]);
  });

  it('keeps test support under folders named testing/, imported by tests only', () => {
    const app = layered.filter((f) => !isTest(f));
    expect(testSupportMisplaced(app, edges)).toEqual([]);
    // Nor under another name: no such folder, and no fixtures file outside testing/.
    const otherNames = layered.filter((f) => !isTestSupport(f) && OTHER_SUPPORT_NAMES.test(f));
    expect(otherNames).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(findCycles(edges)).toEqual([]);
  });

  it('resolves every relative import to a file', () => {
    const missing = edges.filter((e) => !e.external && !existsSync(join(root, e.to)));
    expect(missing.map((e) => `${e.from}:${e.line} ${e.to}`)).toEqual([]);
  });
});

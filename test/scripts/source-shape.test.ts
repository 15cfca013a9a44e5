/**
 * The shape of `src/` that docs/architecture.md promises: modules import one another without a
 * cycle (type-only imports aside: they are gone at run time; a dynamic `import()` counts, since it
 * runs), and no module grows past 600 lines but the room engine, which stays one aggregate.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const src = fileURLToPath(new URL('../../src/', import.meta.url));
const MAX_LINES = 600;
const AGGREGATES = new Set(['engine/room.ts']);

/** Every `.ts` module under `src/`, relative to it (declaration files aside). */
function modules(dir = src): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return modules(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative(src, path)] : [];
  });
}

/** The modules of `src/` that `file` imports, re-exports or loads at run time. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(src, file), 'utf8'), ts.ScriptTarget.Latest);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && node.importClause?.isTypeOnly !== true) {
      const named = node.importClause?.namedBindings;
      const allTypes =
        node.importClause !== undefined &&
        node.importClause.name === undefined &&
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((element) => element.isTypeOnly);
      if (!allTypes && ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => join(dirname(file), specifier).replace(/\.js$/, '.ts'));
}

/** Every cycle of the graph, each as the list of its modules, the first one repeated at the end. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (module: string): void => {
    const index = path.indexOf(module);
    if (index >= 0) {
      found.push([...path.slice(index), module]);
      return;
    }
    if (done.has(module)) return;
    path.push(module);
    for (const next of graph.get(module) ?? []) visit(next);
    path.pop();
    done.add(module);
  };
  for (const module of graph.keys()) visit(module);
  return found;
}

describe('the modules of src/', () => {
  it('import one another without a cycle, type-only imports aside', () => {
    const graph = new Map(modules().map((file) => [file, runtimeImports(file)]));
    assert.ok(
      graph.get('core/session.ts')?.includes('core/login-store.ts'),
      'the graph sees the runtime imports',
    );
    assert.deepEqual(cycles(graph), []);
  });

  it(`stay under ${MAX_LINES} lines, the room engine aside`, () => {
    const long = modules()
      .filter((file) => !AGGREGATES.has(file))
      .map((file) => `${file}: ${readFileSync(join(src, file), 'utf8').split('\n').length} lines`)
      .filter((line) => Number(line.split(': ')[1]?.split(' ')[0]) > MAX_LINES);
    assert.deepEqual(long, []);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    assert.deepEqual(cycles(graph), [['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });
});

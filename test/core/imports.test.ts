/**
 * The modules of the client core import one another without a cycle: the stores reach the default
 * session through `default-session.ts`, never through `session.ts`, which imports them. Type-only
 * imports (`import type`, `export type`) are not edges: they are gone at run time.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import ts from 'typescript';

const folder = new URL('../../src/core/', import.meta.url);

/** The modules of `src/core` that `file` imports or re-exports at run time. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(new URL(file, folder), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
  const targets: string[] = [];
  for (const statement of source.statements) {
    let specifier: ts.Expression | undefined;
    if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly !== true) {
      specifier = statement.moduleSpecifier;
    } else if (ts.isExportDeclaration(statement) && !statement.isTypeOnly) {
      specifier = statement.moduleSpecifier;
    }
    if (specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith('./')) {
      targets.push(specifier.text.slice(2).replace(/\.js$/, '.ts'));
    }
  }
  return targets;
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

describe('core modules', () => {
  it('import one another without a cycle, type-only imports aside', () => {
    const files = readdirSync(folder).filter((file) => file.endsWith('.ts'));
    const graph = new Map(files.map((file) => [file, runtimeImports(file)]));
    assert.ok(graph.get('session.ts')?.includes('login-store.ts'), 'the graph sees the runtime imports');
    assert.deepEqual(cycles(graph), []);
  });
});

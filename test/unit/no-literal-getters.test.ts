import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const SOURCES = join(import.meta.dirname, '..', '..', 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every getter or setter written in an object literal of `text`, as `name:line`. */
function literalAccessors(name: string, text: string): string[] {
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) && ts.isObjectLiteralExpression(node.parent)) {
      found.push(`${name}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('no getters or setters in object literals (src/)', () => {
  // Made per request, a literal's accessors kept every request's objects alive through the
  // young-generation collections (server/serve-through-pipeline.ts measures it): scavenges of
  // 5–7 ms instead of ~1 ms at 1,000 req/s. A class's accessors are on its prototype, made once.
  it('finds none: objects with accessors are instances of classes', () => {
    assert.deepEqual(
      sourceFiles(SOURCES).flatMap((path) => literalAccessors(relative(SOURCES, path), readFileSync(path, 'utf8'))),
      [],
    );
  });

  it('would find one (getter or setter, however nested)', () => {
    assert.deepEqual(literalAccessors('probe.ts', 'const edge = {\n  get gone() { return false; },\n};\nf({ inner: { set value(v) {} } });'), ['probe.ts:2', 'probe.ts:4']);
  });
});

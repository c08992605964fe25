#!/usr/bin/env node
// Runs every test file under test/ with Node's own test runner, TypeScript loaded through tsx.
// Builds dist/ first (scripts/build.js), so the tests that start bin/switchyard.js run the current sources,
// and checks the layer rules of ARCHITECTURE.md (.dependency-cruiser.cjs): an upward import or a cycle across folders fails the run.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findTests(folder) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const build = spawnSync(process.execPath, [fileURLToPath(new URL('build.js', import.meta.url))], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const layers = spawnSync(process.execPath, [fileURLToPath(new URL('../node_modules/dependency-cruiser/bin/dependency-cruise.mjs', import.meta.url)), 'src', '--config', '.dependency-cruiser.cjs'], { stdio: 'inherit' });
if (layers.status !== 0) process.exit(layers.status ?? 1);

const files = process.argv.length > 2 ? process.argv.slice(2) : findTests('test').sort();
// TAP as before, then the failing tests named at the very end (scripts/failure-summary-reporter.js).
const reporters = ['--test-reporter=tap', '--test-reporter-destination=stdout', `--test-reporter=${fileURLToPath(new URL('failure-summary-reporter.js', import.meta.url))}`, '--test-reporter-destination=stdout'];
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=600000', ...reporters, ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * `bin/switchyard.js` runs the JavaScript compiled into dist/ (`npm run build`), with neither tsx
 * nor esbuild loaded: they are development tools, absent from a production install.
 *
 * The child node is started with `--import recorder.mjs`, which registers module hooks that append
 * every URL an import resolves to to a log (the hooks run on Node's loader thread, hence a file
 * written synchronously), and on exit appends every CommonJS module in require.cache.
 */

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(REPOSITORY, 'bin', 'switchyard.js');

const HOOKS = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(log, resolved.url + '\\n');
  return resolved;
}
`;
const RECORDER = `
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { fileURLToPath } from 'node:url';
const log = fileURLToPath(new URL('./modules.log', import.meta.url));
register(new URL('./hooks.mjs', import.meta.url), { data: { log } });
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(log, Object.keys(cache).join('\\n') + '\\n'));
`;

const folder = mkdtempSync(join(tmpdir(), 'switchyard-compiled-cli-'));
after(() => rmSync(folder, { recursive: true, force: true }));
writeFileSync(join(folder, 'hooks.mjs'), HOOKS);
writeFileSync(join(folder, 'recorder.mjs'), RECORDER);
writeFileSync(join(folder, 'probe.ts'), 'const answer: number = 42;\nconsole.log(answer);\n');

/** Runs node with the recorder preloaded; returns its output and every module path or URL it loaded. */
async function runRecorded(args: string[]): Promise<{ stdout: string; modules: string[] }> {
  const log = join(folder, 'modules.log');
  writeFileSync(log, '');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', join(folder, 'recorder.mjs'), ...args], {
    cwd: REPOSITORY,
    // Nothing inherited (NODE_OPTIONS in particular) may load a module on the CLI's behalf.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
  });
  return { stdout, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const isTsxOrEsbuild = (module: string) => /[/\\](tsx|@?esbuild)[/\\]/.test(module);

test('the recorder sees tsx and esbuild when they are loaded', async () => {
  const { stdout, modules } = await runRecorded(['--import', 'tsx', join(folder, 'probe.ts')]);
  assert.equal(stdout.trim(), '42');
  assert.ok(modules.some((module) => /[/\\]tsx[/\\]/.test(module)), 'tsx recorded');
  assert.ok(modules.some((module) => /[/\\]esbuild[/\\]/.test(module)), 'esbuild recorded');
});

test('switchyard --help runs the compiled CLI from dist/ without loading tsx or esbuild', async () => {
  const { stdout, modules } = await runRecorded([CLI, '--help']);
  assert.match(stdout, /^\s+serve\b/m);
  assert.ok(modules.some((module) => module.endsWith('/dist/cli/main.js')), `dist/cli/main.js recorded among ${modules.length} modules`);
  assert.ok(!modules.some((module) => module.endsWith('.ts')), 'no TypeScript source loaded');
  assert.deepEqual(modules.filter(isTsxOrEsbuild), []);
});

#!/usr/bin/env node
// Builds the web dashboard (dashboard/src: Preact pages, uPlot charts) into one flat folder of static
// files the gateway serves at /dashboard (src/server/routes/dashboard-routes.ts):
//   index.html        from dashboard/index.html, naming the two files below
//   app-<hash>.js     every script, bundled and minified by esbuild (Preact and uPlot included: no CDN)
//   app-<hash>.css    dashboard/src/styles.css and uPlot's CSS
//   favicon.svg
// The content hash in the names lets the server mark them immutable; index.html is revalidated.
// scripts/build.js calls buildDashboard() for dist/dashboard inside its staging folder. Run directly
// (`node dashboard/build-dashboard.js`) it rebuilds only dist/dashboard, for work on the front end.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = fileURLToPath(new URL('.', import.meta.url));

/** Typechecks dashboard/ (its own tsconfig: DOM, JSX) and bundles it into `outputDirectory`, which must not exist yet. */
export async function buildDashboard(outputDirectory) {
  const require = createRequire(import.meta.url);
  const tsc = require.resolve('typescript/bin/tsc');
  const check = spawnSync(process.execPath, [tsc, '-p', join(folder, 'tsconfig.json')], { stdio: 'inherit' });
  if (check.status !== 0) throw new Error('the dashboard does not typecheck (tsc -p dashboard/tsconfig.json)');

  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [{ in: join(folder, 'src/main.tsx'), out: 'app' }],
    entryNames: '[name]-[hash]',
    outdir: outputDirectory,
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const [script, output] = Object.entries(result.metafile.outputs).find(([, candidate]) => candidate.entryPoint !== undefined) ?? [];
  if (!script || !output?.cssBundle) throw new Error('esbuild did not write the dashboard script and its stylesheet');
  const html = readFileSync(join(folder, 'index.html'), 'utf8').replace('%APP_JS%', basename(script)).replace('%APP_CSS%', basename(output.cssBundle));
  writeFileSync(join(outputDirectory, 'index.html'), html);
  copyFileSync(join(folder, 'favicon.svg'), join(outputDirectory, 'favicon.svg'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dist = join(folder, '..', 'dist', 'dashboard');
  const staging = `${dist}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    await buildDashboard(staging);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    console.error(`switchyard: the dashboard build failed: ${error.message}`);
    process.exit(1);
  }
  rmSync(dist, { recursive: true, force: true });
  renameSync(staging, dist);
}

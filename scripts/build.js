#!/usr/bin/env node
// `npm run build` (also run by `npm ci` through `prepare`, and by `npm test` and `npm run bench`):
// compiles src/ to dist/ with tsc and tsconfig.build.json, then bundles the web dashboard (dashboard/,
// esbuild) into dist/dashboard (dashboard/build-dashboard.js). Fails on any type error.
// tsc writes into a fresh folder that then replaces dist/ whole, so a file deleted from src/ never
// lingers in dist/, and a CLI started while a build runs never sees a half-written dist/.
import { spawnSync } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildDashboard } from '../dashboard/build-dashboard.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;
const staging = `${root}dist.building-${process.pid}`;

rmSync(staging, { recursive: true, force: true });
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  console.error('switchyard: cannot build: typescript, a devDependency, is not installed.');
  console.error('Build with the dev dependencies (`npm ci`); for a production-only node_modules run `npm prune --omit=dev` afterwards.');
  process.exit(1);
}
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', staging], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  // No JavaScript from an older source is left to run in place of code that does not compile.
  rmSync(staging, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
  console.error('switchyard: the build failed (tsc -p tsconfig.build.json); dist/ was removed.');
  process.exit(result.status ?? 1);
}
try {
  await buildDashboard(`${staging}/dashboard`);
} catch (error) {
  rmSync(staging, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
  console.error(`switchyard: the dashboard build failed (${error.message}); dist/ was removed.`);
  process.exit(1);
}
for (let attempt = 1; ; attempt++) {
  rmSync(dist, { recursive: true, force: true });
  try {
    renameSync(staging, dist);
    break;
  } catch (error) {
    // Another build put its dist/ in place between the two calls: replace it too.
    if (attempt >= 5 || !['ENOTEMPTY', 'EEXIST', 'EPERM'].includes(error.code)) throw error;
  }
}

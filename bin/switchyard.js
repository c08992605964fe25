#!/usr/bin/env node
// Runs the JavaScript that `npm ci` (through `prepare`) or `npm run build` compiles from src/ to dist/.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('switchyard: dist/cli/main.js is missing: the TypeScript sources have not been compiled.');
  console.error('Run `npm run build` (or `npm ci`, which builds) in the Switchyard folder, then try again.');
  process.exit(1);
}
await import(main.href);

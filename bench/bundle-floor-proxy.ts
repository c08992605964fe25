import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * The floor as one plain JavaScript file (undici included), run by `node` alone as the gateway's
 * `dist/` is: through tsx it would carry tsx's loader and esbuild's service process, memory and
 * start-up the floor row must not be charged with. CommonJS, because undici is CommonJS and an
 * ESM bundle cannot `require` Node's built-ins.
 */
export async function bundleFloorProxy(folder: string): Promise<string> {
  const outfile = join(folder, 'floor-proxy.cjs');
  await build({ entryPoints: [join(import.meta.dirname, 'floor-proxy.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'error' });
  return outfile;
}

import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';

/**
 * `<package>/dist/dashboard`, which `npm run build` fills (dashboard/build-dashboard.js). This file
 * sits three folders below the package both as a source (src/server/routes, run by tsx) and
 * compiled (dist/server/routes), so one relative path serves both.
 */
const DASHBOARD_FOLDER = fileURLToPath(new URL('../../../dist/dashboard/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Only files of the build's own folder, by a plain name: no path, no dotfile. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*\.[a-z]+$/;
/** esbuild's `[name]-[hash]` names: their content never changes under the same name. */
const HASHED_NAME = /-[A-Z0-9]{8}\.(js|css)$/;

/**
 * The page holds no secret (it asks for the token), but it is where an operator types the admin
 * token: no script but the dashboard's own, no framing, no referrer, and answers are read only
 * from this origin.
 */
const SECURITY_HEADERS = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * The web dashboard: `GET /dashboard` (and `/` redirects there) serves its index.html, and
 * `/dashboard/<file>` the bundled script, stylesheet and icon from dist/dashboard. Public: the
 * static files carry no data, and every API call the page makes is authenticated by the token the
 * operator or tenant types in. Pages are chosen by the hash (`#/requests`); any other path under
 * /dashboard that names no file (no dot) answers index.html too.
 */
export function registerDashboardRoutes(app: FastifyInstance, folder = DASHBOARD_FOLDER): void {
  app.get('/', { config: { public: true } }, async (_request, reply) => reply.redirect('/dashboard'));
  app.get('/dashboard', { config: { public: true } }, async (_request, reply) => sendFile(reply, folder, 'index.html'));
  app.get<{ Params: { '*': string } }>('/dashboard/*', { config: { public: true } }, async (request, reply) => {
    const path = request.params['*'];
    if (FILE_NAME.test(path)) return sendFile(reply, folder, path);
    // A name with a dot asks for a file, which is there or not; anything else is a page of the app.
    if (path.includes('.')) throw GATEWAY_ERRORS.routeNotFound(request.method, request.url.split('?')[0]!);
    return sendFile(reply, folder, 'index.html');
  });
}

async function sendFile(reply: FastifyReply, folder: string, name: string): Promise<FastifyReply> {
  reply.headers(SECURITY_HEADERS);
  let content: Buffer;
  try {
    content = await readFile(join(folder, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (name === 'index.html') throw GATEWAY_ERRORS.dashboardNotBuilt();
    throw GATEWAY_ERRORS.routeNotFound(reply.request.method, reply.request.url.split('?')[0]!);
  }
  const caching = name === 'index.html' ? 'no-cache' : HASHED_NAME.test(name) ? 'public, max-age=31536000, immutable' : 'public, max-age=3600';
  return reply
    .header('content-type', CONTENT_TYPES[extname(name)] ?? 'application/octet-stream')
    .header('cache-control', caching)
    .send(content);
}

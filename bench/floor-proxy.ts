/**
 * The floor: the least a Node proxy does for a chat completion — a node:http server that reads
 * the JSON body, parses and re-serializes it, forwards it through a pooled undici client, and
 * relays the answer (a stream as the bytes arrive). No auth, no metering, no logs. What
 * Switchyard costs beyond this row is its own; what this row costs beyond nginx is Node's.
 *
 * run.ts bundles it to plain JavaScript (bundle-floor-proxy.ts) and runs it with FLOOR_UPSTREAM
 * (the upstream's origin; the request's path is kept) and PORT; it prints `listening <port>`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';

const upstream = new URL(process.env.FLOOR_UPSTREAM ?? 'http://127.0.0.1:8081');
// As many connections as the gateway's pool is given in the bench, so 1,000 slow streams fit.
const pool = new Pool(upstream.origin, { connections: Number(process.env.FLOOR_CONNECTIONS ?? 4096), keepAliveTimeout: 60_000 });

async function forward(request: IncomingMessage, response: ServerResponse, raw: Buffer): Promise<void> {
  let body: { stream?: unknown };
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"invalid JSON"}}');
    return;
  }
  const stream = body.stream === true;
  const abort = new AbortController();
  response.once('close', () => abort.abort());
  try {
    const answer = await pool.request({
      path: request.url ?? '/',
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json' },
      body: JSON.stringify(body),
      signal: abort.signal,
    });
    const contentType = String(answer.headers['content-type'] ?? 'application/json');
    if (stream) {
      response.writeHead(answer.statusCode, { 'content-type': contentType, 'cache-control': 'no-cache' });
      await pipeline(answer.body, response);
    } else {
      const bytes = Buffer.from(await answer.body.arrayBuffer());
      response.writeHead(answer.statusCode, { 'content-type': contentType, 'content-length': bytes.length }).end(bytes);
    }
  } catch {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  }
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => void forward(request, response, Buffer.concat(chunks)));
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Exchange, SimulatorContext } from '../simulator-context.ts';
import type { SimulatorError } from '../simulator-error.ts';
import { VIDEO_FIXTURES } from '../videos/video-fixtures.ts';
import { videoRenderPhase } from '../videos/video-render-phase.ts';
import { geminiApiKey } from './gemini-api-key.ts';
import { GEMINI_SIMULATOR_ERRORS as ERRORS } from './gemini-simulator-errors.ts';

/** Where the simulator's signed media links point: the real ones leave the API's host for a storage host. */
const VEO_MEDIA_PATH = '/gemini-media';
/** Signed media links kept at most, oldest dropped first. */
const KEPT_LINKS = 1_024;
/** How long a signed link serves its video. */
const LINK_LIFETIME_MS = 60 * 60 * 1000;

/**
 * The download of a Veo video, where a finished operation's `video.uri` points:
 * `GET /v1beta/files/{id}:download?alt=media` with the key (header or `?key=`) answers `302 Found`
 * to a signed link that needs no key, which serves the MP4. The real API redirects likewise (its REST
 * sample downloads with `curl -L`); clients that follow redirects (fetch, curl -L) get the bytes.
 * A file of another key's project is refused as the Files API refuses it.
 * @see https://ai.google.dev/gemini-api/docs/video
 */
export function registerVeoDownloads(app: FastifyInstance, context: SimulatorContext): void {
  const links = new Map<string, { fileId: string; expiresAt: number }>();
  app.get('/gemini/v1beta/files/*', (request, reply) => {
    const exchange = context.beginExchange('google', request, reply);
    const key = geminiApiKey(request);
    if (!key) return send(exchange, ERRORS.missingApiKey());
    if (!key.startsWith('AIza')) return send(exchange, ERRORS.invalidApiKey());
    const target = (request.params as { '*': string })['*'];
    const fileId = target.replace(/:download$/, '');
    const job = context.videoJobs.findByFile(fileId);
    const ready = job && job.owner === key && videoRenderPhase(job, Date.now()).state === 'done' && job.outcome === 'completed';
    if (!ready || !target.endsWith(':download')) {
      return send(exchange, ERRORS.status(403, `You do not have permission to access the File ${fileId} or it may not exist.`));
    }
    const token = randomUUID();
    links.set(token, { fileId, expiresAt: Date.now() + LINK_LIFETIME_MS });
    while (links.size > KEPT_LINKS) links.delete(links.keys().next().value!);
    const location = `http://${request.headers.host}${VEO_MEDIA_PATH}/${token}`;
    exchange.record.status = 302;
    exchange.response.writeHead(302, { location, 'content-type': 'text/html; charset=UTF-8' });
    exchange.response.end(`<HTML><HEAD><meta http-equiv="content-type" content="text/html;charset=utf-8">\n<TITLE>302 Moved</TITLE></HEAD><BODY>\n<H1>302 Moved</H1>\nThe document has moved\n<A HREF="${location}">here</A>.\r\n</BODY></HTML>\r\n`);
  });
  app.get(`${VEO_MEDIA_PATH}/:token`, (request, reply) => {
    const exchange = context.beginExchange('google', request, reply);
    const link = links.get((request.params as { token: string }).token);
    const job = link && link.expiresAt > Date.now() ? context.videoJobs.findByFile(link.fileId) : undefined;
    if (!job) {
      exchange.record.status = 404;
      exchange.response.writeHead(404, { 'content-type': 'application/xml; charset=UTF-8' });
      exchange.response.end("<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>");
      return;
    }
    const bytes = Buffer.from(VIDEO_FIXTURES[job.aspect].mp4[job.seconds]!, 'base64');
    exchange.record.status = 200;
    exchange.response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(bytes.length) });
    exchange.response.end(bytes);
  });
}

function send(exchange: Exchange, error: SimulatorError): void {
  exchange.record.status = error.status;
  exchange.response.writeHead(error.status, { 'content-type': 'application/json; charset=UTF-8', ...error.headers });
  exchange.response.end(typeof error.body === 'string' ? error.body : JSON.stringify(error.body, null, 2));
}

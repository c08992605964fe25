import { requestLogger } from '../log-every-answer.ts';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { encodeOpenAIError } from '../../dialects/openai-chat/encode-openai-error.ts';
import { encodeVideoObject } from '../../dialects/openai-videos/encode-video-object.ts';
import { createOpenAIVideosOperation } from '../../dialects/openai-videos/openai-videos-operation.ts';
import { VIDEO_VARIANTS, videoApiOf, type VideoVariant } from '../../dialects/openai-videos/video-provider-api.ts';
import { decodeVideoRequest, type VideoCreateRequest } from '../../dialects/openai-videos/video-request.ts';
import type { VideoJob } from '../../store/store.ts';
import type { Switchyard } from '../../switchyard.ts';
import { readMultipartForm } from '../read-multipart-form.ts';
import { serveThroughPipeline } from '../serve-through-pipeline.ts';

/** OpenAI's videos API, and the hosted service's route for it. */
const BASES = ['/v1/videos', '/v1/gateway/video/generation'];
/** A reference image: OpenAI takes images of the video's size; 25 MB bounds what the gateway holds. */
const FORM_LIMITS = { fileSize: 25 * 1024 * 1024, files: 1, fields: 16, fieldSize: 128 * 1024, fieldNameSize: 100, parts: 17, headerPairs: 20 };
const MAX_PAGE = 100;
const DEFAULT_PAGE = 20;

/**
 * OpenAI's videos API at `/v1/videos` and the hosted `/v1/gateway/video/generation/`: create (a
 * multipart form, as the official SDK sends it, or JSON), remix, retrieve, list, download and
 * delete. Creating is a model request (admitted, metered, billed when the job completes:
 * gateway/video-jobs.ts); the others read the organization's own jobs — another organization's
 * are a 404 — and ask the provider only for the bytes and the delete, free of charge.
 */
export function registerVideoRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  const operation = createOpenAIVideosOperation(switchyard.videoJobs);
  const config = { encodeError: encodeOpenAIError, surface: operation.id };
  const create = (request: FastifyRequest, reply: FastifyReply, body: VideoCreateRequest) =>
    serveThroughPipeline(request, reply, (connection) => switchyard.pipeline.serveOperation(operation, { principal: request.principal!, body, headers: request.headers, requestId: request.id, logger: requestLogger(request) }, connection));

  void app.register(async (scope) => {
    await scope.register(multipart, { limits: FORM_LIMITS, throwFileSizeLimit: true });
    for (const base of BASES) {
      scope.post(base, { config, bodyLimit: FORM_LIMITS.fileSize * 2 }, async (request, reply) => {
        const body = decodeVideoRequest(request.isMultipart() ? await readMultipartForm(request, FORM_LIMITS) : jsonBody(request));
        return create(request, reply, body);
      });
      scope.post<{ Params: { id: string } }>(`${base}/:id/remix`, { config }, async (request, reply) => {
        const source = await findJob(switchyard, request);
        const { prompt } = decodeVideoRequest({ ...jsonBody(request), model: source.model });
        if (source.status !== 'completed') throw GATEWAY_ERRORS.videoNotEnded(source.id, 'remix');
        return create(request, reply, { model: source.model, prompt, remixOf: source });
      });
    }
  });

  for (const base of BASES) {
    app.get<{ Querystring: Record<string, string | undefined> }>(base, { config }, async (request) => {
      const { limit, after, order } = request.query;
      const size = limit === undefined ? DEFAULT_PAGE : Number(limit);
      if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw GATEWAY_ERRORS.validation([{ loc: ['query', 'limit'], msg: `must be a whole number from 1 to ${MAX_PAGE}`, type: 'value_error' }]);
      if (order !== undefined && order !== 'asc' && order !== 'desc') throw GATEWAY_ERRORS.validation([{ loc: ['query', 'order'], msg: 'must be asc or desc', type: 'enum' }]);
      const cursor = after === undefined ? undefined : await switchyard.videoJobs.find(after, request.principal!);
      if (after !== undefined && !cursor) throw GATEWAY_ERRORS.videoNotFound(after);
      const page = await switchyard.videoJobs.list(request.principal!, { ...(cursor && { after: cursor }), limit: size + 1, order: order ?? 'desc' });
      const data = page.slice(0, size).map(encodeVideoObject);
      return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: page.length > size };
    });
    app.get<{ Params: { id: string } }>(`${base}/:id`, { config }, async (request) => encodeVideoObject(await findJob(switchyard, request)));
    app.get<{ Params: { id: string }; Querystring: { variant?: string } }>(`${base}/:id/content`, { config }, async (request, reply) => {
      const variant = request.query.variant ?? 'video';
      if (!(VIDEO_VARIANTS as readonly string[]).includes(variant)) throw GATEWAY_ERRORS.validation([{ loc: ['query', 'variant'], msg: `must be one of ${VIDEO_VARIANTS.join(', ')}`, type: 'enum' }]);
      const job = await findJob(switchyard, request);
      if (job.status !== 'completed') throw GATEWAY_ERRORS.videoNotReady(job.id);
      const { adapter } = providerOf(switchyard, job);
      const cancel = new AbortController();
      reply.raw.on('close', () => cancel.abort());
      const asset = await videoApiOf(adapter).content(adapter, job, variant as VideoVariant, cancel.signal);
      reply.type(asset.contentType);
      if (asset.contentLength) reply.header('content-length', asset.contentLength);
      // Relayed as it comes: a client that leaves destroys the provider's body.
      return reply.send(asset.body);
    });
    app.delete<{ Params: { id: string } }>(`${base}/:id`, { config }, async (request) => {
      const job = await findJob(switchyard, request);
      if (job.settledAt === null) throw GATEWAY_ERRORS.videoNotEnded(job.id, 'delete');
      const { adapter } = providerOf(switchyard, job);
      await videoApiOf(adapter).remove(adapter, job, AbortSignal.timeout(30_000));
      await switchyard.videoJobs.delete(job);
      return { id: job.id, object: 'video.deleted', deleted: true };
    });
  }
}

async function findJob(switchyard: Switchyard, request: FastifyRequest<{ Params: { id: string } }>): Promise<VideoJob> {
  const job = await switchyard.videoJobs.find(request.params.id, request.principal!);
  if (!job) throw GATEWAY_ERRORS.videoNotFound(request.params.id);
  return job;
}

function providerOf(switchyard: Switchyard, job: VideoJob) {
  const adapter = switchyard.adapters.get(job.provider);
  if (!adapter?.forward) throw GATEWAY_ERRORS.providerNotConfigured(job.model, job.provider);
  return { adapter };
}

function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw GATEWAY_ERRORS.validation([{ loc: ['body'], msg: 'Input should be a valid dictionary or object', type: 'dict_type' }]);
  return body as Record<string, unknown>;
}

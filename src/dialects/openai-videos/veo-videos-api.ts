import { request } from 'undici';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import type { VideoJobState } from '../../gateway/video-jobs.ts';
import { throwGeminiFailure } from '../../providers/google/throw-gemini-failure.ts';
import type { ProviderAdapter } from '../../providers/provider-adapter.ts';
import { toGatewayTransportError } from '../../providers/upstream-client.ts';
import type { VideoJob } from '../../store/store.ts';
import { pinToJobDeployment } from './pin-to-job-deployment.ts';
import { readJsonAnswer } from './read-json-answer.ts';
import type { VideoProviderApi } from './video-provider-api.ts';

/** OpenAI's sizes as Veo's aspect ratio and resolution. */
const ASPECTS: Record<string, { aspectRatio: string; resolution: string }> = {
  '1280x720': { aspectRatio: '16:9', resolution: '720p' },
  '720x1280': { aspectRatio: '9:16', resolution: '720p' },
  '1920x1080': { aspectRatio: '16:9', resolution: '1080p' },
  '1080x1920': { aspectRatio: '9:16', resolution: '1080p' },
};
/** How long Google keeps a generated video: the job's expiry, as OpenAI's answers carry one. */
const RETENTION_MS = 2 * 24 * 60 * 60 * 1000;
/** Redirects followed to a generated file (Google answers its download with one, to signed storage). */
const MAX_REDIRECTS = 3;
/** Bounds on the storage server the download is redirected to: its first byte, and any pause in the bytes. */
const STORAGE_TIMEOUTS = { headersTimeout: 30_000, bodyTimeout: 60_000 };

interface Operation {
  name?: unknown;
  done?: unknown;
  error?: { code?: unknown; message?: unknown; status?: unknown };
  response?: { generateVideoResponse?: { generatedSamples?: { video?: { uri?: unknown } }[]; raiMediaFilteredCount?: unknown; raiMediaFilteredReasons?: unknown } };
}

/**
 * Google's Veo on the Gemini API, for OpenAI's videos API: a job is a long-running operation
 * (`models/{model}:predictLongRunning`, polled at `GET /v1beta/{operation}`), its video a file
 * whose download Google redirects to storage — followed without the key, which only Google sees.
 * The size is Veo's aspect ratio and resolution (1280x720 is 16:9 at 720p); Veo makes no
 * thumbnail or spritesheet, remixes nothing, and keeps its operations (a delete is the gateway's own).
 * @see https://ai.google.dev/gemini-api/docs/video
 */
export const veoVideosApi: VideoProviderApi = {
  async start(adapter, order, { signal, onAttempt }) {
    const { model } = order;
    if (!adapter.forward) throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'video generation', 'model');
    if (order.remixOf) throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'remixes', 'video_id');
    const aspect = ASPECTS[order.size];
    if (!aspect) throw GATEWAY_ERRORS.unsupportedCapability(model.id, `size '${order.size}' (it takes ${Object.keys(ASPECTS).join(', ')})`, 'size');
    const instance = {
      prompt: order.prompt,
      ...(order.inputReference && { image: { bytesBase64Encoded: order.inputReference.data.toString('base64'), mimeType: order.inputReference.contentType } }),
    };
    const body = { instances: [instance], parameters: { ...aspect, durationSeconds: order.seconds } };
    const response = await adapter.forward({ method: 'POST', path: `/v1beta/models/${encodeURIComponent(model.upstreamId)}:predictLongRunning`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal, onAttempt, timeouts: model.timeouts });
    if (response.status >= 400) return throwGeminiFailure(adapter, model.provider, response, signal);
    const operation = (await readJsonAnswer(model.provider, response, signal)) as Operation;
    if (typeof operation.name !== 'string' || !/^[\w./-]+$/.test(operation.name)) throw GATEWAY_ERRORS.upstreamInvalidAnswer(model.provider, 'the operation has no name');
    return { upstreamId: operation.name, state: { status: 'queued', progress: 0, error: null }, deployment: response.deployment };
  },

  async poll(adapter, job, _model, signal) {
    const operation = await readOperation(adapter, job, signal);
    if (!operation) return { status: 'failed', progress: job.progress, error: { code: 'video_not_found', message: 'The provider no longer knows this video job.' } };
    return stateOf(operation);
  },

  async content(adapter, job, variant, signal) {
    if (variant !== 'video') throw GATEWAY_ERRORS.unsupportedCapability(job.model, `the '${variant}' variant (Veo makes the video only)`, 'variant');
    const operation = await readOperation(adapter, job, signal);
    const uri = operation?.response?.generateVideoResponse?.generatedSamples?.[0]?.video?.uri;
    if (typeof uri !== 'string') throw GATEWAY_ERRORS.upstreamInvalidAnswer(job.provider, 'the finished operation names no video file');
    // The file's URI is Google's (its API host): asked with the deployment's key, at its base URL.
    const path = /\/v1beta\/files\/[^/?#]+(?:\?[^#]*)?$/.exec(uri)?.[0];
    if (!path) throw GATEWAY_ERRORS.upstreamInvalidAnswer(job.provider, 'the video file has an unexpected URI');
    let response = await adapter.forward!({ method: 'GET', path, headers: {}, signal, ...pinToJobDeployment(job) });
    for (let redirects = 0; response.status >= 300 && response.status < 400; redirects += 1) {
      const location = response.headers.location;
      await response.body.dump();
      if (typeof location !== 'string' || redirects === MAX_REDIRECTS || !/^https?:\/\//i.test(location)) throw GATEWAY_ERRORS.upstreamInvalidAnswer(job.provider, 'the video file download redirects nowhere usable');
      try {
        const answer = await request(location, { method: 'GET', signal, ...STORAGE_TIMEOUTS });
        response = { status: answer.statusCode, headers: answer.headers, body: answer.body, maxBytes: response.maxBytes };
      } catch (error) {
        throw toGatewayTransportError(job.provider, error, signal);
      }
    }
    if (response.status >= 400) return throwGeminiFailure(adapter, job.provider, response, signal);
    const contentLength = response.headers['content-length'];
    return { body: response.body, contentType: String(response.headers['content-type'] ?? 'video/mp4'), ...(typeof contentLength === 'string' && { contentLength }) };
  },

  // Google keeps an operation's file for two days and offers no delete for it: forgetting the job is the gateway's part.
  async remove() {},
};

async function readOperation(adapter: ProviderAdapter, job: VideoJob, signal: AbortSignal): Promise<Operation | undefined> {
  const response = await adapter.forward!({ method: 'GET', path: `/v1beta/${job.upstreamId}`, headers: {}, signal, ...pinToJobDeployment(job) });
  if (response.status === 404) {
    await response.body.dump();
    return undefined;
  }
  if (response.status >= 400) return throwGeminiFailure(adapter, job.provider, response, signal);
  return (await readJsonAnswer(job.provider, response, signal)) as Operation;
}

function stateOf(operation: Operation): VideoJobState {
  if (operation.done !== true) return { status: 'in_progress', progress: 0, error: null };
  if (operation.error) {
    const { status, message } = operation.error;
    return { status: 'failed', progress: 0, error: { code: typeof status === 'string' ? status.toLowerCase() : 'video_generation_failed', message: typeof message === 'string' ? message : 'The provider could not generate the video.' } };
  }
  const result = operation.response?.generateVideoResponse;
  if (typeof result?.generatedSamples?.[0]?.video?.uri === 'string') return { status: 'completed', progress: 100, error: null, expiresAt: Date.now() + RETENTION_MS };
  // Finished without a video: Google's safety filters took it out (`raiMediaFilteredReasons` says why).
  const reasons = Array.isArray(result?.raiMediaFilteredReasons) ? result.raiMediaFilteredReasons.filter((reason): reason is string => typeof reason === 'string') : [];
  return { status: 'failed', progress: 0, error: { code: 'moderation_blocked', message: reasons.join(' ') || 'The provider made no video for this prompt.' } };
}

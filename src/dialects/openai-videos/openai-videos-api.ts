import type { CatalogModel } from '../../catalog/catalog-model.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import type { VideoJobState } from '../../gateway/video-jobs.ts';
import { encodeMultipartForm } from '../../providers/encode-multipart-form.ts';
import type { ProviderAdapter } from '../../providers/provider-adapter.ts';
import { throwOpenAIFailure } from '../openai-speech/throw-openai-failure.ts';
import { pinToJobDeployment } from './pin-to-job-deployment.ts';
import { readJsonAnswer } from './read-json-answer.ts';
import type { VideoProviderApi } from './video-provider-api.ts';

const STATUSES = new Set(['queued', 'in_progress', 'completed', 'failed']);

/**
 * OpenAI's videos API (Sora): `POST /videos` as the official SDK sends it (a multipart form, the
 * reference image as a file), `POST /videos/{id}/remix`, `GET /videos/{id}` for the job's state,
 * `GET /videos/{id}/content?variant=` for its bytes, `DELETE /videos/{id}`.
 * @see https://platform.openai.com/docs/api-reference/videos
 */
export const openAIVideosApi: VideoProviderApi = {
  async start(adapter, order, { signal, onAttempt }) {
    const forward = forwarder(adapter, order.model);
    const { model } = order;
    let response;
    if (order.remixOf) {
      response = await forward({ method: 'POST', path: `/videos/${encodeURIComponent(order.remixOf.upstreamId)}/remix`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: order.prompt }), signal, onAttempt, timeouts: model.timeouts, ...(order.remixOf.deployment && { deployment: order.remixOf.deployment }) });
    } else {
      const fields = [
        { name: 'prompt', value: order.prompt },
        { name: 'model', value: model.upstreamId },
        { name: 'seconds', value: String(order.seconds) },
        { name: 'size', value: order.size },
      ];
      const files = order.inputReference ? [{ field: 'input_reference', filename: order.inputReference.filename || 'input_reference', contentType: order.inputReference.contentType, data: order.inputReference.data }] : [];
      const form = encodeMultipartForm(fields, files);
      response = await forward({ method: 'POST', path: '/videos', headers: { 'content-type': form.contentType }, body: form.body, signal, onAttempt, timeouts: model.timeouts });
    }
    if (response.status >= 400) return throwOpenAIFailure(adapter, model.provider, response, signal);
    const video = await readJsonAnswer(model.provider, response, signal);
    if (typeof video.id !== 'string' || video.id === '') throw GATEWAY_ERRORS.upstreamInvalidAnswer(model.provider, 'the video has no id');
    return { upstreamId: video.id, state: readState(model.provider, video), deployment: response.deployment };
  },

  async poll(adapter, job, model, signal) {
    const response = await forwarder(adapter, model)({ method: 'GET', path: `/videos/${encodeURIComponent(job.upstreamId)}`, headers: {}, signal, ...pinToJobDeployment(job) });
    // The provider no longer knows the job (expired, deleted there): it ended without a video.
    if (response.status === 404) {
      await response.body.dump();
      return { status: 'failed', progress: job.progress, error: { code: 'video_not_found', message: 'The provider no longer knows this video job.' } };
    }
    if (response.status >= 400) return throwOpenAIFailure(adapter, job.provider, response, signal);
    return readState(job.provider, await readJsonAnswer(job.provider, response, signal));
  },

  async content(adapter, job, variant, signal) {
    const response = await adapter.forward!({ method: 'GET', path: `/videos/${encodeURIComponent(job.upstreamId)}/content?variant=${variant}`, headers: { accept: 'application/binary' }, signal, ...pinToJobDeployment(job) });
    if (response.status >= 400) return throwOpenAIFailure(adapter, job.provider, response, signal);
    const contentType = String(response.headers['content-type'] ?? (variant === 'video' ? 'video/mp4' : variant === 'thumbnail' ? 'image/webp' : 'image/jpeg'));
    const contentLength = response.headers['content-length'];
    return { body: response.body, contentType, ...(typeof contentLength === 'string' && { contentLength }) };
  },

  async remove(adapter, job, signal) {
    const response = await adapter.forward!({ method: 'DELETE', path: `/videos/${encodeURIComponent(job.upstreamId)}`, headers: {}, signal, ...pinToJobDeployment(job) });
    if (response.status === 404) await response.body.dump();
    else if (response.status >= 400) await throwOpenAIFailure(adapter, job.provider, response, signal);
    else await response.body.dump();
  },
};

function forwarder(adapter: ProviderAdapter, model: CatalogModel) {
  if (!adapter.forward) throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'video generation', 'model');
  return adapter.forward.bind(adapter);
}

/** A video object's state, every number checked: a malformed one is the provider's failure. */
function readState(provider: string, video: Record<string, unknown>): VideoJobState {
  const { status, progress, error } = video;
  if (typeof status !== 'string' || !STATUSES.has(status)) throw GATEWAY_ERRORS.upstreamInvalidAnswer(provider, 'the video has no known status');
  const percent = typeof progress === 'number' && Number.isFinite(progress) ? Math.min(100, Math.max(0, Math.round(progress))) : 0;
  const failure = error !== null && typeof error === 'object' ? (error as { code?: unknown; message?: unknown }) : undefined;
  return {
    status: status as VideoJobState['status'],
    progress: percent,
    error: status === 'failed' ? { code: typeof failure?.code === 'string' ? failure.code : 'video_generation_failed', message: typeof failure?.message === 'string' ? failure.message : 'The provider could not generate the video.' } : null,
    ...(typeof video.completed_at === 'number' && Number.isSafeInteger(video.completed_at) && { completedAt: video.completed_at * 1000 }),
    ...(typeof video.expires_at === 'number' && Number.isSafeInteger(video.expires_at) && { expiresAt: video.expires_at * 1000 }),
  };
}

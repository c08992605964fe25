import { randomBytes } from 'node:crypto';
import type { CatalogModel } from '../../catalog/catalog-model.ts';
import { videoFactsOf, type VideoFacts } from '../../catalog/video-models.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import type { TokenUsage } from '../../core/usage.ts';
import type { ModelOperation } from '../../gateway/model-operation.ts';
import type { VideoJobs } from '../../gateway/video-jobs.ts';
import type { VideoJob } from '../../store/store.ts';
import { encodeOpenAIError } from '../openai-chat/encode-openai-error.ts';
import { encodeVideoObject } from './encode-video-object.ts';
import { videoApiOf, type StartedVideo, type VideoOrder } from './video-provider-api.ts';
import type { VideoCreateRequest } from './video-request.ts';

export interface CreatedVideo {
  order: VideoOrder;
  started: StartedVideo;
  /** The job as stored, once kept. */
  job?: VideoJob;
}

/**
 * Video generation (`POST /v1/videos`, `/v1/gateway/video/generation/`, `POST /v1/videos/{id}/remix`)
 * on OpenAI's Sora or Google's Veo: checked against what the model takes (lengths and sizes, 400
 * naming them), admitted with a reservation of its full price (its seconds at its size's price),
 * started at the provider with the retry rule, and answered at once with the queued job. The
 * request is not settled then: its metering goes to the video jobs (gateway/video-jobs.ts), which
 * follow the job and bill it when it completes — a failed job costs nothing.
 */
export function createOpenAIVideosOperation(jobs: VideoJobs): ModelOperation<VideoCreateRequest, CreatedVideo> {
  return {
    id: 'openai-videos',
    kind: 'video',
    describe: (body) => ({ model: body.model }),
    check(body, model) {
      const facts = factsOf(model);
      if (body.remixOf) return;
      if (body.seconds !== undefined && !facts.seconds.includes(body.seconds)) {
        throw GATEWAY_ERRORS.unsupportedCapability(model.id, `seconds '${body.seconds}' (it makes ${[...facts.seconds].sort((a, b) => a - b).join(', ')})`, 'seconds');
      }
      if (body.size !== undefined && !facts.sizes.includes(body.size)) throw GATEWAY_ERRORS.unsupportedCapability(model.id, `size '${body.size}' (it makes ${facts.sizes.join(', ')})`, 'size');
    },
    bound: (body, model): TokenUsage => {
      const { seconds, size } = orderOf(body, model);
      return { promptTokens: 0, completionTokens: 0, units: { variant: size, count: seconds } };
    },
    async call(adapter, body, { model, signal, onAttempt }) {
      const order: VideoOrder = { ...orderOf(body, model), model, prompt: body.prompt, ...(body.inputReference && { inputReference: body.inputReference }), ...(body.remixOf && { remixOf: body.remixOf }) };
      const started = await videoApiOf(adapter).start(adapter, order, { signal, onAttempt });
      return { result: { order, started }, deployment: started.deployment };
    },
    async keep(result, request, { body, principal, requestId, model }) {
      const { order, started } = result;
      const now = Date.now();
      const job: VideoJob = {
        id: `video_${randomBytes(24).toString('hex')}`,
        organizationId: principal.organizationId,
        apiKeyId: principal.id,
        requestId,
        model: body.model,
        provider: model.provider,
        deployment: started.deployment ?? null,
        upstreamId: started.upstreamId,
        status: started.state.status,
        progress: started.state.progress,
        prompt: order.prompt,
        seconds: order.seconds,
        size: order.size,
        remixedFrom: body.remixOf?.id ?? null,
        error: null,
        createdAt: now,
        completedAt: null,
        expiresAt: started.state.expiresAt ?? null,
        settledAt: null,
        cost: null,
        owner: jobs.owner,
        heartbeatAt: now,
      };
      await jobs.begin(job, request);
      return { ...result, job };
    },
    encode: (result) => ({ status: 200, body: encodeVideoObject(result.job!) }),
    encodeError: encodeOpenAIError,
  };
}

function factsOf(model: CatalogModel): VideoFacts {
  const facts = videoFactsOf(model);
  if (!facts) throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'video generation through the gateway (no video facts are known for it)', 'model');
  return facts;
}

/** The clip's length and size: a remix keeps its source's, a new video takes the model's defaults for what it leaves out. */
function orderOf(body: VideoCreateRequest, model: CatalogModel): { seconds: number; size: string } {
  if (body.remixOf) return { seconds: body.remixOf.seconds, size: body.remixOf.size };
  const facts = factsOf(model);
  return { seconds: body.seconds ?? facts.seconds[0]!, size: body.size ?? facts.sizes[0]! };
}

import type { SimulatedVideoJob } from '../videos/simulated-video-jobs.ts';
import { videoRenderPhase } from '../videos/video-render-phase.ts';

/** The `@type` of a finished Veo operation's response on the Gemini API. */
const RESPONSE_TYPE = 'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse';
/** google.rpc.Code INTERNAL: an operation that failed for no fault of the request. */
const INTERNAL = 13;

/** A Veo job's operation name, as `predictLongRunning` answers it and `GET /v1beta/{name}` takes it. */
export function veoOperationName(job: SimulatedVideoJob): string {
  return `models/${job.model}/operations/${job.id}`;
}

/**
 * A Veo job as its long-running operation at `now`: `{name}` while it renders (a false `done` is left
 * out, as proto3 JSON leaves it), then `done` with the samples' file URIs, with the safety filter's
 * count and reasons and no samples (`[filtered]`), or with an `error` status (`[fail]`). The shapes
 * are those @google/genai reads (`generateVideoResponse.generatedSamples[].video.uri`,
 * `raiMediaFilteredCount`, `raiMediaFilteredReasons`).
 * @see https://ai.google.dev/api/batch-mode#Operation
 */
export function renderVeoOperation(job: SimulatedVideoJob, now: number, filesUrl: string): Record<string, unknown> {
  const name = veoOperationName(job);
  if (videoRenderPhase(job, now).state !== 'done') return { name };
  if (job.outcome === 'failed') return { name, done: true, error: { code: INTERNAL, message: 'Video generation failed. Please try again later.' } };
  const generateVideoResponse =
    job.outcome === 'filtered'
      ? { raiMediaFilteredCount: job.fileIds.length, raiMediaFilteredReasons: ['The video could not be generated because it may violate the usage guidelines. Try rephrasing the prompt.'] }
      : { generatedSamples: job.fileIds.map((fileId) => ({ video: { uri: `${filesUrl}/${fileId}:download?alt=media` } })) };
  return { name, done: true, response: { '@type': RESPONSE_TYPE, generateVideoResponse } };
}

import type { SimulatedVideoJob } from './simulated-video-jobs.ts';
import { videoRenderPhase } from './video-render-phase.ts';

/** How long a finished video's assets can be downloaded: the guide's one hour. */
const ASSET_LIFETIME_SECONDS = 60 * 60;

/** The `error` of a failed job, as users report Sora's moderation failures. */
const FAILED_ERROR = { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' };

/**
 * A job as the Videos API's `Video` object at `now`. Both marker outcomes fail on OpenAI, whose
 * videos have no partial results.
 * @see https://platform.openai.com/docs/api-reference/videos/object
 */
export function renderOpenAIVideo(job: SimulatedVideoJob, now: number): Record<string, unknown> {
  const phase = videoRenderPhase(job, now);
  const failed = phase.state === 'done' && job.outcome !== 'completed';
  const completedAt = phase.state === 'done' && !failed ? Math.floor(phase.finishedAt / 1000) : null;
  return {
    id: job.id,
    object: 'video',
    created_at: Math.floor(job.createdAt / 1000),
    status: phase.state === 'done' ? (failed ? 'failed' : 'completed') : phase.state,
    completed_at: completedAt,
    error: failed ? FAILED_ERROR : null,
    expires_at: completedAt === null ? null : completedAt + ASSET_LIFETIME_SECONDS,
    model: job.model,
    progress: failed ? 0 : phase.progress,
    prompt: job.prompt,
    remixed_from_video_id: job.remixedFromId,
    seconds: String(job.seconds),
    size: job.size,
  };
}

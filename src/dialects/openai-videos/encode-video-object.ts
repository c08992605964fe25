import type { VideoJob } from '../../store/store.ts';

/**
 * A job as OpenAI's video object, times in Unix seconds, `seconds` a string as OpenAI writes it.
 * @see https://platform.openai.com/docs/api-reference/videos/object
 */
export function encodeVideoObject(job: VideoJob): Record<string, unknown> {
  return {
    id: job.id,
    object: 'video',
    model: job.model,
    status: job.status,
    progress: job.progress,
    created_at: Math.floor(job.createdAt / 1000),
    completed_at: job.completedAt === null ? null : Math.floor(job.completedAt / 1000),
    expires_at: job.expiresAt === null ? null : Math.floor(job.expiresAt / 1000),
    error: job.error,
    prompt: job.prompt,
    remixed_from_video_id: job.remixedFrom,
    seconds: String(job.seconds),
    size: job.size,
  };
}

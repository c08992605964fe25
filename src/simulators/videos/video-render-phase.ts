import type { SimulatedVideoJob } from './simulated-video-jobs.ts';

/** Where a render stands: waiting, rendering (progress 1–99), or over (its outcome says how). */
export type VideoRenderPhase = { state: 'queued'; progress: 0 } | { state: 'in_progress'; progress: number } | { state: 'done'; progress: 100; finishedAt: number };

/** The share of the render time a job spends queued before it starts rendering. */
const QUEUED_SHARE = 0.1;

/**
 * A job's phase at `now`, from its creation time and render time alone: queued for the first tenth,
 * then in progress with the elapsed share as its progress, then done — as a real render advances
 * while the client polls.
 */
export function videoRenderPhase(job: SimulatedVideoJob, now: number): VideoRenderPhase {
  const elapsed = now - job.createdAt;
  if (elapsed >= job.renderMs) return { state: 'done', progress: 100, finishedAt: job.createdAt + job.renderMs };
  const share = elapsed / job.renderMs;
  if (share < QUEUED_SHARE) return { state: 'queued', progress: 0 };
  return { state: 'in_progress', progress: Math.min(99, Math.max(1, Math.floor(share * 100))) };
}

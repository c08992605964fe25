import type { VideoAspect } from './video-fixtures.ts';
import type { VideoOutcome } from './video-outcome.ts';

/** How long a simulated render takes unless a test says otherwise: short, so tests poll a few times and stay fast. */
export const DEFAULT_VIDEO_RENDER_MS = 1500;
/** Jobs kept at most; the oldest go first, so a long-running simulator does not grow without bound. */
const MAX_JOBS = 10_000;

/** One video render, OpenAI's job or Veo's operation, as the simulator keeps it. */
export interface SimulatedVideoJob {
  /** OpenAI's `video_…` id, or Veo's operation id (the last segment of its name). */
  id: string;
  provider: 'openai' | 'google';
  /** The API key that made it: only that key sees it (OpenAI scopes videos to a project, Gemini to the key's project). */
  owner: string;
  model: string;
  prompt: string;
  seconds: number;
  aspect: VideoAspect;
  /** OpenAI's `size` (`720x1280`), or Veo's `resolution` (`720p`). */
  size: string;
  /** Unix milliseconds. */
  createdAt: number;
  /** The render time in force when it was created. */
  renderMs: number;
  outcome: VideoOutcome;
  remixedFromId: string | null;
  /** Veo: the generated files (one per sample), named as the Files API names them. */
  fileIds: string[];
}

/**
 * The video renders of one simulator server, shared by the OpenAI and Veo simulators so that one
 * `reset()` forgets them and one setting (`renderMs`) paces them. A job's state is computed from the
 * clock when it is read (`videoRenderPhase`), so there are no timers to stop.
 */
export class SimulatedVideoJobs {
  /** The render time given to jobs created from now on. */
  renderMs: number;
  readonly #initialRenderMs: number;
  readonly #jobs = new Map<string, SimulatedVideoJob>();

  constructor(renderMs: number = DEFAULT_VIDEO_RENDER_MS) {
    this.renderMs = renderMs;
    this.#initialRenderMs = renderMs;
  }

  add(job: SimulatedVideoJob): void {
    this.#jobs.set(job.id, job);
    while (this.#jobs.size > MAX_JOBS) this.#jobs.delete(this.#jobs.keys().next().value!);
  }

  /** The job if `owner` may see it. */
  find(provider: SimulatedVideoJob['provider'], owner: string, id: string): SimulatedVideoJob | undefined {
    const job = this.#jobs.get(id);
    return job && job.provider === provider && job.owner === owner ? job : undefined;
  }

  /** The job that generated this file, whoever owns it (the caller checks the key). */
  findByFile(fileId: string): SimulatedVideoJob | undefined {
    for (const job of this.#jobs.values()) if (job.fileIds.includes(fileId)) return job;
    return undefined;
  }

  /** `owner`'s jobs at this provider, oldest first. */
  list(provider: SimulatedVideoJob['provider'], owner: string): SimulatedVideoJob[] {
    return [...this.#jobs.values()].filter((job) => job.provider === provider && job.owner === owner);
  }

  delete(id: string): void {
    this.#jobs.delete(id);
  }

  /** Forgets every job and restores the render time the server started with. */
  reset(): void {
    this.#jobs.clear();
    this.renderMs = this.#initialRenderMs;
  }
}

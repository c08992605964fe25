import type { Logger } from 'pino';
import type { TokenUsage } from '../core/usage.ts';
import type { KeptRequest } from '../metering/track-request.ts';
import type { AuthenticatedKey, Store, VideoJob, VideoJobStatus } from '../store/store.ts';

/** How often the instance stamps the jobs it follows, and looks for jobs whose instance stopped. */
const HEARTBEAT_INTERVAL_MS = 10_000;
/** A job not stamped for this long has lost its instance: another one takes it over. */
const STALLED_AFTER_MS = 30_000;
/** A job still running after this long is ended as failed, unbilled: the provider lost it or never ends it. */
const MAX_JOB_MS = 2 * 60 * 60 * 1000;
/** Provider calls one poll makes at once. */
const POLL_CONCURRENCY = 16;

/** How a job stands at its provider. */
export interface VideoJobState {
  status: VideoJobStatus;
  progress: number;
  error: { code: string; message: string } | null;
  /** Unix milliseconds; the provider's when it says, else when the gateway saw it end. */
  completedAt?: number;
  expiresAt?: number | null;
}

/** What the keeper needs of the rest of the gateway: the provider, and the metering of a job it took over. */
export interface VideoJobServices {
  /** Asks the job's provider (its deployment) how the job stands; throws when it cannot tell now. */
  poll(job: VideoJob, signal: AbortSignal): Promise<VideoJobState>;
  /** The metering of a job this instance did not create (its instance stopped): not admitted, charged when it ends. */
  track(job: VideoJob, principal: AuthenticatedKey): KeptRequest | undefined;
}

interface HeldJob {
  job: VideoJob;
  tracked: KeptRequest;
  polling: boolean;
}

/**
 * The video jobs this instance follows, from creation to the end that bills them. A job is a
 * provider's long-running task (OpenAI's `/videos`, Google's Veo operation): the create request
 * is admitted like any model request — its reservation is the most the clip can cost — and
 * answered at once; the instance that made it keeps the request's metering, asks the provider
 * how the job does every poll interval, writes its status and progress to the store (where any
 * instance reads it for a client), and settles it when it ends: a completed job is billed its
 * seconds at its model's price, a failed one nothing, in the one store write that may settle it
 * (so it is billed once whatever else happens). The reservation is held the whole time, so jobs
 * in flight count against the organization's credit like requests in flight.
 *
 * When its instance stops, a job is not lost: the instance stamps the jobs it follows every 10 s,
 * and any instance takes over a job not stamped for 30 s, follows it and bills it when it ends
 * (charged without a reservation: the stopped instance's expired with it). A job still running
 * after two hours is ended as failed, unbilled.
 */
export class VideoJobs {
  private readonly held = new Map<string, HeldJob>();
  private poller: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly stopping = new AbortController();

  constructor(
    private readonly store: Store,
    private readonly services: VideoJobServices,
    private readonly logger: Logger,
    private readonly options: { owner: string; pollIntervalMs: number; heartbeatMs?: number; stalledAfterMs?: number },
  ) {}

  get owner(): string {
    return this.options.owner;
  }

  start(): void {
    this.poller = setInterval(() => void this.pollAll(), this.options.pollIntervalMs);
    this.poller.unref();
    this.heartbeat = setInterval(() => void this.stampAndTakeOver(), this.options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
    void this.stampAndTakeOver();
  }

  /** Stops following jobs: their reservations are released, and another instance (or this one, restarted) takes them over. */
  stop(): void {
    clearInterval(this.poller);
    clearInterval(this.heartbeat);
    this.stopping.abort();
    for (const { tracked } of this.held.values()) tracked.dispose();
    this.held.clear();
  }

  /** Stores a job the provider accepted and follows it with the create request's metering; throws when the store cannot take it. */
  async begin(job: VideoJob, tracked: KeptRequest): Promise<void> {
    await this.store.createVideoJob(job);
    this.held.set(job.id, { job, tracked, polling: false });
  }

  /** The job when the principal's organization made it; undefined otherwise, whoever else did. */
  async find(id: string, principal: AuthenticatedKey): Promise<VideoJob | undefined> {
    const job = await this.store.findVideoJob(id);
    return job && job.organizationId === principal.organizationId ? job : undefined;
  }

  list(principal: AuthenticatedKey, page: { after?: VideoJob; limit: number; order: 'asc' | 'desc' }): Promise<VideoJob[]> {
    return this.store.listVideoJobs(principal.organizationId, page);
  }

  /** Forgets an ended job; false when it is still running (or already gone). */
  delete(job: VideoJob): Promise<boolean> {
    return this.store.deleteVideoJob(job.id);
  }

  /** Asks the provider about every job this instance follows, a few at a time; a job already being asked about is skipped. */
  async pollAll(): Promise<void> {
    const due = [...this.held.values()].filter((entry) => !entry.polling);
    for (let start = 0; start < due.length; start += POLL_CONCURRENCY) {
      await Promise.all(due.slice(start, start + POLL_CONCURRENCY).map((entry) => this.follow(entry)));
    }
  }

  private async follow(entry: HeldJob): Promise<void> {
    entry.polling = true;
    try {
      const { job } = entry;
      let state: VideoJobState;
      try {
        state = await this.services.poll(job, this.stopping.signal);
      } catch (error) {
        if (Date.now() - job.createdAt < MAX_JOB_MS) {
          this.logger.warn({ err: error, videoId: job.id, provider: job.provider }, 'could not ask the provider how a video job does; asking again at the next poll');
          return;
        }
        state = { status: 'failed', progress: job.progress, error: { code: 'video_timeout', message: 'The video job did not end within two hours.' } };
      }
      if (state.status === 'completed' || state.status === 'failed') await this.settle(entry, state);
      else if (state.status !== job.status || state.progress !== job.progress) {
        if (await this.store.updateVideoJob(job.id, this.owner, { status: state.status, progress: state.progress })) Object.assign(job, { status: state.status, progress: state.progress });
        else this.release(entry); // settled or taken over elsewhere
      }
    } catch (error) {
      this.logger.error({ err: error, videoId: entry.job.id }, 'could not record how a video job does; trying again at the next poll');
    } finally {
      entry.polling = false;
    }
  }

  /** Bills an ended job once: the write that settles it in the store is the one that charges it. */
  private async settle(entry: HeldJob, state: VideoJobState): Promise<void> {
    const { job, tracked } = entry;
    const completed = state.status === 'completed';
    const usage: TokenUsage | undefined = completed ? { promptTokens: 0, completionTokens: 0, units: { variant: job.size, count: job.seconds } } : undefined;
    const cost = tracked.price(usage);
    const now = Date.now();
    const won = await this.store.updateVideoJob(job.id, this.owner, {
      status: state.status,
      progress: completed ? 100 : state.progress,
      error: state.error,
      completedAt: state.completedAt ?? now,
      expiresAt: state.expiresAt ?? null,
      cost,
      settle: now,
    });
    this.held.delete(job.id);
    if (!won) {
      tracked.dispose();
      return;
    }
    tracked.finish(200, { usage, ...(state.error && { errorCode: state.error.code }) });
  }

  private release(entry: HeldJob): void {
    this.held.delete(entry.job.id);
    entry.tracked.dispose();
  }

  /** Stamps the jobs this instance follows, then takes over the ones whose instance stopped. */
  private async stampAndTakeOver(): Promise<void> {
    const now = Date.now();
    try {
      await this.store.stampVideoJobs(this.owner, [...this.held.keys()], now);
      for (const job of await this.store.listStalledVideoJobs(now - (this.options.stalledAfterMs ?? STALLED_AFTER_MS))) {
        if (this.held.has(job.id) || !(await this.store.takeOverVideoJob(job.id, this.owner, job.heartbeatAt, now))) continue;
        const principal = await this.store.findAuthenticatedKey(job.apiKeyId);
        const tracked = principal && this.services.track(job, principal);
        if (!tracked) {
          this.logger.error({ videoId: job.id, model: job.model }, 'took over a video job whose key or model is gone; it cannot be billed');
          continue;
        }
        this.held.set(job.id, { job: { ...job, owner: this.owner, heartbeatAt: now }, tracked, polling: false });
        this.logger.warn({ videoId: job.id, previousOwner: job.owner }, 'took over a video job whose instance stopped');
      }
    } catch (error) {
      this.logger.error({ err: error }, 'could not stamp or take over video jobs; trying again in 10 s');
    }
  }
}

import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisHealth } from './redis-health.ts';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * rate-limiter-flexible loads every one of its backends when imported (~30 ms): it is loaded when
 * a first limit is met, so CLI commands and gateways without rate limits never pay for it.
 */
const load = createRequire(import.meta.url);
let rateLimiterFlexible: typeof import('rate-limiter-flexible') | undefined;
function rateLimiters(): typeof import('rate-limiter-flexible') {
  rateLimiterFlexible ??= load('rate-limiter-flexible') as typeof import('rate-limiter-flexible');
  return rateLimiterFlexible;
}

const WINDOW_SECONDS = 60;

/** A key or an organization, with its per-minute limits (absent: none). */
export interface RateSubject {
  kind: 'key' | 'organization';
  id: string;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

export interface RateRefusal {
  subject: RateSubject['kind'];
  unit: 'requests' | 'tokens';
  limit: number;
  retryAfterMs: number;
}

export interface RateCheck {
  /** OpenAI's `x-ratelimit-*` headers for the most constrained subject of each unit. */
  headers: Record<string, string>;
  refusal?: RateRefusal;
}

/** The request and token windows admission checks (this instance's or Redis's: RateWindows; the primary's: PrimaryRateWindows). */
export interface RateLimits {
  /** Takes a request from each request window and reads each token window: the tightest of each unit, and a refusal when one is full. */
  check(subjects: RateSubject[]): Promise<RateCheck>;
  /** Adds a finished request's tokens to the token windows of its subjects (not waited for: a failure is reported, never thrown). */
  addTokens(subjects: RateSubject[], tokens: number): void;
}

interface WindowReading {
  subject: RateSubject;
  unit: RateRefusal['unit'];
  limit: number;
  remaining: number;
  resetMs: number;
  refused: boolean;
}

/**
 * Requests and tokens per minute, per key and per organization, counted with rate-limiter-flexible
 * in fixed one-minute windows: in memory, or in Redis (shared by every instance) when configured.
 * A request takes one request point as it is admitted. Tokens are known only once it finishes, so
 * a request is admitted while the window's tokens are under the limit and its own tokens are added
 * when it ends: a window can pass its token limit by the tokens of the requests then in flight.
 * When Redis cannot be reached (redis-health.ts), the windows are counted in this instance's
 * memory until it answers again.
 */
export class RateWindows implements RateLimits {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(private readonly options: { redis?: Redis; redisHealth?: RedisHealth; prefix: string; logger: Logger }) {}

  async check(subjects: RateSubject[]): Promise<RateCheck> {
    const readings: Promise<WindowReading | undefined>[] = [];
    for (const subject of subjects) {
      if (subject.requestsPerMinute !== undefined) readings.push(this.takeRequest(subject, subject.requestsPerMinute));
      if (subject.tokensPerMinute !== undefined) readings.push(this.readTokens(subject, subject.tokensPerMinute));
    }
    if (readings.length === 0) return { headers: {} };
    // One pass over the readings (in parallel: Redis answers them together): the tightest of each unit, the first refusal.
    let requests: WindowReading | undefined;
    let tokens: WindowReading | undefined;
    let refused: WindowReading | undefined;
    for (const reading of await Promise.all(readings)) {
      if (!reading) continue;
      if (reading.unit === 'requests') {
        if (!requests || reading.remaining < requests.remaining) requests = reading;
      } else if (!tokens || reading.remaining < tokens.remaining) tokens = reading;
      if (reading.refused) refused ??= reading;
    }
    const headers: Record<string, string> = {};
    if (requests) writeHeaders(headers, requests);
    if (tokens) writeHeaders(headers, tokens);
    return refused ? { headers, refusal: { subject: refused.subject.kind, unit: refused.unit, limit: refused.limit, retryAfterMs: refused.resetMs } } : { headers };
  }

  addTokens(subjects: RateSubject[], tokens: number): void {
    if (tokens <= 0) return;
    for (const subject of subjects) {
      if (subject.tokensPerMinute === undefined) continue;
      this.limiter('tokens', subject.tokensPerMinute)
        .penalty(windowKey(subject), tokens)
        .catch((error: unknown) => this.failed(error));
    }
  }

  private async takeRequest(subject: RateSubject, limit: number): Promise<WindowReading | undefined> {
    try {
      const result = await this.limiter('requests', limit).consume(windowKey(subject), 1);
      return { subject, unit: 'requests', limit, remaining: result.remainingPoints, resetMs: result.msBeforeNext, refused: false };
    } catch (error) {
      if (error instanceof rateLimiters().RateLimiterRes) return { subject, unit: 'requests', limit, remaining: 0, resetMs: error.msBeforeNext, refused: true };
      return this.failed(error);
    }
  }

  private async readTokens(subject: RateSubject, limit: number): Promise<WindowReading | undefined> {
    try {
      const result = await this.limiter('tokens', limit).get(windowKey(subject));
      const consumed = result?.consumedPoints ?? 0;
      const resetMs = result?.msBeforeNext ?? WINDOW_SECONDS * 1_000;
      return { subject, unit: 'tokens', limit, remaining: Math.max(0, limit - consumed), resetMs, refused: consumed >= limit };
    } catch (error) {
      return this.failed(error);
    }
  }

  /**
   * One limiter per unit and limit (a limiter's points are fixed). In Redis, limiters of one unit
   * share their counters, so a changed limit applies to the current window.
   */
  private limiter(unit: RateRefusal['unit'], points: number): RateLimiterAbstract {
    // While Redis is down, this instance's own windows count (each instance limits on its own meanwhile).
    const local = !this.options.redis || this.options.redisHealth?.down === true;
    const name = `${local ? 'local' : 'shared'}:${unit}:${points}`;
    let limiter = this.limiters.get(name);
    if (!limiter) {
      const { redis, prefix } = this.options;
      const { RateLimiterMemory, RateLimiterRedis } = rateLimiters();
      limiter = local
        ? new RateLimiterMemory({ keyPrefix: `${unit}:${points}`, points, duration: WINDOW_SECONDS })
        : new RateLimiterRedis({ storeClient: redis!, keyPrefix: `${prefix}rate-${unit}`, points, duration: WINDOW_SECONDS });
      this.limiters.set(name, limiter);
    }
    return limiter;
  }

  private failed(error: unknown): undefined {
    if (this.options.redisHealth) this.options.redisHealth.failed(error);
    else this.options.logger.error({ err: error }, 'rate limit counters unavailable; request let through');
    return undefined;
  }
}

/** The names of OpenAI's `x-ratelimit-*` headers, per unit: written as constants, not built per request. */
const HEADER_NAMES: Record<RateRefusal['unit'], { limit: string; remaining: string; reset: string }> = {
  requests: { limit: 'x-ratelimit-limit-requests', remaining: 'x-ratelimit-remaining-requests', reset: 'x-ratelimit-reset-requests' },
  tokens: { limit: 'x-ratelimit-limit-tokens', remaining: 'x-ratelimit-remaining-tokens', reset: 'x-ratelimit-reset-tokens' },
};

/** OpenAI's `x-ratelimit-*` headers of one unit, from its tightest window. */
function writeHeaders(headers: Record<string, string>, reading: WindowReading): void {
  const names = HEADER_NAMES[reading.unit];
  headers[names.limit] = String(reading.limit);
  headers[names.remaining] = String(reading.remaining);
  headers[names.reset] = formatResetDuration(reading.resetMs);
}

function windowKey(subject: RateSubject): string {
  return `${subject.kind}:${subject.id}`;
}

/** A reset time as OpenAI writes it: `20ms`, `1.5s`, `6m0s`. */
function formatResetDuration(milliseconds: number): string {
  const ms = Math.max(0, Math.ceil(milliseconds));
  if (ms < 1_000) return `${ms}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(3))}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${Number(((ms - minutes * 60_000) / 1_000).toFixed(3))}s`;
}

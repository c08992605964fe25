import type { Logger } from 'pino';
import type { PrimaryLink } from '../core/primary-link.ts';
import type { RateCheck, RateLimits, RateSubject } from './rate-windows.ts';

/**
 * The request and token windows of a worker of `serve --workers N` without Redis: the primary
 * counts them (its in-memory RateWindows), so a limit holds across the workers as on one
 * instance. A check is one IPC round trip for all the request's windows, tokens are added one-way.
 * When the primary does not answer, the request is let through, as when Redis is unreachable.
 */
export class PrimaryRateWindows implements RateLimits {
  constructor(
    private readonly primary: PrimaryLink,
    private readonly logger: Logger,
  ) {}

  async check(subjects: RateSubject[]): Promise<RateCheck> {
    if (!subjects.some((subject) => subject.requestsPerMinute !== undefined || subject.tokensPerMinute !== undefined)) return { headers: {} };
    try {
      return await this.primary.ask<RateCheck>('rates.check', subjects);
    } catch (error) {
      this.logger.error({ err: error }, 'rate limit counters unavailable; request let through');
      return { headers: {} };
    }
  }

  addTokens(subjects: RateSubject[], tokens: number): void {
    if (tokens <= 0 || !subjects.some((subject) => subject.tokensPerMinute !== undefined)) return;
    this.primary.tell('rates.addTokens', { subjects, tokens });
  }
}

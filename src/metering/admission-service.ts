import type { Logger } from 'pino';
import type { CatalogModel } from '../catalog/catalog-model.ts';
import { formatMicros } from '../core/format-micros.ts';
import { GATEWAY_ERRORS, GatewayError } from '../core/gateway-error.ts';
import type { AuthenticatedKey } from '../store/store.ts';
import type { AdmissionCounters, AdmissionRefusal, AdmissionTicket } from './admission-counters.ts';
import { boundRequestCost } from './bound-request-cost.ts';
import { computeCost } from './compute-cost.ts';
import type { TokenUsage } from '../core/usage.ts';
import { monthOf } from './month-of.ts';
import type { RateLimits, RateSubject } from './rate-windows.ts';

/** An admitted request's hold on its limits, released once by `settle`. */
export interface Admission {
  /** OpenAI's `x-ratelimit-*` headers, for every response of a key or organization that has a rate limit. */
  headers: Record<string, string>;
  /** Micro-credits reserved for the request. */
  reservation: number;
  /** Frees the request's slot and reservation, charges its cost and counts its tokens. Only the first call counts. */
  settle(cost: number, tokens: number): void;
}

/**
 * The admit phase of a model request, between resolving the model and calling the provider:
 * the key's model allow-list (403), requests and tokens per minute (429), then — in one atomic
 * step — concurrent requests (429), the organization's credit and the key's budgets (402), taking
 * a concurrency slot and reserving the most the request can cost. Nothing here waits on the database.
 *
 * Overdraft bound: a request is admitted only while its organization's balance less the
 * reservations of requests in flight is above zero, and its real cost never exceeds its
 * reservation; so a balance ends below zero by less than one request's reservation (the same holds
 * for each key budget). With Redis the bound holds across every instance.
 */
export class AdmissionService {
  constructor(
    private readonly counters: AdmissionCounters,
    private readonly rateWindows: RateLimits,
    private readonly options: { metering: boolean; logger: Logger },
  ) {}

  async admit(principal: AuthenticatedKey, model: CatalogModel, fields: { requestId: string; requestedModel: string; body: unknown; bound?: TokenUsage }): Promise<Admission> {
    if (principal.allowedModels && !principal.allowedModels.includes(fields.requestedModel) && !principal.allowedModels.includes(model.id)) {
      throw GATEWAY_ERRORS.modelNotAllowed(fields.requestedModel);
    }
    const subjects = rateSubjects(principal);
    const rates = await this.rateWindows.check(subjects);
    if (rates.refusal) {
      const { subject, unit, limit, retryAfterMs } = rates.refusal;
      throw GATEWAY_ERRORS.rateLimited(subject, unit, limit, { ...rates.headers, 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1_000))) });
    }

    const ticket = this.ticket(principal, model, fields);
    const counted = ticket.enforceBalance || ticket.lifetimeBudget !== undefined || ticket.monthlyBudget !== undefined || ticket.keyConcurrency !== undefined || ticket.organizationConcurrency !== undefined;
    let held = false;
    if (counted) {
      let refusal: AdmissionRefusal | undefined;
      try {
        refusal = await this.counters.admit(ticket);
        held = refusal === undefined;
      } catch (error) {
        this.options.logger.error({ err: error }, 'credit and concurrency counters unavailable; request let through');
      }
      if (refusal) throw withHeaders(this.refusalError(refusal, principal), rates.headers);
    }

    let settled = false;
    return {
      headers: rates.headers,
      reservation: ticket.reservation,
      settle: (cost, tokens) => {
        if (settled) return;
        settled = true;
        // The counters must only ever see whole, finite micro-credits: one NaN would switch an organization's credit check off.
        if (!Number.isSafeInteger(cost) || cost < 0) {
          this.options.logger.error({ requestId: ticket.requestId, cost: String(cost) }, 'a request was priced at an invalid amount; its reservation is charged instead');
          cost = ticket.reservation;
        }
        const counting = held ? this.counters.settle(ticket, cost) : this.counters.charge(ticket.organizationId, ticket.apiKeyId, ticket.month, cost);
        counting.catch((error: unknown) => this.options.logger.error({ err: error, requestId: ticket.requestId }, 'could not settle a request with the credit counters'));
        this.rateWindows.addTokens(subjects, tokens);
      },
    };
  }

  /** Charges a request that was not admitted for a model: a background response's tokens, recorded when a poll sees it finished. */
  charge(principal: AuthenticatedKey, cost: number): void {
    this.counters
      .charge(principal.organizationId, principal.id, monthOf(Date.now()), cost)
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'could not charge the credit counters'));
  }

  private ticket(principal: AuthenticatedKey, model: CatalogModel, fields: { requestId: string; body: unknown; bound?: TokenUsage }): AdmissionTicket {
    const { limits, organizationLimits } = principal;
    return {
      requestId: fields.requestId,
      organizationId: principal.organizationId,
      apiKeyId: principal.id,
      // An operation that knows its own bound (images, seconds of audio) reserves that; a chat, what its body can cost.
      reservation: fields.bound ? computeCost(fields.bound, model.pricing) : boundRequestCost(fields.body, model),
      enforceBalance: this.options.metering,
      lifetimeBudget: limits.lifetimeBudget,
      monthlyBudget: limits.monthlyBudget,
      month: monthOf(Date.now()),
      keyConcurrency: limits.concurrentRequests,
      organizationConcurrency: organizationLimits.concurrentRequests,
    };
  }

  private refusalError(refusal: AdmissionRefusal, principal: AuthenticatedKey) {
    switch (refusal) {
      case 'balance':
        return GATEWAY_ERRORS.creditsExhausted();
      case 'lifetime_budget':
        return GATEWAY_ERRORS.keyBudgetExhausted('lifetime', formatMicros(principal.limits.lifetimeBudget ?? 0));
      case 'monthly_budget':
        return GATEWAY_ERRORS.keyBudgetExhausted('monthly', formatMicros(principal.limits.monthlyBudget ?? 0));
      case 'key_concurrency':
        return GATEWAY_ERRORS.concurrencyLimited('key', principal.limits.concurrentRequests ?? 0);
      case 'organization_concurrency':
        return GATEWAY_ERRORS.concurrencyLimited('organization', principal.organizationLimits.concurrentRequests ?? 0);
      default: {
        const exhaustive: never = refusal;
        return exhaustive;
      }
    }
  }
}

/** A refusal still carries the rate-limit headers every response of a limited key carries. */
function withHeaders(error: GatewayError, headers: Record<string, string>): GatewayError {
  if (Object.keys(headers).length === 0) return error;
  return new GatewayError({ status: error.status, type: error.type, code: error.code, message: error.message, param: error.param, headers: { ...headers, ...error.headers } });
}

function rateSubjects(principal: AuthenticatedKey): RateSubject[] {
  const subjects: RateSubject[] = [];
  const { limits, organizationLimits } = principal;
  if (limits.requestsPerMinute !== undefined || limits.tokensPerMinute !== undefined) {
    subjects.push({ kind: 'key', id: principal.id, requestsPerMinute: limits.requestsPerMinute, tokensPerMinute: limits.tokensPerMinute });
  }
  if (organizationLimits.requestsPerMinute !== undefined || organizationLimits.tokensPerMinute !== undefined) {
    subjects.push({ kind: 'organization', id: principal.organizationId, requestsPerMinute: organizationLimits.requestsPerMinute, tokensPerMinute: organizationLimits.tokensPerMinute });
  }
  return subjects;
}

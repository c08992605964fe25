import type { FastifyInstance } from 'fastify';
import { formatMicros } from '../../core/format-micros.ts';
import type { Switchyard } from '../../switchyard.ts';

const CREDITS_PATHS = ['/v1/gateway/credits', '/v1/credits'];

/**
 * The caller's remaining credit, as the hosted service's `GET /credits/` gives it: the balance of
 * the key's organization (its ledger, debits not yet flushed included), in credits as a decimal
 * string (1 credit = 1 US dollar of provider list price) and in integer micro-credits. Free, and
 * answered from memory (or Redis), never the database.
 */
export function registerCreditsRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  for (const path of CREDITS_PATHS) {
    app.get(path, async (request) => {
      const principal = request.principal!;
      const balance = await switchyard.credits.balance(principal.organizationId);
      return { object: 'credits', organization: principal.organizationName, balance: formatMicros(balance), balance_micros: balance };
    });
  }
}

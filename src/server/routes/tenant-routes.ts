import type { FastifyInstance } from 'fastify';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import type { Switchyard } from '../../switchyard.ts';
import { requestLogQuerySchema, usageSeriesQuerySchema, type RequestLogQuery, type UsageSeriesQuery } from '../admin/admin-request-schemas.ts';
import { encodeSeries, listRequestPage } from '../admin/answer-request-log.ts';
import { decodeRequestLogQuery, decodeUsageSeriesQuery } from '../admin/decode-request-log-query.ts';
import { encodeApiKey, encodeLedgerEntry, encodeRequest } from '../admin/encode-admin-resources.ts';

const DEFAULT_LEDGER_LIMIT = 100;
const MAX_LEDGER_LIMIT = 1_000;

/** The admin API's filters less `organization`: a tenant sees its own organization and no other. */
const withoutOrganization = <Schema extends { properties: Record<string, unknown> }>(schema: Schema) => {
  const { organization: _organization, ...properties } = schema.properties;
  return { ...schema, properties };
};

interface IdParams {
  id: string;
}

/**
 * What a key may read of its own organization, read-only (the dashboard's tenant view and any
 * client): the request log and its series, the organization's keys (never a secret) and its
 * ledger. The organization is always the key's: no parameter can name another.
 */
export function registerTenantRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  const names = (request: { principal?: { organizationId: string; organizationName: string } }) => new Map([[request.principal!.organizationId, request.principal!.organizationName]]);

  app.get<{ Querystring: Omit<RequestLogQuery, 'organization'> }>('/v1/gateway/usage', { schema: { querystring: withoutOrganization(requestLogQuerySchema) } }, async (request) =>
    listRequestPage(switchyard, { ...decodeRequestLogQuery(request.query), organizationId: request.principal!.organizationId }, names(request)),
  );
  app.get<{ Querystring: Omit<UsageSeriesQuery, 'organization'> }>('/v1/gateway/usage/series', { schema: { querystring: withoutOrganization(usageSeriesQuerySchema) } }, async (request) => {
    const rows = await switchyard.store.usageSeries({ ...decodeUsageSeriesQuery(request.query), organizationId: request.principal!.organizationId });
    return encodeSeries(rows, request.query, names(request));
  });
  app.get<{ Params: IdParams }>('/v1/gateway/usage/:id', async (request) => {
    const record = await switchyard.store.findRequest(request.params.id, request.principal!.organizationId);
    if (!record) throw GATEWAY_ERRORS.adminResourceNotFound(`Request '${request.params.id}' not found`);
    return encodeRequest(record, names(request), true);
  });
  app.get('/v1/gateway/keys', async (request) => {
    const keys = await switchyard.store.listApiKeys(request.principal!.organizationId);
    return { object: 'list', data: keys.map((key) => encodeApiKey(key, request.principal!.organizationName)) };
  });
  app.get<{ Querystring: { limit?: string } }>(
    '/v1/gateway/credits/ledger',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'string', pattern: '^[0-9]{1,4}$' } } } } },
    async (request) => {
      const limit = Math.min(Math.max(Number(request.query.limit ?? DEFAULT_LEDGER_LIMIT), 1), MAX_LEDGER_LIMIT);
      const entries = await switchyard.store.listLedgerEntries({ organizationId: request.principal!.organizationId, limit });
      return { object: 'list', data: entries.map(encodeLedgerEntry) };
    },
  );
}

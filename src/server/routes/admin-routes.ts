import type { FastifyInstance } from 'fastify';
import { AccountError } from '../../accounts/account-error.ts';
import { formatMicros } from '../../core/format-micros.ts';
import { GATEWAY_ERRORS, GatewayError } from '../../core/gateway-error.ts';
import { servedDeployments } from '../../providers/provider-registry.ts';
import { BalancedAdapter } from '../../providers/balanced-adapter.ts';
import type { Switchyard } from '../../switchyard.ts';
import { parseUsageGroups, type UsageGroup } from '../../usage/parse-usage-groups.ts';
import {
  addCreditsSchema,
  createKeySchema,
  createOrganizationSchema,
  ledgerQuerySchema,
  requestLogQuerySchema,
  updateKeySchema,
  updateOrganizationSchema,
  usageQuerySchema,
  usageSeriesQuerySchema,
  type AddCreditsBody,
  type CreateOrganizationBody,
  type KeySettingsBody,
  type LedgerQuery,
  type RequestLogQuery,
  type UpdateOrganizationBody,
  type UsageQuery,
  type UsageSeriesQuery,
} from '../admin/admin-request-schemas.ts';
import { decodeQueryTime, decodeRequestLogQuery, decodeUsageSeriesQuery } from '../admin/decode-request-log-query.ts';
import { encodeSeries, listRequestPage } from '../admin/answer-request-log.ts';
import { decodeAmount, decodeLimitChanges } from '../admin/decode-limit-changes.ts';
import { encodeApiKey, encodeCatalogModel, encodeLedgerEntry, encodeOrganization, encodeRequest, encodeUsageRow } from '../admin/encode-admin-resources.ts';
import { authenticateAdmin, digestAdminToken } from '../authenticate-admin.ts';
import { renderError } from '../render-error.ts';
import { registerAdminChatbotRoutes } from './admin-chatbot-routes.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Admin API routes: guarded by the admin token instead of a tenant key. */
    admin?: boolean;
  }
}

const DEFAULT_LEDGER_LIMIT = 100;

interface OrganizationParams {
  name: string;
}
interface KeyParams {
  id: string;
}

/**
 * The admin API under /admin/v1: organizations, keys, credit top-ups, the ledger, usage and the
 * effective catalog, over the same AccountService as the CLI. It exists only when
 * SWITCHYARD_ADMIN_TOKEN is set; without it every /admin path is an ordinary 404.
 */
export function registerAdminRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  const { adminToken } = switchyard.config;
  if (!adminToken) return;
  const adminTokenDigest = digestAdminToken(adminToken);
  const { accounts } = switchyard;

  const organizationNames = async () => new Map((await accounts.listOrganizations()).map((organization) => [organization.id, organization.name]));
  const encodeOrganizationWithBalance = async (name: string) => {
    const organization = await accounts.requireOrganization(name);
    return encodeOrganization(organization, await accounts.balance(organization.name));
  };

  void app.register(
    async (admin) => {
      // Marks every route of this plugin so the tenant-key hook (build-server.ts) leaves it to the admin hook.
      admin.addHook('onRoute', (route) => {
        route.config = { ...route.config, admin: true };
      });
      admin.addHook('onRequest', async (request) => authenticateAdmin(request, adminTokenDigest));
      admin.setErrorHandler((error, request, reply) => renderError(error instanceof AccountError ? fromAccountError(error) : error, request, reply));

      admin.get('/organizations', async () => {
        const balances = await accounts.listBalances();
        return list((await accounts.listOrganizations()).map((organization) => encodeOrganization(organization, balances.get(organization.id) ?? 0)));
      });
      admin.post<{ Body: CreateOrganizationBody }>('/organizations', { schema: { body: createOrganizationSchema } }, async (request, reply) => {
        const organization = await accounts.createOrganization(request.body.name, decodeLimitChanges(request.body.limits ?? {}));
        return reply.status(201).send(encodeOrganization(organization, 0));
      });
      admin.get<{ Params: OrganizationParams }>('/organizations/:name', async (request) => encodeOrganizationWithBalance(request.params.name));
      admin.patch<{ Params: OrganizationParams; Body: UpdateOrganizationBody }>('/organizations/:name', { schema: { body: updateOrganizationSchema } }, async (request) => {
        const { disabled, limits, request_logging: logging } = request.body;
        await accounts.updateOrganization(request.params.name, {
          disabled,
          limits: limits && decodeLimitChanges(limits),
          requestLogging: logging && { bodies: logging.bodies, retentionDays: logging.retention_days },
        });
        return encodeOrganizationWithBalance(request.params.name);
      });

      admin.get<{ Params: OrganizationParams }>('/organizations/:name/keys', async (request) => {
        const organization = await accounts.requireOrganization(request.params.name);
        return list((await accounts.listApiKeys(organization.name)).map((key) => encodeApiKey(key, organization.name)));
      });
      admin.post<{ Params: OrganizationParams; Body: KeySettingsBody }>(
        '/organizations/:name/keys',
        {
          schema: { body: createKeySchema },
          // Every setting is optional, so a POST without a body makes a key with none.
          preValidation: async (request) => {
            request.body ??= {};
          },
        },
        async (request, reply) => {
          const body = request.body;
          const { key, secret } = await accounts.createApiKey(request.params.name, body.name, {
            expiresAt: body.expires_at,
            allowedModels: body.allowed_models,
            limits: decodeLimitChanges(body.limits ?? {}),
          });
          // The secret is in this answer and nowhere else: only its hash is stored.
          return reply.status(201).send({ ...encodeApiKey(key, request.params.name), secret });
        },
      );
      admin.get<{ Params: KeyParams }>('/keys/:id', async (request) => {
        const key = await accounts.requireApiKey(request.params.id);
        return encodeApiKey(key, (await organizationNames()).get(key.organizationId) ?? '');
      });
      admin.patch<{ Params: KeyParams; Body: KeySettingsBody }>('/keys/:id', { schema: { body: updateKeySchema } }, async (request) => {
        const body = request.body;
        const key = await accounts.updateApiKey(request.params.id, {
          name: body.name,
          expiresAt: body.expires_at,
          allowedModels: body.allowed_models,
          limits: body.limits && decodeLimitChanges(body.limits),
        });
        return encodeApiKey(key, (await organizationNames()).get(key.organizationId) ?? '');
      });
      admin.post<{ Params: KeyParams }>('/keys/:id/revoke', async (request) => {
        const key = await accounts.revokeApiKey(request.params.id);
        return encodeApiKey(key, (await organizationNames()).get(key.organizationId) ?? '');
      });

      admin.post<{ Params: OrganizationParams; Body: AddCreditsBody }>('/organizations/:name/credits', { schema: { body: addCreditsSchema } }, async (request, reply) => {
        const amount = decodeAmount(request.body.amount, ['body', 'amount']);
        const { entry, balance } = await accounts.addCredits(request.params.name, amount, request.body.reason);
        return reply.status(201).send({ entry: encodeLedgerEntry(entry), balance: formatMicros(balance), balance_micros: balance });
      });
      admin.get<{ Params: OrganizationParams }>('/organizations/:name/credits', async (request) => {
        const balance = await accounts.balance(request.params.name);
        return { organization: request.params.name, balance: formatMicros(balance), balance_micros: balance };
      });

      admin.get<{ Querystring: LedgerQuery }>('/ledger', { schema: { querystring: ledgerQuerySchema } }, async (request) => {
        const { organization, limit } = request.query;
        const entries = await accounts.listLedger({ organizationName: organization, limit: limit === undefined ? DEFAULT_LEDGER_LIMIT : Number(limit) });
        return list(entries.map(encodeLedgerEntry));
      });
      admin.get<{ Querystring: UsageQuery }>('/usage', { schema: { querystring: usageQuerySchema } }, async (request) => {
        const query = request.query;
        const groupBy = parseGroupBy(query.group_by);
        const rows = await accounts.summarizeUsage({ organizationName: query.organization, groupBy, from: decodeQueryTime(query.from, 'from'), to: decodeQueryTime(query.to, 'to') });
        const names = await organizationNames();
        return { object: 'list', group_by: groupBy, data: rows.map((row) => encodeUsageRow(row, names)) };
      });

      // The request log: every request's metadata, newest first, filtered, a page at a time.
      admin.get<{ Querystring: RequestLogQuery }>('/requests', { schema: { querystring: requestLogQuerySchema } }, async (request) => {
        const filter = decodeRequestLogQuery(request.query);
        const organizationId = request.query.organization === undefined ? undefined : (await accounts.requireOrganization(request.query.organization)).id;
        return listRequestPage(switchyard, { ...filter, organizationId }, await organizationNames());
      });
      admin.get<{ Params: KeyParams }>('/requests/:id', async (request) => {
        const record = await switchyard.store.findRequest(request.params.id);
        if (!record) throw GATEWAY_ERRORS.adminResourceNotFound(`Request '${request.params.id}' not found`);
        return encodeRequest(record, await organizationNames(), true);
      });
      admin.get<{ Querystring: UsageSeriesQuery }>('/usage/series', { schema: { querystring: usageSeriesQuerySchema } }, async (request) => {
        const filter = decodeUsageSeriesQuery(request.query);
        const organizationId = request.query.organization === undefined ? undefined : (await accounts.requireOrganization(request.query.organization)).id;
        return encodeSeries(await switchyard.store.usageSeries({ ...filter, organizationId }), request.query, await organizationNames());
      });

      registerAdminChatbotRoutes(admin, switchyard);

      admin.get('/models', async () => list(switchyard.catalog.all().map((model) => encodeCatalogModel(model, switchyard.adapters.has(model.provider)))));
      // Each provider that is on, its deployments and their state (breaker, latency, requests in flight, last error).
      admin.get('/providers', async () =>
        list(
          [...switchyard.adapters.entries()].map(([id, adapter]) => {
            const settings = switchyard.config.providers[id]!;
            const states = adapter instanceof BalancedAdapter ? adapter.states() : undefined;
            return {
              id,
              object: 'provider',
              type: settings.custom?.type ?? id,
              display_name: adapter.descriptor.displayName,
              deployments_source: settings.deploymentsSource,
              deployments: servedDeployments(settings).map((deployment) => {
                const state = states?.find((candidate) => candidate.name === deployment.name);
                return {
                  name: deployment.name,
                  base_url: deployment.baseUrl,
                  weight: deployment.weight,
                  breaker: state?.breaker ?? 'closed',
                  latency_ewma_ms: state?.latencyEwmaMs ?? null,
                  in_flight: state?.inFlight ?? null,
                  last_error: state?.lastError ?? null,
                };
              }),
            };
          }),
        ),
      );
    },
    { prefix: '/admin/v1' },
  );
}

function list<Item>(data: Item[]) {
  return { object: 'list', data };
}

/** `group_by=day,model`; absent or empty for one row of totals. */
function parseGroupBy(value: string | undefined): UsageGroup[] {
  const groups = parseUsageGroups(value ?? '');
  if (!groups.ok) throw GATEWAY_ERRORS.validation([{ loc: ['querystring', 'group_by'], msg: `Input should be ${groups.error}`, type: 'enum' }]);
  return groups.value;
}

/** The service's refusals as the admin API answers them: 404, 409, or a 422 naming the field. */
function fromAccountError(error: AccountError): GatewayError {
  switch (error.kind) {
    case 'not_found':
      return GATEWAY_ERRORS.adminResourceNotFound(error.message);
    case 'conflict':
      return GATEWAY_ERRORS.adminResourceExists(error.message);
    case 'invalid':
      return GATEWAY_ERRORS.validation([{ loc: ['body', ...(error.field ? error.field.split('.') : [])], msg: error.message, type: 'value_error' }]);
    default: {
      const unreachable: never = error.kind;
      throw new Error(`unknown account error kind ${String(unreachable)}`);
    }
  }
}

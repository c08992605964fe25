import type { CatalogModel } from '../../catalog/catalog-model.ts';
import { formatMicros } from '../../core/format-micros.ts';
import type { ApiKeyRecord, LedgerEntry, Organization, OrganizationLimits, UsageRecord, UsageSeriesRow, UsageSummaryRow } from '../../store/store.ts';

/**
 * The admin API's JSON: snake_case like the model surfaces, every amount twice — a decimal string
 * of credits ("12.5") for people and integer micro-credits (`…_micros`) for programs, so no client
 * has to do arithmetic on floats.
 */

export function encodeOrganization(organization: Organization, balanceMicros: number) {
  return {
    id: organization.id,
    object: 'organization',
    name: organization.name,
    created_at: organization.createdAt,
    disabled: organization.disabledAt !== null,
    disabled_at: organization.disabledAt,
    limits: encodeLimits(organization.limits),
    request_logging: { bodies: organization.requestLogging.bodies, retention_days: organization.requestLogging.retentionDays },
    balance: formatMicros(balanceMicros),
    balance_micros: balanceMicros,
  };
}

/** A key as listed: its prefix, never its secret or hash. */
export function encodeApiKey(key: ApiKeyRecord, organizationName: string, now = Date.now()) {
  return {
    id: key.id,
    object: 'api_key',
    organization: organizationName,
    organization_id: key.organizationId,
    name: key.name,
    prefix: key.prefix,
    status: key.revokedAt ? 'revoked' : key.expiresAt && Date.parse(key.expiresAt) <= now ? 'expired' : 'active',
    created_at: key.createdAt,
    revoked_at: key.revokedAt,
    expires_at: key.expiresAt,
    allowed_models: key.allowedModels,
    limits: {
      ...encodeLimits(key.limits),
      ...encodeOptionalAmount('lifetime_budget', key.limits.lifetimeBudget),
      ...encodeOptionalAmount('monthly_budget', key.limits.monthlyBudget),
    },
  };
}

/** Rate and concurrency limits; null is unlimited. */
function encodeLimits(limits: OrganizationLimits) {
  return {
    requests_per_minute: limits.requestsPerMinute ?? null,
    tokens_per_minute: limits.tokensPerMinute ?? null,
    concurrent_requests: limits.concurrentRequests ?? null,
  };
}

export function encodeLedgerEntry(entry: LedgerEntry) {
  return {
    id: entry.id,
    object: 'ledger_entry',
    organization_id: entry.organizationId,
    key_id: entry.apiKeyId,
    kind: entry.kind,
    amount: formatMicros(entry.amount),
    amount_micros: entry.amount,
    reason: entry.reason,
    request_id: entry.requestId,
    created_at: entry.createdAt,
  };
}

/** One usage group; only the fields it was grouped by are present. */
export function encodeUsageRow(row: UsageSummaryRow, organizationNames: Map<string, string>) {
  return {
    ...(row.day !== undefined && { day: row.day }),
    ...(row.model !== undefined && { model: row.model }),
    ...(row.apiKeyId !== undefined && { key_id: row.apiKeyId }),
    ...(row.organizationId !== undefined && { organization_id: row.organizationId, organization: organizationNames.get(row.organizationId) ?? null }),
    requests: row.requests,
    prompt_tokens: row.promptTokens,
    completion_tokens: row.completionTokens,
    cost: formatMicros(row.cost),
    cost_micros: row.cost,
    /** Requests whose usage was capped at what they could produce, or estimated because the provider reported none. */
    flagged_requests: row.flaggedRequests,
  };
}

/** One request of the request log; its bodies only when asked for one request (`withBodies`). */
export function encodeRequest(record: UsageRecord, organizationNames: Map<string, string>, withBodies = false) {
  return {
    id: record.requestId,
    object: 'request',
    created_at: new Date(record.createdAt).toISOString(),
    organization: organizationNames.get(record.organizationId) ?? null,
    organization_id: record.organizationId,
    key_id: record.apiKeyId,
    surface: record.surface,
    model: record.model,
    provider: record.provider,
    deployment: record.deployment ?? null,
    status: record.status,
    error_code: record.errorCode,
    streamed: record.streamed,
    input_tokens: record.promptTokens,
    cached_input_tokens: record.cachedPromptTokens,
    cache_write_tokens: record.cacheWriteTokens,
    output_tokens: record.completionTokens,
    reasoning_tokens: record.reasoningTokens,
    cost: formatMicros(record.cost),
    cost_micros: record.cost,
    latency_ms: record.latencyMs,
    time_to_first_token_ms: record.timeToFirstTokenMs,
    usage_flag: record.usageFlag ?? null,
    units: record.units ?? null,
    has_bodies: record.hasBodies ?? false,
    ...(withBodies && {
      request_body: record.requestBody ?? null,
      response_body: record.responseBody ?? null,
      bodies_expire_at: record.bodiesExpireAt ? new Date(record.bodiesExpireAt).toISOString() : null,
    }),
  };
}

/** One bucket of the usage series (and its group, named: a model id, a key id, an organization's name). */
export function encodeSeriesPoint(row: UsageSeriesRow, groupBy: string | undefined, organizationNames: Map<string, string>) {
  return {
    bucket_start: new Date(row.bucketStart).toISOString(),
    group: row.group === undefined || row.group === null ? null : groupBy === 'organization' ? (organizationNames.get(row.group) ?? row.group) : row.group,
    requests: row.requests,
    errors: row.errors,
    input_tokens: row.promptTokens,
    output_tokens: row.completionTokens,
    cost: formatMicros(row.cost),
    cost_micros: row.cost,
    avg_latency_ms: row.requests > 0 ? Math.round(row.latencyMsTotal / row.requests) : null,
    avg_time_to_first_token_ms: row.firstTokenCount > 0 ? Math.round(row.timeToFirstTokenMsTotal / row.firstTokenCount) : null,
  };
}

/** A catalog entry as the gateway serves it: prices in USD per million tokens (decimal and micro-USD). */
export function encodeCatalogModel(model: CatalogModel, providerEnabled: boolean) {
  const { pricing } = model;
  return {
    id: model.id,
    object: 'model',
    provider: model.provider,
    kind: model.kind ?? 'chat',
    provider_enabled: providerEnabled,
    upstream_id: model.upstreamId,
    alias_of: model.aliasOf ?? null,
    capabilities: { tools: model.capabilities.tools, vision: model.capabilities.vision, reasoning: model.capabilities.reasoning, json_schema: model.capabilities.jsonSchema },
    context_window: model.contextWindow,
    max_output_tokens: model.maxOutputTokens,
    pricing: {
      ...encodeAmount('input_per_million', pricing.inputPerMillion),
      ...encodeAmount('cached_input_per_million', pricing.cachedInputPerMillion),
      ...encodeOptionalAmount('cache_write_per_million', pricing.cacheWritePerMillion),
      ...encodeAmount('output_per_million', pricing.outputPerMillion),
      tiers: (pricing.tiers ?? []).map((tier) => ({
        above_input_tokens: tier.aboveInputTokens,
        ...encodeAmount('input_per_million', tier.inputPerMillion),
        ...encodeAmount('cached_input_per_million', tier.cachedInputPerMillion),
        ...encodeOptionalAmount('cache_write_per_million', tier.cacheWritePerMillion),
        ...encodeAmount('output_per_million', tier.outputPerMillion),
      })),
    },
  };
}

function encodeAmount<Name extends string>(name: Name, micros: number) {
  return { [name]: formatMicros(micros), [`${name}_micros`]: micros } as Record<Name | `${Name}_micros`, string | number>;
}

function encodeOptionalAmount<Name extends string>(name: Name, micros: number | undefined) {
  return micros === undefined ? ({ [name]: null, [`${name}_micros`]: null } as Record<Name | `${Name}_micros`, null>) : encodeAmount(name, micros);
}

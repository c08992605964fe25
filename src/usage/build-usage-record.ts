import type { TokenUsage } from '../core/usage.ts';
import type { AuthenticatedKey, UsageFlag, UsageRecord } from '../store/store.ts';
import type { SurfaceId } from '../core/surface-id.ts';

/** The usage record of one finished request, from what the route knows about it. */
export function buildUsageRecord(fields: {
  requestId: string;
  principal: AuthenticatedKey;
  surface: SurfaceId;
  model: string;
  provider: string;
  status: number;
  errorCode?: string;
  streamed: boolean;
  usage?: TokenUsage;
  startedAt: number;
  timeToFirstTokenMs?: number;
  /** Micro-credits charged. */
  cost?: number;
  usageFlag?: UsageFlag | null;
  deployment?: string;
  /** What the model bills units as (`pricing.perUnit.unit`), when it does. */
  unit?: string;
}): UsageRecord {
  const { usage } = fields;
  return {
    requestId: fields.requestId,
    organizationId: fields.principal.organizationId,
    apiKeyId: fields.principal.id,
    model: fields.model,
    provider: fields.provider,
    surface: fields.surface,
    status: fields.status,
    errorCode: fields.errorCode ?? null,
    streamed: fields.streamed,
    promptTokens: usage?.promptTokens ?? null,
    cachedPromptTokens: usage?.cachedPromptTokens ?? null,
    cacheWriteTokens: usage?.cacheWriteTokens ?? null,
    completionTokens: usage?.completionTokens ?? null,
    reasoningTokens: usage?.reasoningTokens ?? null,
    latencyMs: Math.round(performance.now() - fields.startedAt),
    timeToFirstTokenMs: fields.timeToFirstTokenMs === undefined ? null : Math.round(fields.timeToFirstTokenMs),
    cost: fields.cost ?? 0,
    createdAt: Date.now(),
    usageFlag: fields.usageFlag ?? null,
    deployment: fields.deployment ?? null,
    ...(usage?.units && fields.unit && { units: { unit: fields.unit, variant: usage.units.variant, count: usage.units.count } }),
  };
}

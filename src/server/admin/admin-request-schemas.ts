/**
 * JSON schemas of the admin API's request bodies and query strings. Unlike the model surfaces,
 * unknown fields are refused: an operator's typo (`expires`, `limit`) must not pass as "no change".
 * Amounts are decimal credits, as a string ("12.5") or a JSON number; either is read digit by
 * digit (parseDecimalMicros), never as a float.
 */

const amount = { anyOf: [{ type: 'string' }, { type: 'number' }] };
const optionalAmount = { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] };
const rate = { type: ['integer', 'null'], minimum: 1 };

export interface OrganizationLimitsBody {
  requests_per_minute?: number | null;
  tokens_per_minute?: number | null;
  concurrent_requests?: number | null;
}

export interface KeyLimitsBody extends OrganizationLimitsBody {
  lifetime_budget?: string | number | null;
  monthly_budget?: string | number | null;
}

const organizationLimitsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { requests_per_minute: rate, tokens_per_minute: rate, concurrent_requests: rate },
};

const keyLimitsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...organizationLimitsSchema.properties,
    lifetime_budget: optionalAmount,
    monthly_budget: optionalAmount,
  },
};

export interface CreateOrganizationBody {
  name: string;
  limits?: OrganizationLimitsBody;
}

export const createOrganizationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string' }, limits: organizationLimitsSchema },
};

export interface UpdateOrganizationBody {
  disabled?: boolean;
  limits?: OrganizationLimitsBody;
  request_logging?: { bodies?: boolean; retention_days?: number };
}

const requestLoggingSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { bodies: { type: 'boolean' }, retention_days: { type: 'integer' } },
};

export const updateOrganizationSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { disabled: { type: 'boolean' }, limits: organizationLimitsSchema, request_logging: requestLoggingSchema },
};

export interface KeySettingsBody {
  name?: string | null;
  expires_at?: string | null;
  allowed_models?: string[] | null;
  limits?: KeyLimitsBody;
}

const keySettingsProperties = {
  name: { type: ['string', 'null'], maxLength: 100 },
  expires_at: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
  allowed_models: { anyOf: [{ type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } }, { type: 'null' }] },
  limits: keyLimitsSchema,
};

export const createKeySchema = { type: 'object', additionalProperties: false, properties: keySettingsProperties };

export const updateKeySchema = { type: 'object', additionalProperties: false, minProperties: 1, properties: keySettingsProperties };

export interface AddCreditsBody {
  amount: string | number;
  reason?: string | null;
}

export const addCreditsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['amount'],
  properties: { amount, reason: { type: ['string', 'null'], maxLength: 500 } },
};

export interface LedgerQuery {
  organization?: string;
  limit?: string;
}

export const ledgerQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { organization: { type: 'string' }, limit: { type: 'string', pattern: '^[0-9]{1,5}$' } },
};

export interface UsageQuery {
  organization?: string;
  group_by?: string;
  from?: string;
  to?: string;
}

export const usageQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { organization: { type: 'string' }, group_by: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
};

/** The request log's filters (admin and tenant), as the query string gives them. */
export interface RequestLogQuery {
  organization?: string;
  key?: string;
  model?: string;
  status?: string;
  from?: string;
  to?: string;
  limit?: string;
  cursor?: string;
}

/** The filters the request log and the usage series share: whose requests, of which model, when. */
const usageFilterProperties = {
  organization: { type: 'string' },
  key: { type: 'string', maxLength: 200 },
  model: { type: 'string', maxLength: 300 },
  from: { type: 'string' },
  to: { type: 'string' },
};

export const requestLogQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...usageFilterProperties,
    status: { type: 'string', pattern: '^([1-5][0-9][0-9]|[1-5]xx|error)$' },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
    cursor: { type: 'string', maxLength: 500 },
  },
};

/** The usage series' filters and shape (the dashboard's charts). */
export interface UsageSeriesQuery {
  organization?: string;
  key?: string;
  model?: string;
  from?: string;
  to?: string;
  bucket?: string;
  group_by?: string;
}

export const usageSeriesQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...usageFilterProperties,
    bucket: { type: 'string', enum: ['minute', 'hour', 'day'] },
    group_by: { type: 'string', enum: ['model', 'key', 'organization'] },
  },
};

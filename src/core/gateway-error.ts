/**
 * The one error type of the gateway. Thrown anywhere (services, adapters, routes), rendered in
 * one place by the caller's dialect (see server/render-error.ts). Every error the gateway itself
 * raises is declared in GATEWAY_ERRORS below, so statuses and messages live in a single table.
 */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_credits'
  | 'upstream_error'
  | 'api_error';

export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export interface GatewayErrorOptions {
  status: number;
  type: ErrorType;
  code: string;
  message: string;
  param?: string | null;
  /** True when the same request may succeed if sent again (transient upstream trouble). */
  retryable?: boolean;
  /** FastAPI-style validation issues; rendered as the `detail` list of a 422. */
  issues?: ValidationIssue[];
  /** Headers the response must carry (Retry-After, x-ratelimit-*). */
  headers?: Record<string, string>;
  /** What the provider answered, for logs only: never rendered to the client. */
  upstream?: { provider: string; status?: number; body?: string };
}

export class GatewayError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string;
  readonly param: string | null;
  readonly retryable: boolean;
  readonly issues?: ValidationIssue[];
  readonly headers?: Record<string, string>;
  readonly upstream?: GatewayErrorOptions['upstream'];

  constructor(options: GatewayErrorOptions) {
    super(options.message);
    this.name = 'GatewayError';
    this.status = options.status;
    this.type = options.type;
    this.code = options.code;
    this.param = options.param ?? null;
    this.retryable = options.retryable ?? false;
    this.issues = options.issues;
    this.headers = options.headers;
    this.upstream = options.upstream;
  }
}

/**
 * The same error, retryable: a failure that nothing reached the client of (a stream that broke before
 * its first event) may be sent again, elsewhere. Anything that is not a GatewayError is returned as it is.
 */
export function asRetryable<T>(error: T): T | GatewayError {
  if (!(error instanceof GatewayError) || error.retryable) return error;
  return new GatewayError({ status: error.status, type: error.type, code: error.code, message: error.message, param: error.param, headers: error.headers, upstream: error.upstream, retryable: true });
}

/** The catalog of errors the gateway raises itself. Messages follow the hosted service's wording. */
export const GATEWAY_ERRORS = {
  authorizationMissing: () =>
    new GatewayError({ status: 401, type: 'authentication_error', code: 'missing_authorization', message: 'Authorization header is not supplied' }),
  bearerMissing: () =>
    new GatewayError({ status: 401, type: 'authentication_error', code: 'missing_bearer_token', message: 'Bearer token is not supplied' }),
  invalidApiKey: () =>
    new GatewayError({ status: 401, type: 'authentication_error', code: 'invalid_api_key', message: 'Invalid API key' }),
  organizationDisabled: () =>
    new GatewayError({ status: 403, type: 'permission_error', code: 'organization_disabled', message: 'The gateway is disabled for this organization' }),
  /** Metering: the key's allow-list does not name the model. */
  modelNotAllowed: (model: string) =>
    new GatewayError({ status: 403, type: 'permission_error', code: 'model_not_allowed', param: 'model', message: `This API key is not allowed to use model '${model}'` }),
  /** Metering: the organization's balance, less what requests in flight reserved, is not above zero. */
  creditsExhausted: () =>
    new GatewayError({
      status: 402,
      type: 'insufficient_credits',
      code: 'insufficient_credits',
      message: 'Credit balance exhausted: add credits to your organization, or wait for requests in flight to finish',
    }),
  /** Metering: the key's own lifetime or monthly budget is spent. */
  keyBudgetExhausted: (budget: 'lifetime' | 'monthly', amount: string) =>
    new GatewayError({
      status: 402,
      type: 'insufficient_credits',
      code: 'key_budget_exhausted',
      message: `Credit balance exhausted for this API key: its ${budget} budget of ${amount} credits is spent${budget === 'monthly' ? ' (it renews on the 1st, UTC)' : ''}`,
    }),
  /** Limits: a key's or organization's requests or tokens per minute are used up. */
  rateLimited: (subject: 'key' | 'organization', unit: 'requests' | 'tokens', limit: number, headers: Record<string, string>) =>
    new GatewayError({
      status: 429,
      type: 'rate_limit_error',
      code: `${unit}_per_minute_exceeded`,
      message: `Rate limit exceeded: this ${subject === 'key' ? 'API key' : 'organization'} may use ${limit} ${unit} per minute`,
      headers,
    }),
  /** Limits: a key or organization already has as many requests in flight as it may. */
  concurrencyLimited: (subject: 'key' | 'organization', limit: number) =>
    new GatewayError({
      status: 429,
      type: 'rate_limit_error',
      code: 'concurrent_requests_exceeded',
      message: `Rate limit exceeded: this ${subject === 'key' ? 'API key' : 'organization'} may have ${limit} requests in flight at once`,
      headers: { 'retry-after': '1' },
    }),
  /** Admin API: a missing, malformed or wrong admin token (tenant keys are never admin tokens). */
  invalidMetricsToken: () =>
    new GatewayError({ status: 401, type: 'authentication_error', code: 'invalid_metrics_token', message: 'Invalid metrics token' }),
  invalidAdminToken: () =>
    new GatewayError({ status: 401, type: 'authentication_error', code: 'invalid_admin_token', message: 'Invalid admin token' }),
  /** Admin API: the organization or key named in the path does not exist. */
  adminResourceNotFound: (message: string) =>
    new GatewayError({ status: 404, type: 'not_found_error', code: 'resource_not_found', message }),
  /** Admin API: a create that would take a name already in use. */
  adminResourceExists: (message: string) =>
    new GatewayError({ status: 409, type: 'invalid_request_error', code: 'resource_exists', message }),
  /** A request's `models` (its fallback list) is not a short list of model ids. */
  invalidFallbackModels: (limit: number) =>
    new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_models', param: 'models', message: `models must be a list of 1 to ${limit} model ids, tried in order after model when its provider fails` }),
  invalidStreamResume: () =>
    new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_stream_resume', param: 'stream_resume', message: 'stream_resume must be true or false: whether a stream that breaks midway through text is continued on another deployment' }),
  modelNotFound: (model: string) =>
    new GatewayError({ status: 404, type: 'not_found_error', code: 'model_not_found', param: 'model', message: `Model '${model}' not found` }),
  /** The chatbot route: no chatbot of the caller's organization has this id (none at all, deleted, or another organization's). */
  chatbotNotFound: (id: string) =>
    new GatewayError({ status: 404, type: 'not_found_error', code: 'chatbot_not_found', message: `Chatbot '${id}' not found` }),
  providerNotConfigured: (model: string, provider: string) =>
    new GatewayError({
      status: 404,
      type: 'not_found_error',
      code: 'provider_not_configured',
      param: 'model',
      message: `Model '${model}' is not available: its provider '${provider}' is not configured on this gateway`,
    }),
  routeNotFound: (method: string, url: string) =>
    new GatewayError({ status: 404, type: 'not_found_error', code: 'route_not_found', message: `Route ${method} ${url} not found` }),
  /** The web dashboard's files (dist/dashboard) are missing: the gateway runs from sources that were never built. */
  dashboardNotBuilt: () =>
    new GatewayError({
      status: 404,
      type: 'not_found_error',
      code: 'dashboard_not_built',
      message: 'The dashboard is not built on this gateway: run `npm run build` (it bundles dashboard/ into dist/dashboard), then reload',
    }),
  /** A model of another kind than the route serves (an embedding model on chat completions, a chat model on embeddings). */
  wrongModelKind: (model: string, kind: string, route: string) =>
    new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: 'unsupported_model_kind',
      param: 'model',
      message: `Model '${model}' is ${kind === 'chat' ? 'a chat model' : `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} model`}, not served on this route: ${route}`,
    }),
  /** A value the model does not take, in OpenAI's words (an image `size`, an `n` above the model's most). */
  invalidValue: (param: string, message: string) => new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_value', param, message }),
  unsupportedCapability: (model: string, capability: string, param: string) =>
    new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: 'unsupported_capability',
      param,
      message: `Model '${model}' does not support ${capability}`,
    }),
  /** Responses API: a response id this organization did not create through the gateway (or none at all). */
  responseNotFound: (id: string) =>
    new GatewayError({ status: 404, type: 'not_found_error', code: 'response_not_found', message: `Response with id '${id}' not found.` }),
  /** Videos API: a video id this organization did not create through the gateway (or none at all); OpenAI's wording. */
  videoNotFound: (id: string) => new GatewayError({ status: 404, type: 'invalid_request_error', code: 'video_not_found', message: `Video with id '${id}' not found.` }),
  /** Videos API: the content of a video that has not completed; OpenAI's status and wording. */
  videoNotReady: (id: string) =>
    new GatewayError({ status: 404, type: 'invalid_request_error', code: 'video_not_ready', message: `Video '${id}' is not ready yet, use GET /v1/videos/${id} to check status.` }),
  /** Videos API: deleting or remixing a video that has not ended (deleting) or completed (remixing). */
  videoNotEnded: (id: string, action: 'delete' | 'remix') =>
    new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_video_state',
      message: action === 'delete' ? `Video '${id}' is still being generated: only a completed or failed video can be deleted.` : `Video '${id}' has not completed: only a completed video can be remixed.`,
    }),
  /** Responses API: `previous_response_id` names a response this organization did not create; OpenAI's own code and wording. */
  previousResponseNotFound: (id: string) =>
    new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: 'previous_response_not_found',
      param: 'previous_response_id',
      message: `Previous response with id '${id}' not found.`,
    }),
  /** Responses API: an `item_reference` to an item this organization has not stored (or that expired); OpenAI's own status and wording. */
  responseItemNotFound: (id: string, param: string) =>
    new GatewayError({
      status: 404,
      type: 'invalid_request_error',
      code: 'item_not_found',
      param,
      message: `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
    }),
  /** Responses API: a background run must be stored, to be polled; OpenAI's rule. */
  backgroundNeedsStore: () =>
    new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_request', param: 'store', message: 'Background mode requires store to be true.' }),
  /** A background run cancelled by its client (from any instance). */
  backgroundRunCancelled: (id: string) =>
    new GatewayError({ status: 499, type: 'invalid_request_error', code: 'response_cancelled', message: `Response '${id}' was cancelled.` }),
  /** Responses API: cancel of a response that did not run in the background; OpenAI's wording. */
  responseNotCancellable: () =>
    new GatewayError({ status: 400, type: 'invalid_request_error', code: 'response_not_cancellable', message: 'Cannot cancel a synchronous response.' }),
  /** Responses API on a model served through chat translation: a feature that needs OpenAI's own Responses service. */
  responsesFeatureNotTranslated: (model: string, feature: string, param: string) =>
    new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: 'unsupported_feature',
      param,
      message: `${feature} is not supported with model '${model}': the gateway serves it by translating the Responses API to chat completions, which cannot carry it. Use an OpenAI model for it.`,
    }),
  /** Responses API pass-through: state stored at the provider that the gateway cannot tie to the caller's organization. */
  responsesReferenceRefused: (feature: string, param: string) =>
    new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: 'unsupported_feature',
      param,
      message: `${feature} cannot be used through the gateway: it refers to stored provider state the gateway cannot verify belongs to your organization. Send the items themselves instead.`,
    }),
  /** Legacy completions (`/v1/completions`): a feature its translation to one chat completion cannot carry. */
  completionsFeatureNotTranslated: (feature: string, param: string, advice: string) =>
    new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: 'unsupported_feature',
      param,
      message: `${feature} is not supported on the completions route: the gateway serves legacy completions by translating each request to one chat completion, which cannot carry it. ${advice}`,
    }),
  /** Gemini API surface, a model of another provider: a Gemini feature the translation to chat completions cannot carry. */
  geminiFeatureNotTranslated: (feature: string, param: string) =>
    new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: 'unsupported_feature',
      param,
      message: `${feature.charAt(0).toUpperCase()}${feature.slice(1)} is only supported for Gemini models on the Gemini API surface: the gateway serves other models by translating the request to chat completions, which cannot carry it`,
    }),
  /** Gemini API surface: a method after the model's `:` that the gateway does not serve (`models/{model}:{method}`). */
  geminiMethodNotFound: (method: string) =>
    new GatewayError({ status: 404, type: 'not_found_error', code: 'method_not_found', message: `Method '${method.slice(0, 100)}' is not served on the Gemini API surface: use generateContent, streamGenerateContent, countTokens, embedContent or batchEmbedContents` }),
  /** Gemini API surface: a `pageToken` the model list never gave. */
  invalidPageToken: () =>
    new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_page_token', param: 'pageToken', message: 'pageToken is not a token a previous page of this list returned' }),
  validation: (issues: ValidationIssue[]) =>
    new GatewayError({
      status: 422,
      type: 'invalid_request_error',
      code: 'validation_error',
      param: issues[0] ? issues[0].loc.filter((part) => part !== 'body').join('.') || null : null,
      message: issues.map((issue) => `${issue.loc.join('.')}: ${issue.msg}`).join('; '),
      issues,
    }),
  malformedJson: (reason: string) =>
    new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_json', message: `Request body is not valid JSON: ${reason}` }),
  /** The HTTP request itself could not be read (malformed request line or headers); nothing of it is echoed. */
  malformedHttpRequest: () => new GatewayError({ status: 400, type: 'invalid_request_error', code: 'malformed_request', message: 'The HTTP request could not be parsed' }),
  headersTooLarge: () =>
    new GatewayError({ status: 431, type: 'invalid_request_error', code: 'headers_too_large', message: "The request's headers are larger than the gateway accepts" }),
  uriTooLong: () => new GatewayError({ status: 414, type: 'invalid_request_error', code: 'uri_too_long', message: 'The request path is longer than the gateway accepts' }),
  invalidUrl: () => new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_url', message: 'The request path is not a valid URL' }),
  clientTimeout: () => new GatewayError({ status: 408, type: 'invalid_request_error', code: 'request_timeout', message: 'The request was not received in time' }),
  tooManyImageUrls: (limit: number) =>
    new GatewayError({ status: 400, type: 'invalid_request_error', code: 'too_many_image_urls', param: 'messages', message: `The request gives more than ${limit} image URLs for the gateway to download; send the others inline (data: URLs)` }),
  imageBytesExhausted: (limitBytes: number) =>
    new GatewayError({ status: 400, type: 'invalid_request_error', code: 'image_bytes_exceeded', param: 'messages', message: `The request's image URLs add up to more than the gateway downloads for one request (${limitBytes} bytes); send some inline (data: URLs)` }),
  jsonTooDeep: (limit: number) =>
    new GatewayError({ status: 400, type: 'invalid_request_error', code: 'json_too_deep', message: `Request body nests objects and arrays deeper than ${limit} levels` }),
  bodyTooLarge: (limitBytes: number) =>
    new GatewayError({
      status: 413,
      type: 'invalid_request_error',
      code: 'request_too_large',
      message: `Request body is larger than the gateway's limit of ${limitBytes} bytes`,
    }),
  /** An upload route (`/v1/audio/transcriptions`) given another body than a multipart form. */
  multipartRequired: (contentType: string) =>
    new GatewayError({ status: 415, type: 'invalid_request_error', code: 'unsupported_media_type', message: `Content-Type '${contentType.slice(0, 100)}' is not supported on this route; send multipart/form-data` }),
  /** A multipart form that breaks off or is not well formed. */
  malformedMultipart: (reason: string) => new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_multipart', message: `The multipart form could not be read: ${reason}` }),
  /** An upload past the route's bound: the file's size, or the number of files, fields or parts. */
  uploadTooLarge: (what: string) => new GatewayError({ status: 413, type: 'invalid_request_error', code: 'upload_too_large', message: `The upload is larger than the gateway accepts: ${what}` }),
  unsupportedMediaType: (contentType: string) =>
    new GatewayError({
      status: 415,
      type: 'invalid_request_error',
      code: 'unsupported_media_type',
      message: `Content-Type '${contentType}' is not supported; send application/json`,
    }),
  upstreamUnavailable: (provider: string, reason: string) =>
    new GatewayError({
      status: 502,
      type: 'upstream_error',
      code: 'upstream_unavailable',
      message: `Provider '${provider}' could not be reached: ${reason}`,
      retryable: true,
      upstream: { provider },
    }),
  providerShareExceeded: (provider: string, limit: number) =>
    new GatewayError({
      status: 429,
      type: 'rate_limit_error',
      code: 'provider_share_exceeded',
      message: `Your organization already has ${limit} requests in flight to provider '${provider}', its share of the gateway's connections; retry when one ends`,
      headers: { 'retry-after': '1' },
    }),
  /** The request's total deadline passed (retries and streaming included): not retried. */
  deadlineExceeded: (totalMs: number) =>
    new GatewayError({ status: 504, type: 'upstream_error', code: 'deadline_exceeded', message: `The request did not complete within the gateway's deadline of ${totalMs} ms` }),
  /** The gateway is stopping and its shutdown deadline passed while the request was still running. */
  shuttingDown: () => new GatewayError({ status: 503, type: 'api_error', code: 'shutting_down', message: 'The gateway is shutting down; send the request again' }),
  upstreamTimeout: (provider: string) =>
    new GatewayError({
      status: 504,
      type: 'upstream_error',
      code: 'upstream_timeout',
      message: `Provider '${provider}' did not answer in time`,
      retryable: true,
      upstream: { provider },
    }),
  /** The provider is short of capacity for everyone (Anthropic's 529 `overloaded_error`, also sent as a stream `error` event). */
  upstreamOverloaded: (provider: string, details: { status?: number; body?: string; retryAfter?: string } = {}) =>
    new GatewayError({
      status: 503,
      type: 'upstream_error',
      code: 'upstream_overloaded',
      message: `Provider '${provider}' is overloaded; try again shortly`,
      retryable: true,
      headers: details.retryAfter ? { 'retry-after': details.retryAfter } : undefined,
      upstream: { provider, status: details.status, body: details.body },
    }),
  upstreamCredentialsRejected: (provider: string, status: number) =>
    new GatewayError({
      status: 502,
      type: 'upstream_error',
      code: 'upstream_authentication_failed',
      message: `Provider '${provider}' rejected the gateway's credentials; ask the gateway operator to check its API key`,
      upstream: { provider, status },
    }),
  upstreamResponseTooLarge: (provider: string, limitBytes: number) =>
    new GatewayError({
      status: 502,
      type: 'upstream_error',
      code: 'upstream_response_too_large',
      message: `Provider '${provider}' answered more than the gateway's limit of ${limitBytes} bytes`,
      upstream: { provider },
    }),
  /** A provider's answer that is not what its API promises (an embedding list of the wrong length, a vector of non-numbers). */
  upstreamInvalidAnswer: (provider: string, reason: string) =>
    new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_invalid_response', message: `The ${provider} provider sent an answer the gateway cannot use: ${reason}` }),
  upstreamStreamInterrupted: (provider: string, reason: string) =>
    new GatewayError({
      status: 502,
      type: 'upstream_error',
      code: 'upstream_stream_interrupted',
      message: `Provider '${provider}' stream ended abnormally: ${reason}`,
      upstream: { provider },
    }),
  internal: () =>
    new GatewayError({ status: 500, type: 'api_error', code: 'internal_error', message: 'Internal gateway error' }),
} as const;

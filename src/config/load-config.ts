import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../core/config-error.ts';
import { parseModelEntries, type ModelEntry } from '../catalog/parse-model-entries.ts';

/** Where a provider's settings come from; every provider's descriptor (`providers/`) is one. Env names mean what they mean in the provider's own SDK. */
export interface ProviderSettingsSource {
  id: string;
  /** Environment variables holding the API key, first match wins. */
  apiKeyEnv: string[];
  /** Environment variables holding the base URL, first match wins. */
  baseUrlEnv: string[];
  defaultBaseUrl: string;
}

/** One endpoint of a provider: its base URL, its key, its share of the traffic. */
export interface DeploymentSettings {
  name: string;
  apiKey?: string;
  baseUrl: string;
  /** Relative share of requests (weighted balancing); 1 unless set. */
  weight: number;
  /** The first-byte and idle timeouts of this deployment's calls, when they differ from the gateway's (YAML, per provider or per deployment). */
  timeouts?: DeploymentTimeouts;
  /** Azure OpenAI: the `api-version` query parameter this deployment's calls carry. */
  apiVersion?: string;
}

export interface DeploymentTimeouts {
  connectMs?: number;
  firstByteMs?: number;
  idleMs?: number;
}

export interface CircuitBreakerSettings {
  /** Consecutive failures that open a deployment's breaker. */
  failures: number;
  /** How long an open breaker keeps the deployment out before one probe is let through. */
  cooldownMs: number;
  /** The share of failures (percent) over the last `windowMs` that opens it too, once `minimumRequests` were seen. */
  failureRatePercent: number;
  minimumRequests: number;
  windowMs: number;
}

export interface ProviderSettings {
  /** The first deployment's key and base URL (what a one-deployment provider has). */
  apiKey?: string;
  baseUrl: string;
  /** Every deployment, at least one: from YAML `deployments`, else the one the environment (or `apiKey`/`baseUrl`) describes. */
  deployments: DeploymentSettings[];
  /** Where the deployments came from, logged at start. */
  deploymentsSource: 'yaml deployments' | 'environment' | 'yaml apiKey/baseUrl' | 'default';
  circuitBreaker: CircuitBreakerSettings;
  /** How a deployment is chosen: by weight (default), or the less loaded of two by peak-EWMA latency × requests in flight. */
  strategy: 'weighted' | 'least-latency';
  /** The total deadline of requests for this provider's models (YAML `timeouts.totalMs`), over the gateway's; a model's own wins. */
  totalTimeoutMs?: number;
  /** A provider declared in YAML under an id of its own (`type:`), rather than one of the built-in ones. */
  custom?: { type: CustomProviderType; displayName: string };
}

/**
 * The kinds of provider YAML can declare under an id of its own: any server speaking OpenAI's Chat
 * Completions (vLLM, Ollama, LM Studio, TGI, …; a key is optional), and Azure OpenAI (deployment
 * paths, `api-version`, the `api-key` header).
 */
export const CUSTOM_PROVIDER_TYPES = ['openai-compatible', 'azure-openai'] as const;
export type CustomProviderType = (typeof CUSTOM_PROVIDER_TYPES)[number];

/**
 * The `api-version` of Azure OpenAI calls when YAML names none: the latest generally available
 * (non-preview) dated version of the data-plane inference API.
 * @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/api-version-lifecycle
 */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerSettings = { failures: 5, cooldownMs: 30_000, failureRatePercent: 50, minimumRequests: 20, windowMs: 10_000 };

export interface UpstreamTimeouts {
  /** Opening a connection to a provider. */
  connectMs: number;
  /** From sending a request to the provider's response headers. */
  firstByteMs: number;
  /** Between two chunks of a provider's answer. */
  idleMs: number;
  /** A whole request, retries and streaming included: past it the client gets a 504 (a stream, its error event). */
  totalMs: number;
}

export interface SwitchyardConfig {
  host: string;
  port: number;
  /** Folder of the embedded SQLite store. */
  dataDir: string;
  /** PostgreSQL instead of the embedded store, for several instances (DATABASE_URL, without its `schema` parameter). */
  databaseUrl?: string;
  /** PostgreSQL: the bound of connecting, waiting for a pooled connection, and each query. */
  databaseTimeoutMs: number;
  /** PostgreSQL schema to keep the store in (`?schema=` of DATABASE_URL, or SWITCHYARD_DATABASE_SCHEMA); absent for the connection's default. */
  databaseSchema?: string;
  logLevel: string;
  bodyLimitBytes: number;
  /** Time a client has to send its request headers; past it the connection gets a 408 and is closed. */
  clientHeadersTimeoutMs: number;
  /** Time a client has to send its whole request, body included (a trickled body is cut); never the answer's time. */
  clientRequestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  clientIdleTimeoutMs: number;
  /** Deadlines of a provider call and of a whole request (`timeouts:` in YAML). */
  timeouts: UpstreamTimeouts;
  /** On SIGTERM, how long requests in flight may still run; then they end (streams with their error event) and are billed. */
  shutdownTimeoutMs: number;
  /** The largest answer (and stream event) read from a provider; a larger one is a 502, never held whole. */
  maxUpstreamResponseBytes: number;
  /** Connections to each provider (its pool), shared by every organization. */
  connectionsPerProvider: number;
  /** The share of a provider's connections one organization's requests may hold at once (0–1]. */
  organizationShareOfProvider: number;
  /** Extra attempts on transient upstream failures before any byte reached the client. */
  maxRetries: number;
  /** Retries and failovers per provider: at most `share` of its requests of the last 10 s, but always `floorPerSecond` a second. */
  retryBudget: { share: number; floorPerSecond: number };
  /** Days a stored Responses API response (and its items) is kept (SWITCHYARD_RESPONSE_RETENTION_DAYS; default 30, as OpenAI). */
  responseRetentionDays: number;
  /** Days the request log (usage records) is kept (SWITCHYARD_REQUEST_LOG_RETENTION_DAYS); 0: for good, the default. Ledger entries are always kept. */
  requestLogRetentionDays: number;
  /** How often the instance that follows a video job asks its provider how it is doing (SWITCHYARD_VIDEO_POLL_MS; default 5 s). */
  videoPollIntervalMs: number;
  /** Let clients' image URLs (fetched by the gateway for providers that take only inline images) reach loopback, private and link-local addresses. Off by default. */
  allowPrivateImageUrls: boolean;
  /** Image URLs one request may make the gateway download (for providers that take only inline images). */
  maxImageUrlsPerRequest: number;
  /** Bytes one request may make the gateway download, its images together. */
  maxImageBytesPerRequest: number;
  /** Origins whose browser pages may call the gateway (CORS); empty: none, `*`: any. */
  corsOrigins: string[];
  /** Bearer token `GET /metrics` requires (SWITCHYARD_METRICS_TOKEN); absent: the metrics are open. A secret: never logged or echoed. */
  metricsToken?: string;
  /** A port of its own for `GET /metrics` (SWITCHYARD_METRICS_PORT), off the main one; absent: the main port serves it. */
  metricsPort?: number;
  /** Bearer token of the admin API (`/admin/v1/…`); absent means no admin API. A secret: never logged or echoed. */
  adminToken?: string;
  /** OpenTelemetry traces over OTLP/HTTP, when an OTLP endpoint is set (the OTel SDK's own variables); absent: no tracing at all. */
  tracing?: { tracesUrl: string; serviceName: string };
  /**
   * Credit enforcement: when on (the default) a request of an organization without credit left is
   * refused with a 402. When off, costs are still computed, reported and debited, but nothing is refused for credit.
   */
  metering: boolean;
  /** Redis shared by every instance (balances, reservations, rate limits, key revocations); absent for a single instance. */
  redisUrl?: string;
  /** Deadline of each Redis command and of connecting to it; past it, metering counts locally until Redis answers again. */
  redisTimeoutMs: number;
  /** Prefix of every Redis key and channel the gateway uses, so several deployments (or test runs) can share one Redis. */
  redisPrefix: string;
  providers: Record<string, ProviderSettings>;
  /** Catalog additions, overrides, aliases and removals from the YAML file. */
  models: ModelEntry[];
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Configuration: environment first, then the optional YAML file, then defaults. Every problem
 * throws a ConfigError naming the field, so a bad setting fails at start.
 */
export function loadConfig(options: {
  environment: NodeJS.ProcessEnv;
  configFile?: string;
  providers: ProviderSettingsSource[];
}): SwitchyardConfig {
  const { environment, providers } = options;
  const file = options.configFile ? readYamlFile(options.configFile) : {};
  const fileProviders = asRecord(file.providers, 'providers');

  const providerSettings: Record<string, ProviderSettings> = {};
  for (const provider of providers) {
    const fromFile = asRecord(fileProviders[provider.id], `providers.${provider.id}`);
    if (fromFile.type !== undefined) throw new ConfigError(`providers.${provider.id}.type`, `is not needed: ${provider.id} is a built-in provider (type is for providers of your own: ${CUSTOM_PROVIDER_TYPES.join(', ')})`);
    providerSettings[provider.id] = readProviderSettings(provider, fromFile, environment);
  }
  for (const id of Object.keys(fileProviders)) {
    if (providers.some((provider) => provider.id === id)) continue;
    providerSettings[id] = readCustomProviderSettings(id, asRecord(fileProviders[id], `providers.${id}`), providers, environment);
  }

  const logLevelField = environment.LOG_LEVEL ? 'LOG_LEVEL' : 'logLevel';
  const logLevel = environment.LOG_LEVEL || (optionalString(file.logLevel, 'logLevel') ?? 'info');
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(logLevelField, `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);

  return {
    host: environment.HOST ?? optionalString(file.host, 'host') ?? '127.0.0.1',
    port: integerSetting(environment.PORT, 'PORT', file.port, 'port', 8080, 0, 65_535),
    dataDir: resolve(environment.SWITCHYARD_DATA_DIR ?? optionalString(file.dataDir, 'dataDir') ?? './.switchyard'),
    ...databaseSettings(environment, file),
    databaseTimeoutMs: integerSetting(environment.SWITCHYARD_DATABASE_TIMEOUT_MS, 'SWITCHYARD_DATABASE_TIMEOUT_MS', file.databaseTimeoutMs, 'databaseTimeoutMs', 10_000, 100, 600_000),
    logLevel,
    bodyLimitBytes: integerSetting(environment.SWITCHYARD_BODY_LIMIT_BYTES, 'SWITCHYARD_BODY_LIMIT_BYTES', file.bodyLimitBytes, 'bodyLimitBytes', 20 * 1024 * 1024, 1024, 1024 ** 3),
    ...clientTimeouts(environment, file),
    timeouts: upstreamTimeouts(environment, file),
    shutdownTimeoutMs: integerSetting(environment.SWITCHYARD_SHUTDOWN_TIMEOUT_MS, 'SWITCHYARD_SHUTDOWN_TIMEOUT_MS', file.shutdownTimeoutMs, 'shutdownTimeoutMs', 30_000, 0, 3_600_000),
    maxUpstreamResponseBytes: integerSetting(environment.SWITCHYARD_MAX_UPSTREAM_RESPONSE_BYTES, 'SWITCHYARD_MAX_UPSTREAM_RESPONSE_BYTES', file.maxUpstreamResponseBytes, 'maxUpstreamResponseBytes', 8 * 1024 * 1024, 64 * 1024, 1024 ** 3),
    connectionsPerProvider: integerSetting(environment.SWITCHYARD_PROVIDER_CONNECTIONS, 'SWITCHYARD_PROVIDER_CONNECTIONS', file.connectionsPerProvider, 'connectionsPerProvider', 256, 1, 100_000),
    organizationShareOfProvider: integerSetting(environment.SWITCHYARD_ORGANIZATION_SHARE_PERCENT, 'SWITCHYARD_ORGANIZATION_SHARE_PERCENT', file.organizationSharePercent, 'organizationSharePercent', 50, 1, 100) / 100,
    maxRetries: integerSetting(environment.SWITCHYARD_MAX_RETRIES, 'SWITCHYARD_MAX_RETRIES', file.maxRetries, 'maxRetries', 2, 0, 10),
    retryBudget: {
      share: integerSetting(environment.SWITCHYARD_RETRY_BUDGET_PERCENT, 'SWITCHYARD_RETRY_BUDGET_PERCENT', asRecord(file.retryBudget, 'retryBudget').percent, 'retryBudget.percent', 20, 0, 1_000) / 100,
      floorPerSecond: integerSetting(environment.SWITCHYARD_RETRY_FLOOR_PER_SECOND, 'SWITCHYARD_RETRY_FLOOR_PER_SECOND', asRecord(file.retryBudget, 'retryBudget').floorPerSecond, 'retryBudget.floorPerSecond', 10, 0, 100_000),
    },
    responseRetentionDays: integerSetting(environment.SWITCHYARD_RESPONSE_RETENTION_DAYS, 'SWITCHYARD_RESPONSE_RETENTION_DAYS', file.responseRetentionDays, 'responseRetentionDays', 30, 1, 3650),
    requestLogRetentionDays: integerSetting(environment.SWITCHYARD_REQUEST_LOG_RETENTION_DAYS, 'SWITCHYARD_REQUEST_LOG_RETENTION_DAYS', file.requestLogRetentionDays, 'requestLogRetentionDays', 0, 0, 36_500),
    videoPollIntervalMs: integerSetting(environment.SWITCHYARD_VIDEO_POLL_MS, 'SWITCHYARD_VIDEO_POLL_MS', file.videoPollIntervalMs, 'videoPollIntervalMs', 5_000, 20, 600_000),
    allowPrivateImageUrls: environment.SWITCHYARD_ALLOW_PRIVATE_IMAGE_URLS ? /^(1|true|yes)$/i.test(environment.SWITCHYARD_ALLOW_PRIVATE_IMAGE_URLS) : file.allowPrivateImageUrls === true,
    maxImageUrlsPerRequest: integerSetting(environment.SWITCHYARD_MAX_IMAGE_URLS_PER_REQUEST, 'SWITCHYARD_MAX_IMAGE_URLS_PER_REQUEST', file.maxImageUrlsPerRequest, 'maxImageUrlsPerRequest', 20, 0, 10_000),
    maxImageBytesPerRequest: integerSetting(environment.SWITCHYARD_MAX_IMAGE_BYTES_PER_REQUEST, 'SWITCHYARD_MAX_IMAGE_BYTES_PER_REQUEST', file.maxImageBytesPerRequest, 'maxImageBytesPerRequest', 50 * 1024 * 1024, 0, 1024 ** 3),
    corsOrigins: corsOriginsSetting(environment.SWITCHYARD_CORS_ORIGINS, file.corsOrigins),
    metricsToken: adminTokenSetting(environment.SWITCHYARD_METRICS_TOKEN || optionalString(file.metricsToken, 'metricsToken'), environment.SWITCHYARD_METRICS_TOKEN ? 'SWITCHYARD_METRICS_TOKEN' : 'metricsToken'),
    metricsPort: environment.SWITCHYARD_METRICS_PORT || file.metricsPort !== undefined ? integerSetting(environment.SWITCHYARD_METRICS_PORT, 'SWITCHYARD_METRICS_PORT', file.metricsPort, 'metricsPort', 0, 0, 65_535) : undefined,
    tracing: tracingSettings(environment),
    adminToken: adminTokenSetting(environment.SWITCHYARD_ADMIN_TOKEN || optionalString(file.adminToken, 'adminToken'), environment.SWITCHYARD_ADMIN_TOKEN ? 'SWITCHYARD_ADMIN_TOKEN' : 'adminToken'),
    metering: booleanSetting(environment.SWITCHYARD_METERING, 'SWITCHYARD_METERING', file.metering, 'metering', true),
    redisUrl: parseRedisUrl(environment.REDIS_URL || optionalString(file.redisUrl, 'redisUrl'), environment.REDIS_URL ? 'REDIS_URL' : 'redisUrl'),
    redisTimeoutMs: integerSetting(environment.SWITCHYARD_REDIS_TIMEOUT_MS, 'SWITCHYARD_REDIS_TIMEOUT_MS', file.redisTimeoutMs, 'redisTimeoutMs', 1_000, 50, 60_000),
    redisPrefix: environment.SWITCHYARD_REDIS_PREFIX || (optionalString(file.redisPrefix, 'redisPrefix') ?? 'switchyard:'),
    providers: providerSettings,
    models: parseModelEntries(file.models, Object.keys(providerSettings)),
  };
}

/**
 * Where trace spans go, from the OpenTelemetry SDK's own variables: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
 * as it is, else `OTEL_EXPORTER_OTLP_ENDPOINT` with `/v1/traces` appended; neither (or
 * `OTEL_SDK_DISABLED=true`): no tracing. `OTEL_SERVICE_NAME` names the service (`switchyard`).
 * @see https://opentelemetry.io/docs/specs/otel/protocol/exporter/#endpoint-urls-for-otlphttp
 */
function tracingSettings(environment: NodeJS.ProcessEnv): SwitchyardConfig['tracing'] {
  const { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: tracesEndpoint, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } = environment;
  if ((!tracesEndpoint && !endpoint) || environment.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const tracesUrl = tracesEndpoint ? parseUrl(tracesEndpoint, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') : `${parseUrl(endpoint!, 'OTEL_EXPORTER_OTLP_ENDPOINT')}/v1/traces`;
  return { tracesUrl, serviceName: environment.OTEL_SERVICE_NAME?.trim() || 'switchyard' };
}

/** A built-in provider's settings: YAML `deployments`, else the one deployment the environment (or YAML `apiKey`/`baseUrl`) describes. */
function readProviderSettings(provider: ProviderSettingsSource, fromFile: Record<string, any>, environment: NodeJS.ProcessEnv): ProviderSettings {
  const field = `providers.${provider.id}`;
  const apiKey = firstSet(provider.apiKeyEnv.map((name) => environment[name])) ?? optionalString(fromFile.apiKey, `${field}.apiKey`);
  const baseUrlVariable = provider.baseUrlEnv.find((name) => environment[name]);
  const baseUrl = (baseUrlVariable && environment[baseUrlVariable]) || (optionalString(fromFile.baseUrl, `${field}.baseUrl`) ?? provider.defaultBaseUrl);
  const circuitBreaker = parseCircuitBreaker(fromFile.circuitBreaker, `${field}.circuitBreaker`);
  const { totalMs: totalTimeoutMs, ...providerBlock } = asRecord(fromFile.timeouts, `${field}.timeouts`);
  const providerTimeouts = parseDeploymentTimeouts(fromFile.timeouts === undefined ? undefined : providerBlock, `${field}.timeouts`);
  if (totalTimeoutMs !== undefined && (typeof totalTimeoutMs !== 'number' || !Number.isSafeInteger(totalTimeoutMs) || totalTimeoutMs < 100 || totalTimeoutMs > 24 * 3_600_000)) {
    throw new ConfigError(`${field}.timeouts.totalMs`, 'must be a whole number of milliseconds from 100 to 86400000');
  }
  const total = totalTimeoutMs === undefined ? {} : { totalTimeoutMs: totalTimeoutMs as number };
  const strategy = fromFile.strategy ?? 'weighted';
  if (strategy !== 'weighted' && strategy !== 'least-latency') throw new ConfigError(`${field}.strategy`, 'must be weighted or least-latency');
  if (fromFile.deployments !== undefined) {
    // YAML deployments replace the environment's one for this provider.
    const deployments = parseDeployments(fromFile.deployments, `${field}.deployments`, provider.defaultBaseUrl, providerTimeouts);
    return { apiKey: deployments[0]!.apiKey, baseUrl: deployments[0]!.baseUrl, deployments, deploymentsSource: 'yaml deployments', circuitBreaker, strategy, ...total };
  }
  const fromEnvironment = firstSet(provider.apiKeyEnv.map((name) => environment[name])) !== undefined || baseUrlVariable !== undefined;
  const fromYaml = fromFile.apiKey !== undefined || fromFile.baseUrl !== undefined;
  const single: DeploymentSettings = { name: 'default', apiKey: apiKey || undefined, baseUrl: parseUrl(baseUrl, baseUrlVariable ?? `${field}.baseUrl`), weight: 1, ...(providerTimeouts && { timeouts: providerTimeouts }) };
  return {
    apiKey: single.apiKey,
    baseUrl: single.baseUrl,
    deployments: [single],
    deploymentsSource: fromEnvironment ? 'environment' : fromYaml ? 'yaml apiKey/baseUrl' : 'default',
    circuitBreaker,
    strategy,
    ...total,
  };
}

/**
 * A provider of the operator's own (`providers.<id>.type`): YAML only, no environment shorthand.
 * Its base URL is required (of the provider or of every deployment); Azure OpenAI deployments need
 * a key and carry an `api-version` (the provider's, or their own).
 */
function readCustomProviderSettings(id: string, fromFile: Record<string, any>, builtIn: ProviderSettingsSource[], environment: NodeJS.ProcessEnv): ProviderSettings {
  const field = `providers.${id}`;
  if (fromFile.type === undefined) {
    throw new ConfigError(`${field}.type`, `is required: '${id}' is not a built-in provider (${builtIn.map((provider) => provider.id).join(', ')}); a provider of your own needs type: ${CUSTOM_PROVIDER_TYPES.join(' or ')}`);
  }
  if (!(CUSTOM_PROVIDER_TYPES as readonly unknown[]).includes(fromFile.type)) throw new ConfigError(`${field}.type`, `must be ${CUSTOM_PROVIDER_TYPES.join(' or ')} (got ${JSON.stringify(fromFile.type)})`);
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(id)) throw new ConfigError(field, 'a provider id must be 1–40 lower-case letters, digits, dashes or underscores');
  const type = fromFile.type as CustomProviderType;
  const baseUrl = optionalString(fromFile.baseUrl, `${field}.baseUrl`);
  if (baseUrl === undefined && fromFile.deployments === undefined) throw new ConfigError(`${field}.baseUrl`, 'is required (the server\'s OpenAI-compatible root, e.g. http://10.0.0.5:8000/v1; for Azure, https://NAME.openai.azure.com)');
  // The key may stay out of the file: `apiKeyEnv` names the environment variable that holds it.
  const apiKeyEnv = optionalString(fromFile.apiKeyEnv, `${field}.apiKeyEnv`);
  if (apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv)) throw new ConfigError(`${field}.apiKeyEnv`, 'must name an environment variable');
  const source: ProviderSettingsSource = { id, apiKeyEnv: apiKeyEnv ? [apiKeyEnv] : [], baseUrlEnv: [], defaultBaseUrl: baseUrl ?? '' };
  const settings = readProviderSettings(source, fromFile, apiKeyEnv ? { [apiKeyEnv]: environment[apiKeyEnv] } : {});
  const displayName = optionalString(fromFile.displayName, `${field}.displayName`) ?? id;
  // It is written into response headers (the adjustments the gateway reports): printable ASCII only.
  if (!/^[\x20-\x7E]{1,64}$/.test(displayName)) throw new ConfigError(`${field}.displayName`, 'must be 1–64 printable ASCII characters');
  if (type === 'azure-openai') {
    const apiVersion = parseApiVersion(fromFile.apiVersion, `${field}.apiVersion`) ?? DEFAULT_AZURE_API_VERSION;
    const rawDeployments: unknown[] = Array.isArray(fromFile.deployments) ? fromFile.deployments : [];
    settings.deployments = settings.deployments.map((deployment, index) => {
      const deploymentField = fromFile.deployments === undefined ? field : `${field}.deployments[${index}]`;
      if (!deployment.apiKey) throw new ConfigError(`${deploymentField}.apiKey`, 'is required (or apiKeyEnv): Azure OpenAI authenticates every call with the resource\'s key');
      const own = parseApiVersion(asRecord(rawDeployments[index], deploymentField).apiVersion, `${deploymentField}.apiVersion`);
      return { ...deployment, apiVersion: own ?? apiVersion };
    });
  } else if (fromFile.apiVersion !== undefined) {
    throw new ConfigError(`${field}.apiVersion`, 'applies to azure-openai providers only');
  }
  return { ...settings, deploymentsSource: fromFile.deployments === undefined ? 'yaml apiKey/baseUrl' : 'yaml deployments', custom: { type, displayName } };
}

/** Azure's `api-version`: a date, preview or not (`2024-10-21`, `2025-04-01-preview`). */
function parseApiVersion(value: unknown, field: string): string | undefined {
  const version = optionalString(value, field);
  if (version !== undefined && !/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(version)) throw new ConfigError(field, `must be an Azure OpenAI API version like ${DEFAULT_AZURE_API_VERSION} or 2025-04-01-preview (got "${version}")`);
  return version;
}

/**
 * Provider and request deadlines: each from its own variable, else the `timeouts:` block of the
 * YAML file; SWITCHYARD_UPSTREAM_TIMEOUT_MS (and `upstreamTimeoutMs`) stays a shorthand for the
 * first-byte and idle timeouts together.
 */
function upstreamTimeouts(environment: NodeJS.ProcessEnv, file: Record<string, unknown>): UpstreamTimeouts {
  const block = asRecord(file.timeouts, 'timeouts');
  const shorthand = integerSetting(environment.SWITCHYARD_UPSTREAM_TIMEOUT_MS, 'SWITCHYARD_UPSTREAM_TIMEOUT_MS', file.upstreamTimeoutMs, 'upstreamTimeoutMs', 600_000, 100, 3_600_000);
  const setting = (variable: string, field: keyof UpstreamTimeouts, fallback: number) =>
    integerSetting(environment[variable], variable, block[field], `timeouts.${field}`, fallback, 100, 24 * 3_600_000);
  const hasShorthand = Boolean(environment.SWITCHYARD_UPSTREAM_TIMEOUT_MS);
  return {
    connectMs: setting('SWITCHYARD_CONNECT_TIMEOUT_MS', 'connectMs', 10_000),
    firstByteMs: hasShorthand && !environment.SWITCHYARD_FIRST_BYTE_TIMEOUT_MS ? shorthand : setting('SWITCHYARD_FIRST_BYTE_TIMEOUT_MS', 'firstByteMs', shorthand),
    idleMs: hasShorthand && !environment.SWITCHYARD_IDLE_TIMEOUT_MS ? shorthand : setting('SWITCHYARD_IDLE_TIMEOUT_MS', 'idleMs', shorthand),
    totalMs: setting('SWITCHYARD_TOTAL_TIMEOUT_MS', 'totalMs', 20 * 60_000),
  };
}

/** Timeouts of the client side of a connection; the headers' must not exceed the whole request's (Node requires it). */
function clientTimeouts(environment: NodeJS.ProcessEnv, file: Record<string, unknown>): Pick<SwitchyardConfig, 'clientHeadersTimeoutMs' | 'clientRequestTimeoutMs' | 'clientIdleTimeoutMs'> {
  const clientHeadersTimeoutMs = integerSetting(environment.SWITCHYARD_CLIENT_HEADERS_TIMEOUT_MS, 'SWITCHYARD_CLIENT_HEADERS_TIMEOUT_MS', file.clientHeadersTimeoutMs, 'clientHeadersTimeoutMs', 10_000, 100, 600_000);
  const clientRequestTimeoutMs = integerSetting(environment.SWITCHYARD_CLIENT_REQUEST_TIMEOUT_MS, 'SWITCHYARD_CLIENT_REQUEST_TIMEOUT_MS', file.clientRequestTimeoutMs, 'clientRequestTimeoutMs', 60_000, 100, 3_600_000);
  if (clientHeadersTimeoutMs > clientRequestTimeoutMs) {
    throw new ConfigError('SWITCHYARD_CLIENT_HEADERS_TIMEOUT_MS', `must not exceed SWITCHYARD_CLIENT_REQUEST_TIMEOUT_MS (${clientRequestTimeoutMs})`);
  }
  const clientIdleTimeoutMs = integerSetting(environment.SWITCHYARD_CLIENT_IDLE_TIMEOUT_MS, 'SWITCHYARD_CLIENT_IDLE_TIMEOUT_MS', file.clientIdleTimeoutMs, 'clientIdleTimeoutMs', 72_000, 100, 3_600_000);
  return { clientHeadersTimeoutMs, clientRequestTimeoutMs, clientIdleTimeoutMs };
}

/** A comma-separated list (environment) or a YAML list of origins (`https://app.example.com`), or `*`. */
function corsOriginsSetting(environmentValue: string | undefined, fileValue: unknown): string[] {
  const [raw, field] = environmentValue ? [environmentValue.split(','), 'SWITCHYARD_CORS_ORIGINS'] : [fileValue ?? [], 'corsOrigins'];
  if (!Array.isArray(raw)) throw new ConfigError(field, 'must be a list of origins');
  return raw.map((origin) => {
    const value = String(origin).trim().replace(/\/+$/, '');
    if (value !== '*' && !/^https?:\/\/[^/\s]+$/.test(value)) throw new ConfigError(field, `must list origins like https://app.example.com, or * (got ${JSON.stringify(origin)})`);
    return value;
  });
}

function readYamlFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('--config', `cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    // The parser's first line says where; the lines it quotes after it could hold a key.
    throw new ConfigError('--config', `${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  return asRecord(parsed, '(top level)');
}

/** `deployments: [{ name, baseUrl?, apiKey?, weight? }, …]`: names unique, weights positive. */
function parseDeployments(raw: unknown, field: string, defaultBaseUrl: string, providerTimeouts: DeploymentTimeouts | undefined): DeploymentSettings[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new ConfigError(field, 'must be a non-empty list of { name, baseUrl, apiKey, weight }');
  const names = new Set<string>();
  return raw.map((entry: unknown, index) => {
    const entryField = `${field}[${index}]`;
    const deployment = asRecord(entry, entryField);
    const name = optionalString(deployment.name, `${entryField}.name`) ?? `deployment-${index + 1}`;
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new ConfigError(`${entryField}.name`, 'must be 1–64 letters, digits, dots, dashes or underscores');
    if (names.has(name)) throw new ConfigError(`${entryField}.name`, `repeats '${name}'`);
    names.add(name);
    const weight = deployment.weight ?? 1;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > 1_000_000) throw new ConfigError(`${entryField}.weight`, 'must be a positive number');
    const baseUrl = optionalString(deployment.baseUrl, `${entryField}.baseUrl`) ?? defaultBaseUrl;
    if (!baseUrl) throw new ConfigError(`${entryField}.baseUrl`, 'is required: the provider has no baseUrl');
    const apiKey = optionalString(deployment.apiKey, `${entryField}.apiKey`);
    // A deployment's own timeouts win over its provider's, field by field.
    const own = parseDeploymentTimeouts(deployment.timeouts, `${entryField}.timeouts`);
    const timeouts = providerTimeouts || own ? { ...providerTimeouts, ...own } : undefined;
    return { name, apiKey: apiKey || undefined, baseUrl: parseUrl(baseUrl, `${entryField}.baseUrl`), weight, ...(timeouts && { timeouts }) };
  });
}

/** `timeouts: { connectMs, firstByteMs, idleMs }` of a provider or a deployment (a provider's `totalMs` is read apart); undefined when absent. */
function parseDeploymentTimeouts(raw: unknown, field: string): DeploymentTimeouts | undefined {
  if (raw === undefined || raw === null) return undefined;
  const settings = asRecord(raw, field);
  const timeouts: DeploymentTimeouts = {};
  for (const name of Object.keys(settings)) {
    if (name !== 'connectMs' && name !== 'firstByteMs' && name !== 'idleMs') throw new ConfigError(`${field}.${name}`, 'is not a deployment timeout (connectMs, firstByteMs, idleMs; totalMs belongs to the provider or a model)');
    const value = settings[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 100 || value > 3_600_000) throw new ConfigError(`${field}.${name}`, 'must be a whole number of milliseconds from 100 to 3600000');
    timeouts[name] = value;
  }
  return timeouts;
}

/** `circuitBreaker: { failures, cooldownMs, failureRatePercent, minimumRequests, windowMs }`, each optional. */
function parseCircuitBreaker(raw: unknown, field: string): CircuitBreakerSettings {
  const settings = asRecord(raw, field);
  const read = (name: keyof CircuitBreakerSettings, minimum: number, maximum: number): number => {
    const value = settings[name] ?? DEFAULT_CIRCUIT_BREAKER[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum || value > maximum) throw new ConfigError(`${field}.${name}`, `must be a whole number from ${minimum} to ${maximum}`);
    return value;
  };
  return {
    failures: read('failures', 1, 1_000),
    cooldownMs: read('cooldownMs', 100, 3_600_000),
    failureRatePercent: read('failureRatePercent', 1, 100),
    minimumRequests: read('minimumRequests', 1, 1_000_000),
    windowMs: read('windowMs', 1_000, 600_000),
  };
}

function firstSet(values: (string | undefined)[]): string | undefined {
  return values.find((value) => value !== undefined && value !== '');
}

export function asRecord(value: unknown, field: string): Record<string, any> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(field, 'must be a mapping');
  return value as Record<string, any>;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  // A key written unquoted (all digits) is not echoed: a secret never reaches a message.
  if (typeof value !== 'string') throw new ConfigError(field, /apiKey$/.test(field) ? 'must be a string (quote it)' : `must be a string (got ${JSON.stringify(value)})`);
  return value;
}

function parseUrl(value: string, field: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new ConfigError(field, `must be an http(s) URL (got "${value}")`);
  }
  return value.replace(/\/+$/, '');
}

function booleanSetting(environmentValue: string | undefined, environmentName: string, fileValue: unknown, fileField: string, fallback: boolean): boolean {
  if (environmentValue !== undefined && environmentValue !== '') {
    if (/^(1|true|yes|on)$/i.test(environmentValue)) return true;
    if (/^(0|false|no|off)$/i.test(environmentValue)) return false;
    throw new ConfigError(environmentName, `must be on or off (got "${environmentValue}")`);
  }
  if (fileValue === undefined || fileValue === null) return fallback;
  if (typeof fileValue !== 'boolean') throw new ConfigError(fileField, `must be true or false (got ${JSON.stringify(fileValue)})`);
  return fileValue;
}

function parseRedisUrl(value: string | undefined, field: string): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error('not redis');
  } catch {
    throw new ConfigError(field, `must be a redis:// or rediss:// URL (got "${value}")`);
  }
  return value;
}

/** DATABASE_URL must be PostgreSQL; its `schema` parameter (which pg does not know) moves to `databaseSchema`. Errors never echo the URL: it may hold a password. */
function databaseSettings(environment: NodeJS.ProcessEnv, file: Record<string, any>): { databaseUrl?: string; databaseSchema?: string } {
  const urlField = environment.DATABASE_URL ? 'DATABASE_URL' : 'databaseUrl';
  const value = environment.DATABASE_URL || optionalString(file.databaseUrl, 'databaseUrl');
  let schemaField = environment.SWITCHYARD_DATABASE_SCHEMA ? 'SWITCHYARD_DATABASE_SCHEMA' : 'databaseSchema';
  let schema = environment.SWITCHYARD_DATABASE_SCHEMA || optionalString(file.databaseSchema, 'databaseSchema');
  if (!value) {
    if (schema) throw new ConfigError(schemaField, 'needs DATABASE_URL: a schema applies to PostgreSQL only');
    return {};
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(urlField, 'must be a postgres:// or postgresql:// URL (got something that is not a URL)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(urlField, `must be a postgres:// or postgresql:// URL (got a ${url.protocol}// URL)`);
  }
  let databaseUrl = value;
  if (url.searchParams.has('schema')) {
    if (!schema) [schema, schemaField] = [url.searchParams.get('schema') ?? undefined, urlField];
    url.searchParams.delete('schema');
    databaseUrl = url.toString();
  }
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError(schemaField, `must be a lower-case PostgreSQL identifier: letters, digits and _ (got "${schema}")`);
  }
  return { databaseUrl, databaseSchema: schema };
}

const MIN_ADMIN_TOKEN_LENGTH = 16;

/** The admin token guards every organization's keys and money: a short one is refused. Messages never echo it. */
function adminTokenSetting(value: string | undefined, field: string): string | undefined {
  if (!value) return undefined;
  if (value.trim().length < MIN_ADMIN_TOKEN_LENGTH) throw new ConfigError(field, `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (e.g. openssl rand -hex 32)`);
  return value.trim();
}

function integerSetting(
  environmentValue: string | undefined,
  environmentName: string,
  fileValue: unknown,
  fileField: string,
  fallback: number,
  minimum: number,
  maximum: number,
): number {
  const [raw, field] = environmentValue !== undefined && environmentValue !== '' ? [environmentValue, environmentName] : [fileValue, fileField];
  if (raw === undefined || raw === null) return fallback;
  const value = typeof raw === 'number' ? raw : /^-?\d+$/.test(String(raw).trim()) ? Number(String(raw).trim()) : Number.NaN;
  if (!Number.isInteger(value) || value < minimum || value > maximum) {
    throw new ConfigError(field, `must be an integer between ${minimum} and ${maximum} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

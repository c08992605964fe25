import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ProviderDescriptor } from '../providers/provider-adapter.ts';
import { ConfigError } from './config-error.ts';
import { parseModelEntries, type ModelEntry } from './parse-model-entries.ts';

export interface ProviderSettings {
  apiKey?: string;
  baseUrl: string;
}

export interface SwitchyardConfig {
  host: string;
  port: number;
  /** Folder of the embedded SQLite store. */
  dataDir: string;
  logLevel: string;
  bodyLimitBytes: number;
  /** Time allowed for a provider to send response headers (and, on streams, each next chunk). */
  upstreamTimeoutMs: number;
  /** Extra attempts on transient upstream failures before any byte reached the client. */
  maxRetries: number;
  /** Let clients' image URLs (fetched by the gateway for providers that take only inline images) reach loopback, private and link-local addresses. Off by default. */
  allowPrivateImageUrls: boolean;
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
  providers: ProviderDescriptor[];
}): SwitchyardConfig {
  const { environment, providers } = options;
  const file = options.configFile ? readYamlFile(options.configFile) : {};
  const fileProviders = asRecord(file.providers, 'providers');

  const providerSettings: Record<string, ProviderSettings> = {};
  for (const provider of providers) {
    const fromFile = asRecord(fileProviders[provider.id], `providers.${provider.id}`);
    const apiKey = firstSet(provider.apiKeyEnv.map((name) => environment[name])) ?? optionalString(fromFile.apiKey, `providers.${provider.id}.apiKey`);
    const baseUrl = firstSet(provider.baseUrlEnv.map((name) => environment[name])) ?? optionalString(fromFile.baseUrl, `providers.${provider.id}.baseUrl`) ?? provider.defaultBaseUrl;
    const baseUrlField = environment[provider.baseUrlEnv[0]] ? provider.baseUrlEnv[0] : `providers.${provider.id}.baseUrl`;
    providerSettings[provider.id] = { apiKey: apiKey || undefined, baseUrl: parseUrl(baseUrl, baseUrlField) };
  }
  for (const id of Object.keys(fileProviders)) {
    if (!providers.some((provider) => provider.id === id)) {
      throw new ConfigError(`providers.${id}`, `unknown provider; known providers: ${providers.map((p) => p.id).join(', ')}`);
    }
  }

  const logLevelField = environment.LOG_LEVEL ? 'LOG_LEVEL' : 'logLevel';
  const logLevel = environment.LOG_LEVEL || (optionalString(file.logLevel, 'logLevel') ?? 'info');
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(logLevelField, `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);

  return {
    host: environment.HOST ?? optionalString(file.host, 'host') ?? '127.0.0.1',
    port: integerSetting(environment.PORT, 'PORT', file.port, 'port', 8080, 0, 65_535),
    dataDir: resolve(environment.SWITCHYARD_DATA_DIR ?? optionalString(file.dataDir, 'dataDir') ?? './.switchyard'),
    logLevel,
    bodyLimitBytes: integerSetting(environment.SWITCHYARD_BODY_LIMIT_BYTES, 'SWITCHYARD_BODY_LIMIT_BYTES', file.bodyLimitBytes, 'bodyLimitBytes', 20 * 1024 * 1024, 1024, 1024 ** 3),
    upstreamTimeoutMs: integerSetting(environment.SWITCHYARD_UPSTREAM_TIMEOUT_MS, 'SWITCHYARD_UPSTREAM_TIMEOUT_MS', file.upstreamTimeoutMs, 'upstreamTimeoutMs', 600_000, 100, 3_600_000),
    maxRetries: integerSetting(environment.SWITCHYARD_MAX_RETRIES, 'SWITCHYARD_MAX_RETRIES', file.maxRetries, 'maxRetries', 2, 0, 10),
    allowPrivateImageUrls: environment.SWITCHYARD_ALLOW_PRIVATE_IMAGE_URLS ? /^(1|true|yes)$/i.test(environment.SWITCHYARD_ALLOW_PRIVATE_IMAGE_URLS) : file.allowPrivateImageUrls === true,
    providers: providerSettings,
    models: parseModelEntries(file.models, providers.map((provider) => provider.id)),
  };
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
    throw new ConfigError('--config', `${path} is not valid YAML: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  return asRecord(parsed, '(top level)');
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
  if (typeof value !== 'string') throw new ConfigError(field, `must be a string (got ${JSON.stringify(value)})`);
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

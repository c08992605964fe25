import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import pino, { type Logger } from 'pino';
import { loadConfig } from '../../src/config/load-config.ts';
import { PROVIDER_DESCRIPTORS } from '../../src/providers/provider-descriptors.ts';
import { startGateway, type RunningGateway } from '../../src/server/start-gateway.ts';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { postgresTestSchema } from './postgres-test-schema.ts';
import type { UsageRecord } from '../../src/store/store.ts';

/** Provider keys the gateway is given; tests assert they reach the simulators and never the client. */
export const PROVIDER_KEYS = {
  openai: 'sk-test-openai-provider-key-000000000000',
  xai: 'xai-test-provider-key-111111111111',
  fireworks: 'fw_test_provider_key_222222222222',
  perplexity: 'pplx-test-provider-key-333333333333',
  anthropic: 'sk-ant-test-provider-key-444444444444',
  google: 'AIza-test-provider-key-555555555555',
};

/** Micro-credits the test organization starts with: 1,000 credits. */
export const STACK_CREDITS = 1_000_000_000;

export interface Stack {
  gateway: RunningGateway;
  simulators: Simulators;
  /** A valid API key of organization 'acme'. */
  apiKey: string;
  /** An OpenAI SDK client on one of the gateway's base URLs. */
  client(basePath?: '/v1' | '/v1/gateway' | '/v1/api/openai', apiKey?: string): OpenAI;
  /** The usage record of a request (its `x-request-id`), once the queued usage is written; fails when there is none. */
  usageRecordOf(requestId: string): Promise<UsageRecord>;
  close(): Promise<void>;
}

/**
 * Starts the provider simulators and a gateway wired to them over HTTP, as a user would run them.
 * With SWITCHYARD_TEST_DATABASE_URL set, the gateway stores in PostgreSQL, in a schema of its own
 * dropped on close; otherwise in a temporary SQLite folder.
 */
export async function startStack(
  environment: Record<string, string> = {},
  /** `configYaml`: the YAML file, or a function of the simulators' base URLs that writes it. */
  options: { configYaml?: string | ((simulators: Simulators) => string); logger?: Logger } = {},
): Promise<Stack> {
  const simulators = await startSimulators({ port: 0 });
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  const testDatabaseUrl = process.env.SWITCHYARD_TEST_DATABASE_URL;
  const postgres = testDatabaseUrl ? postgresTestSchema(testDatabaseUrl, 'stack') : undefined;
  let configFile: string | undefined;
  if (options.configYaml) {
    configFile = join(dataDir, 'switchyard.yaml');
    writeFileSync(configFile, typeof options.configYaml === 'function' ? options.configYaml(simulators) : options.configYaml);
  }
  const config = loadConfig({
    configFile,
    environment: {
      PORT: '0',
      SWITCHYARD_DATA_DIR: dataDir,
      ...(postgres && { DATABASE_URL: postgres.url, SWITCHYARD_DATABASE_SCHEMA: postgres.schema }),
      OPENAI_API_KEY: PROVIDER_KEYS.openai,
      OPENAI_BASE_URL: simulators.baseUrls.openai,
      XAI_API_KEY: PROVIDER_KEYS.xai,
      XAI_BASE_URL: simulators.baseUrls.xai,
      FIREWORKS_API_KEY: PROVIDER_KEYS.fireworks,
      FIREWORKS_BASE_URL: simulators.baseUrls.fireworks,
      PERPLEXITY_API_KEY: PROVIDER_KEYS.perplexity,
      PERPLEXITY_BASE_URL: simulators.baseUrls.perplexity,
      ANTHROPIC_API_KEY: PROVIDER_KEYS.anthropic,
      ANTHROPIC_BASE_URL: simulators.baseUrls.anthropic,
      GEMINI_API_KEY: PROVIDER_KEYS.google,
      GEMINI_BASE_URL: simulators.baseUrls.google,
      ...environment,
    },
    providers: PROVIDER_DESCRIPTORS,
  });
  const gateway = await startGateway(config, { logger: options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  const organization = await gateway.switchyard.accounts.createOrganization('acme');
  // A new organization starts with no credit (402); the tests' organization gets plenty.
  await gateway.switchyard.credits.topUp(organization.id, STACK_CREDITS, 'test stack');
  const { secret } = await gateway.switchyard.accounts.createApiKey('acme', 'tests');
  return {
    gateway,
    simulators,
    apiKey: secret,
    client: (basePath = '/v1', apiKey = secret) => new OpenAI({ baseURL: `${gateway.url}${basePath}`, apiKey, maxRetries: 0 }),
    async usageRecordOf(requestId) {
      await gateway.switchyard.usage.flush();
      const record = (await gateway.switchyard.store.listUsageRecords({ limit: 100_000 })).find((candidate) => candidate.requestId === requestId);
      assert.ok(record, `a usage record for ${requestId}`);
      return record;
    },
    async close() {
      await gateway.close();
      await simulators.close();
      await postgres?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

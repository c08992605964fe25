import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../../src/core/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { PROVIDER_DESCRIPTORS } from '../../src/providers/provider-descriptors.ts';

const folder = mkdtempSync(join(tmpdir(), 'switchyard-config-test-'));
after(() => rmSync(folder, { recursive: true, force: true }));

let fileCount = 0;
function yamlFile(text: string): string {
  fileCount += 1;
  const path = join(folder, `config-${fileCount}.yaml`);
  writeFileSync(path, text);
  return path;
}

function load(environment: Record<string, string>, configFile?: string) {
  return loadConfig({ environment, configFile, providers: PROVIDER_DESCRIPTORS });
}

/** Asserts that loading fails with a ConfigError naming `field`, and returns its message. */
function assertConfigError(run: () => unknown, field: string): string {
  let message = '';
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.field, field);
    assert.ok(error.message.includes(field), `message should name ${field}: ${error.message}`);
    message = error.message;
    return true;
  });
  return message;
}

describe('loadConfig', () => {
  it('uses the defaults when neither environment nor file sets anything', () => {
    const config = load({});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8080);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.maxRetries, 2);
    assert.equal(config.dataDir, resolve('./.switchyard'));
    assert.deepEqual(config.models, []);
    assert.equal(config.providers.openai.apiKey, undefined);
    assert.equal(config.providers.openai.baseUrl, 'https://api.openai.com/v1');
  });

  it('cuts slow clients by default: 10 s for headers, 60 s for the whole request, 72 s idle; the headers may not outlast the request', () => {
    const config = load({});
    assert.deepEqual([config.clientHeadersTimeoutMs, config.clientRequestTimeoutMs, config.clientIdleTimeoutMs], [10_000, 60_000, 72_000]);
    const set = load({ SWITCHYARD_CLIENT_HEADERS_TIMEOUT_MS: '500', SWITCHYARD_CLIENT_REQUEST_TIMEOUT_MS: '1000', SWITCHYARD_CLIENT_IDLE_TIMEOUT_MS: '2000' });
    assert.deepEqual([set.clientHeadersTimeoutMs, set.clientRequestTimeoutMs, set.clientIdleTimeoutMs], [500, 1_000, 2_000]);
    assertConfigError(() => load({ SWITCHYARD_CLIENT_HEADERS_TIMEOUT_MS: '5000', SWITCHYARD_CLIENT_REQUEST_TIMEOUT_MS: '1000' }), 'SWITCHYARD_CLIENT_HEADERS_TIMEOUT_MS');
  });

  it('reads the timeouts block, each timeout from its own variable first, SWITCHYARD_UPSTREAM_TIMEOUT_MS as the first-byte and idle shorthand', () => {
    assert.deepEqual(load({}).timeouts, { connectMs: 10_000, firstByteMs: 600_000, idleMs: 600_000, totalMs: 1_200_000 });
    assert.equal(load({}).shutdownTimeoutMs, 30_000);
    const file = yamlFile('timeouts: { connectMs: 1000, firstByteMs: 2000, idleMs: 3000, totalMs: 4000 }\nshutdownTimeoutMs: 5000\n');
    assert.deepEqual(load({}, file).timeouts, { connectMs: 1000, firstByteMs: 2000, idleMs: 3000, totalMs: 4000 });
    assert.equal(load({}, file).shutdownTimeoutMs, 5000);
    assert.deepEqual(load({ SWITCHYARD_UPSTREAM_TIMEOUT_MS: '700', SWITCHYARD_IDLE_TIMEOUT_MS: '800', SWITCHYARD_TOTAL_TIMEOUT_MS: '900' }, file).timeouts, { connectMs: 1000, firstByteMs: 700, idleMs: 800, totalMs: 900 });
    assertConfigError(() => load({ SWITCHYARD_TOTAL_TIMEOUT_MS: 'soon' }), 'SWITCHYARD_TOTAL_TIMEOUT_MS');
  });

  it('reads every setting from the YAML file', () => {
    const file = yamlFile(`
host: 0.0.0.0
port: 9000
dataDir: ${folder}/data
logLevel: debug
bodyLimitBytes: 4096
upstreamTimeoutMs: 5000
maxRetries: 4
providers:
  xai:
    apiKey: xai-from-file
    baseUrl: http://localhost:1234/v1/
`);
    const config = load({}, file);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.port, 9000);
    assert.equal(config.dataDir, `${folder}/data`);
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.bodyLimitBytes, 4096);
    assert.equal(config.timeouts.firstByteMs, 5000);
    assert.equal(config.timeouts.idleMs, 5000);
    assert.equal(config.maxRetries, 4);
    assert.deepEqual(
      { apiKey: config.providers.xai.apiKey, baseUrl: config.providers.xai.baseUrl, deployments: config.providers.xai.deployments, source: config.providers.xai.deploymentsSource },
      { apiKey: 'xai-from-file', baseUrl: 'http://localhost:1234/v1', deployments: [{ name: 'default', apiKey: 'xai-from-file', baseUrl: 'http://localhost:1234/v1', weight: 1 }], source: 'yaml apiKey/baseUrl' },
    );
  });

  it('lets the environment beat the file, setting by setting', () => {
    const file = yamlFile(`
port: 9000
logLevel: debug
maxRetries: 4
providers:
  openai:
    apiKey: sk-from-file
    baseUrl: http://file.example/v1
`);
    const config = load({ PORT: '7000', LOG_LEVEL: 'warn', OPENAI_API_KEY: 'sk-from-environment', OPENAI_BASE_URL: 'http://environment.example/v1' }, file);
    assert.equal(config.port, 7000);
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.maxRetries, 4, 'a setting the environment leaves alone still comes from the file');
    assert.deepEqual({ apiKey: config.providers.openai.apiKey, baseUrl: config.providers.openai.baseUrl, source: config.providers.openai.deploymentsSource }, { apiKey: 'sk-from-environment', baseUrl: 'http://environment.example/v1', source: 'environment' });
  });

  it('treats an empty environment variable as unset', () => {
    const config = load({ PORT: '', OPENAI_API_KEY: '' }, yamlFile('port: 9100\n'));
    assert.equal(config.port, 9100);
    assert.equal(config.providers.openai.apiKey, undefined);
  });

  it('takes the first of several API key variables that is set (PERPLEXITY_API_KEY, then PPLX_API_KEY)', () => {
    assert.equal(load({ PPLX_API_KEY: 'pplx-second' }).providers.perplexity.apiKey, 'pplx-second');
    assert.equal(load({ PPLX_API_KEY: 'pplx-second', PERPLEXITY_API_KEY: 'pplx-first' }).providers.perplexity.apiKey, 'pplx-first');
  });

  it('accepts port 0 (any free port)', () => {
    assert.equal(load({ PORT: '0' }).port, 0);
  });

  it('refuses a PORT that is not an integer, naming PORT and the value', () => {
    const message = assertConfigError(() => load({ PORT: 'abc' }), 'PORT');
    assert.match(message, /"abc"/);
  });

  it('refuses a PORT out of range', () => {
    assertConfigError(() => load({ PORT: '70000' }), 'PORT');
    assertConfigError(() => load({ PORT: '-1' }), 'PORT');
    assertConfigError(() => load({ PORT: '80.5' }), 'PORT');
  });

  it('names the file field, not the variable, when the bad value came from the file', () => {
    assertConfigError(() => load({}, yamlFile('port: eighty\n')), 'port');
    assertConfigError(() => load({}, yamlFile('maxRetries: 99\n')), 'maxRetries');
  });

  it('refuses a body limit below 1 KiB, naming SWITCHYARD_BODY_LIMIT_BYTES', () => {
    assertConfigError(() => load({ SWITCHYARD_BODY_LIMIT_BYTES: '10' }), 'SWITCHYARD_BODY_LIMIT_BYTES');
  });

  it('refuses an unknown LOG_LEVEL and lists the known ones', () => {
    const message = assertConfigError(() => load({ LOG_LEVEL: 'loud' }), 'LOG_LEVEL');
    assert.match(message, /info/);
  });

  it('names logLevel when the bad log level came from the file', () => {
    assertConfigError(() => load({}, yamlFile('logLevel: loud\n')), 'logLevel');
  });

  it('refuses a base URL that is not http(s), naming the variable', () => {
    assertConfigError(() => load({ XAI_BASE_URL: 'ftp://example.com' }), 'XAI_BASE_URL');
    assertConfigError(() => load({ XAI_BASE_URL: 'not a url' }), 'XAI_BASE_URL');
  });

  it('names the file field of a bad base URL from the file', () => {
    assertConfigError(() => load({}, yamlFile('providers:\n  fireworks:\n    baseUrl: nowhere\n')), 'providers.fireworks.baseUrl');
  });

  it('refuses a provider of its own without a type, naming the built-in ones and the types', () => {
    const message = assertConfigError(() => load({}, yamlFile('providers:\n  acme-ai:\n    apiKey: x\n')), 'providers.acme-ai.type');
    assert.match(message, /openai, xai/);
    assert.match(message, /openai-compatible or azure-openai/);
  });

  it('refuses a provider API key that is not a string', () => {
    assertConfigError(() => load({}, yamlFile('providers:\n  openai:\n    apiKey: 12345\n')), 'providers.openai.apiKey');
  });

  it('refuses a models entry whose provider is unknown, naming models[i].provider', () => {
    assertConfigError(() => load({}, yamlFile('models:\n  - id: fine\n    aliasOf: gpt-5\n  - id: x\n    provider: nobody\n')), 'models[1].provider');
  });

  it('refuses a models entry without an id', () => {
    assertConfigError(() => load({}, yamlFile('models:\n  - provider: openai\n')), 'models[0].id');
  });

  it('refuses a models section that is not a list', () => {
    assertConfigError(() => load({}, yamlFile('models:\n  id: x\n')), 'models');
  });

  it('refuses an unknown capability name, naming it', () => {
    assertConfigError(() => load({}, yamlFile('models:\n  - id: x\n    provider: openai\n    capabilities:\n      telepathy: true\n')), 'models[0].capabilities.telepathy');
  });

  it('converts YAML prices in USD per million tokens to integer micro-USD', () => {
    const config = load({}, yamlFile('models:\n  - id: x\n    provider: openai\n    pricing:\n      input: 1.25\n      output: 10\n'));
    const entry = config.models[0];
    assert.equal(entry.kind, 'define');
    assert.deepEqual(entry.kind === 'define' ? entry.fields.pricing : undefined, { inputPerMillion: 1_250_000, cachedInputPerMillion: 1_250_000, outputPerMillion: 10_000_000 });
  });

  it('refuses a config file that does not exist, naming --config', () => {
    assertConfigError(() => load({}, join(folder, 'missing.yaml')), '--config');
  });

  it('refuses a config file that is not valid YAML, naming --config', () => {
    assertConfigError(() => load({}, yamlFile('port: [unclosed\n')), '--config');
  });

  it('refuses a config file whose top level is not a mapping', () => {
    assertConfigError(() => load({}, yamlFile('- just\n- a list\n')), '(top level)');
  });

  it('reads an empty config file as no settings', () => {
    assert.equal(load({}, yamlFile('')).port, 8080);
  });
});

describe('loadConfig: DATABASE_URL', () => {
  it('keeps the embedded SQLite store when no database URL is set', () => {
    const config = load({});
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.databaseSchema, undefined);
  });

  it('takes a postgres:// or postgresql:// URL', () => {
    assert.equal(load({ DATABASE_URL: 'postgres://switchyard:secret@db.internal:5432/switchyard' }).databaseUrl, 'postgres://switchyard:secret@db.internal:5432/switchyard');
    assert.equal(load({ DATABASE_URL: 'postgresql://db.internal/switchyard' }).databaseUrl, 'postgresql://db.internal/switchyard');
  });

  it('moves the URL schema parameter to databaseSchema, and SWITCHYARD_DATABASE_SCHEMA overrides it', () => {
    const fromUrl = load({ DATABASE_URL: 'postgres://db.internal/switchyard?schema=tenant_a&sslmode=require' });
    assert.equal(fromUrl.databaseUrl, 'postgres://db.internal/switchyard?sslmode=require');
    assert.equal(fromUrl.databaseSchema, 'tenant_a');
    const fromEnvironment = load({ DATABASE_URL: 'postgres://db.internal/switchyard?schema=tenant_a', SWITCHYARD_DATABASE_SCHEMA: 'tenant_b' });
    assert.equal(fromEnvironment.databaseSchema, 'tenant_b');
  });

  it('refuses a URL of another database, naming DATABASE_URL without echoing its password', () => {
    const message = assertConfigError(() => load({ DATABASE_URL: 'mysql://root:hunter2@db/switchyard' }), 'DATABASE_URL');
    assert.ok(!message.includes('hunter2'), message);
    assertConfigError(() => load({ DATABASE_URL: 'not a url' }), 'DATABASE_URL');
  });

  it('refuses a schema name that is not a plain lower-case identifier, naming where it came from', () => {
    assertConfigError(() => load({ DATABASE_URL: 'postgres://db/switchyard', SWITCHYARD_DATABASE_SCHEMA: 'Tenant; drop' }), 'SWITCHYARD_DATABASE_SCHEMA');
    assertConfigError(() => load({ DATABASE_URL: 'postgres://db/switchyard?schema=a-b' }), 'DATABASE_URL');
  });

  it('refuses a schema without a database URL', () => {
    assertConfigError(() => load({ SWITCHYARD_DATABASE_SCHEMA: 'tenant_a' }), 'SWITCHYARD_DATABASE_SCHEMA');
  });
});

describe('loadConfig: the admin token', () => {
  it('has no admin token (no admin API) unless SWITCHYARD_ADMIN_TOKEN or adminToken is set', () => {
    assert.equal(load({}).adminToken, undefined);
    assert.equal(load({ SWITCHYARD_ADMIN_TOKEN: 'a-long-enough-admin-token' }).adminToken, 'a-long-enough-admin-token');
    assert.equal(load({}, yamlFile('adminToken: from-the-file-0123456789\n')).adminToken, 'from-the-file-0123456789');
  });

  it('refuses a token shorter than 16 characters without echoing it', () => {
    const message = assertConfigError(() => load({ SWITCHYARD_ADMIN_TOKEN: 'hunter2' }), 'SWITCHYARD_ADMIN_TOKEN');
    assert.ok(!message.includes('hunter2'), message);
  });
});

describe('provider deployments', () => {
  it('the environment is one deployment; YAML deployments replace it, with weights and a breaker', () => {
    const single = load({ OPENAI_API_KEY: 'sk-env' }).providers.openai!;
    assert.deepEqual(single.deployments, [{ name: 'default', apiKey: 'sk-env', baseUrl: 'https://api.openai.com/v1', weight: 1 }]);
    assert.equal(single.deploymentsSource, 'environment');
    assert.deepEqual(single.circuitBreaker, { failures: 5, cooldownMs: 30_000, failureRatePercent: 50, minimumRequests: 20, windowMs: 10_000 });

    const file = yamlFile(`
providers:
  openai:
    circuitBreaker: { failures: 3, cooldownMs: 1000 }
    deployments:
      - { name: primary, baseUrl: "https://a.example/v1/", apiKey: sk-a, weight: 3 }
      - { name: backup, apiKey: sk-b }
`);
    const many = load({ OPENAI_API_KEY: 'sk-env', OPENAI_BASE_URL: 'https://env.example/v1' }, file).providers.openai!;
    assert.deepEqual(many.deployments, [
      { name: 'primary', apiKey: 'sk-a', baseUrl: 'https://a.example/v1', weight: 3 },
      { name: 'backup', apiKey: 'sk-b', baseUrl: 'https://api.openai.com/v1', weight: 1 },
    ]);
    assert.equal(many.deploymentsSource, 'yaml deployments');
    assert.deepEqual(many.circuitBreaker, { failures: 3, cooldownMs: 1_000, failureRatePercent: 50, minimumRequests: 20, windowMs: 10_000 });
  });

  it('refuses an empty list, a repeated name, a weight that is not positive and a breaker out of range, naming the field', () => {
    const cases: [string, string][] = [
      ['deployments: []', 'providers.openai.deployments'],
      ['deployments: [{ name: a, apiKey: k }, { name: a, apiKey: k }]', 'providers.openai.deployments[1].name'],
      ['deployments: [{ name: a, apiKey: k, weight: 0 }]', 'providers.openai.deployments[0].weight'],
      ['deployments: [{ name: a, apiKey: k, baseUrl: "ftp://x" }]', 'providers.openai.deployments[0].baseUrl'],
      ['circuitBreaker: { failures: 0 }', 'providers.openai.circuitBreaker.failures'],
    ];
    for (const [yaml, field] of cases) assertConfigError(() => load({}, yamlFile(`providers:\n  openai:\n    ${yaml}\n`)), field);
  });
});

describe('deployment timeouts', () => {
  it("a provider's timeouts apply to each deployment; a deployment's own win, field by field", () => {
    const file = yamlFile(`
providers:
  openai:
    timeouts: { firstByteMs: 5000, idleMs: 20000, totalMs: 90000 }
    deployments:
      - { name: a, apiKey: k, timeouts: { firstByteMs: 1000, connectMs: 2000 } }
      - { name: b, apiKey: k }
`);
    const openai = load({}, file).providers.openai!;
    const [a, b] = openai.deployments;
    assert.deepEqual(a!.timeouts, { firstByteMs: 1_000, idleMs: 20_000, connectMs: 2_000 });
    assert.deepEqual(b!.timeouts, { firstByteMs: 5_000, idleMs: 20_000 });
    assert.equal(openai.totalTimeoutMs, 90_000, "the provider's total deadline");
    assertConfigError(() => load({}, yamlFile('providers:\n  openai:\n    timeouts: { connectMs: 10 }\n')), 'providers.openai.timeouts.connectMs');
    assertConfigError(() => load({}, yamlFile('providers:\n  openai:\n    deployments: [{ name: a, apiKey: k, timeouts: { totalMs: 1000 } }]\n')), 'providers.openai.deployments[0].timeouts.totalMs');
  });
});

describe('providers of the operator\'s own', () => {
  it('an openai-compatible server needs no key; its models are declared in YAML', () => {
    const config = load({}, yamlFile(`
providers:
  local-llm:
    type: openai-compatible
    baseUrl: http://10.0.0.5:8000/v1/
models:
  - id: llama-local
    provider: local-llm
    upstreamId: meta-llama/Llama-3.1-8B-Instruct
    contextWindow: 131072
    maxOutputTokens: 8192
    pricing: { input: 0, output: 0 }
`));
    const local = config.providers['local-llm']!;
    assert.deepEqual(local.custom, { type: 'openai-compatible', displayName: 'local-llm' });
    assert.deepEqual(local.deployments, [{ name: 'default', apiKey: undefined, baseUrl: 'http://10.0.0.5:8000/v1', weight: 1 }]);
    assert.deepEqual(config.models[0], { kind: 'define', id: 'llama-local', fields: { provider: 'local-llm', upstreamId: 'meta-llama/Llama-3.1-8B-Instruct', contextWindow: 131072, maxOutputTokens: 8192, pricing: { inputPerMillion: 0, cachedInputPerMillion: 0, outputPerMillion: 0 } } });
  });

  it('an azure-openai provider gets the default api-version; a deployment may set its own', () => {
    const config = load({}, yamlFile(`
providers:
  azure:
    type: azure-openai
    displayName: Azure (Sweden)
    deployments:
      - { name: sweden, baseUrl: https://a.openai.azure.com, apiKey: k1 }
      - { name: east, baseUrl: https://b.openai.azure.com, apiKey: k2, apiVersion: 2025-04-01-preview }
`));
    const azure = config.providers.azure!;
    assert.deepEqual(azure.custom, { type: 'azure-openai', displayName: 'Azure (Sweden)' });
    assert.deepEqual(azure.deployments.map((deployment) => deployment.apiVersion), ['2024-10-21', '2025-04-01-preview']);
    assert.equal(azure.deploymentsSource, 'yaml deployments');
  });

  it('refuses what cannot work, naming the field', () => {
    for (const [yaml, field] of [
      ['  x:\n    type: bedrock\n    baseUrl: http://x', 'providers.x.type'],
      ['  x:\n    type: openai-compatible', 'providers.x.baseUrl'],
      ['  x:\n    type: openai-compatible\n    deployments: [{ name: a }]', 'providers.x.deployments[0].baseUrl'],
      ['  x:\n    type: azure-openai\n    baseUrl: https://a.openai.azure.com', 'providers.x.apiKey'],
      ['  x:\n    type: azure-openai\n    baseUrl: https://a.openai.azure.com\n    apiKey: k\n    apiVersion: latest', 'providers.x.apiVersion'],
      ['  x:\n    type: openai-compatible\n    baseUrl: http://x\n    apiVersion: 2024-10-21', 'providers.x.apiVersion'],
      ['  openai:\n    type: openai-compatible', 'providers.openai.type'],
      ['  Big_Name:\n    type: openai-compatible\n    baseUrl: http://x', 'providers.Big_Name'],
      ['  x:\n    type: openai-compatible\n    baseUrl: http://x\n    displayName: "Ollama \u2014 local"', 'providers.x.displayName'],
    ] as const) {
      assertConfigError(() => load({}, yamlFile(`providers:\n${yaml}\n`)), field);
    }
  });
});

describe('secrets in configuration errors', () => {
  it("a custom provider's key may come from the environment (apiKeyEnv)", () => {
    const config = load({ AZURE_OPENAI_KEY: 'from-environment' }, yamlFile('providers:\n  azure:\n    type: azure-openai\n    baseUrl: https://a.openai.azure.com\n    apiKeyEnv: AZURE_OPENAI_KEY\n'));
    assert.equal(config.providers.azure!.deployments[0]!.apiKey, 'from-environment');
  });

  it('never echoes a key: not an unquoted one, not a line of a YAML file that does not parse', () => {
    const unquoted = assertConfigError(() => load({}, yamlFile('providers:\n  openai:\n    apiKey: 1234567890123\n')), 'providers.openai.apiKey');
    assert.doesNotMatch(unquoted, /1234567890123/);
    let message = '';
    try {
      load({}, yamlFile('providers:\n  openai:\n    apiKey: sk-secret-0123456789\n     baseUrl: [unclosed\n'));
    } catch (error) {
      message = (error as Error).message;
    }
    assert.match(message, /not valid YAML/);
    assert.doesNotMatch(message, /sk-secret/);
  });
});

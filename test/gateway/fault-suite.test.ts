import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import OpenAI from 'openai';
import type { ChatRequest } from '../../src/core/chat-types.ts';
import type { TokenUsage } from '../../src/core/usage.ts';
import { computeCost } from '../../src/metering/compute-cost.ts';
import { startSimulators, type SimulatorFault, type Simulators } from '../../src/simulators/start-simulators.ts';
import type { UsageRecord } from '../../src/store/store.ts';
import { estimatePromptTokens } from '../../src/usage/estimate-prompt-tokens.ts';
import { startRefusedDeployment, type RefusedDeployment } from '../support/refused-deployment.ts';
import { startStack, type Stack } from '../support/start-stack.ts';

/**
 * Every way a provider fails, times three topologies, through the official clients: what the
 * client gets, how many upstream attempts the gateway made, and what was billed. The matrix is
 * generated from two tables (FAULTS × TOPOLOGIES); each case runs on a gateway of its own, so no
 * breaker, retry budget or pending fault carries over from one case to the next.
 */

const PRIMARY = 'gpt-5-mini';
/** The fallback model is on another provider (Anthropic), so the fault on OpenAI's endpoint never reaches it. */
const FALLBACK = 'claude-haiku-4-5';
/** The gateway's bound on a provider's answer (its minimum); the oversized faults send four times that. */
const MAX_UPSTREAM_BYTES = 64 * 1024;
/** Deployment A's first-byte and idle timeouts; the stalls last three times as long. */
const DEPLOYMENT_TIMEOUT_MS = 1_000;
const STALL_MS = 3 * DEPLOYMENT_TIMEOUT_MS;
const MAX_RETRIES = 1;

const ENVIRONMENT = {
  SWITCHYARD_MAX_RETRIES: String(MAX_RETRIES),
  // Every retry and failover is allowed: the attempt counts below are the retry rule's, never the budget's.
  SWITCHYARD_RETRY_FLOOR_PER_SECOND: '1000',
  SWITCHYARD_MAX_UPSTREAM_RESPONSE_BYTES: String(MAX_UPSTREAM_BYTES),
};

type ClientError = { status?: number; code: string; type: string };

interface FaultRow {
  name: string;
  /** Streamed where the fault is a stream's; the others are asked without streaming. */
  stream: boolean;
  /** Deployment A refuses connections (nothing listens on its port) instead of answering with a simulator fault. */
  refuse?: true;
  /** Scripted on deployment A's simulator, for every attempt. */
  fault?: Omit<SimulatorFault, 'provider' | 'model' | 'times'>;
  /**
   * `transient`: before any byte, retried (once) and failed over (another deployment, then the
   * fallback model). `final`: before any byte, but neither retried nor failed over. `after-bytes`: the
   * stream broke after chunks reached the client: nothing else can serve it, and it is billed by the
   * aborted-stream rule.
   */
  kind: 'transient' | 'final' | 'after-bytes';
  /** What the client gets when nothing serves the request: the HTTP status (none for a stream's error event) and the error's code and type. */
  error: ClientError;
  /** A gateway bug this row shows: its cases are reported, not failed, until it is fixed. */
  todo?: string;
}

const FAULTS: FaultRow[] = [
  { name: 'refused connection', stream: false, refuse: true, kind: 'transient', error: { status: 502, code: 'upstream_unavailable', type: 'upstream_error' } },
  { name: 'reset before headers', stream: false, fault: { resetBeforeHeaders: true }, kind: 'transient', error: { status: 502, code: 'upstream_unavailable', type: 'upstream_error' } },
  { name: 'reset after the first bytes', stream: true, fault: { afterChunks: 3, breakMode: 'disconnect' }, kind: 'after-bytes', error: { code: 'upstream_stream_interrupted', type: 'upstream_error' } },
  { name: 'reset before the first event', stream: true, fault: { afterChunks: 0, breakMode: 'disconnect' }, kind: 'transient', error: { status: 502, code: 'upstream_stream_interrupted', type: 'upstream_error' } },
  { name: 'stall before the first event (beyond idleMs)', stream: true, fault: { stallAfterChunks: { chunks: 0, ms: STALL_MS } }, kind: 'transient', error: { status: 502, code: 'upstream_stream_interrupted', type: 'upstream_error' } },
  { name: "the provider's error event as the first event", stream: true, fault: { afterChunks: 0, breakMode: 'error-event' }, kind: 'transient', error: { status: 502, code: 'upstream_stream_interrupted', type: 'upstream_error' } },
  { name: 'HTTP 500', stream: false, fault: { status: 500 }, kind: 'transient', error: { status: 502, code: 'upstream_error', type: 'upstream_error' } },
  { name: 'HTTP 503', stream: false, fault: { status: 503 }, kind: 'transient', error: { status: 502, code: 'upstream_error', type: 'upstream_error' } },
  { name: 'HTTP 429 with Retry-After: 1', stream: false, fault: { status: 429, headers: { 'retry-after': '1' } }, kind: 'transient', error: { status: 429, code: 'upstream_rate_limited', type: 'rate_limit_error' } },
  { name: 'stall before headers (beyond firstByteMs)', stream: false, fault: { firstByteDelayMs: STALL_MS }, kind: 'transient', error: { status: 504, code: 'upstream_timeout', type: 'upstream_error' } },
  { name: 'stall mid-stream (beyond idleMs)', stream: true, fault: { stallAfterChunks: { chunks: 3, ms: STALL_MS } }, kind: 'after-bytes', error: { code: 'upstream_stream_interrupted', type: 'upstream_error' } },
  // As the gateway stands, a 200 it cannot read (not JSON, too large) is the provider's final word:
  // a 502, neither retried nor failed over, and a success for the deployment's breaker.
  { name: 'malformed JSON', stream: false, fault: { malformed: 'json' }, kind: 'final', error: { status: 502, code: 'upstream_stream_interrupted', type: 'upstream_error' } },
  { name: 'malformed SSE', stream: true, fault: { malformed: 'sse', afterChunks: 2 }, kind: 'after-bytes', error: { code: 'upstream_stream_interrupted', type: 'upstream_error' } },
  { name: 'oversized body', stream: false, fault: { oversizedBytes: 4 * MAX_UPSTREAM_BYTES }, kind: 'final', error: { status: 502, code: 'upstream_response_too_large', type: 'upstream_error' } },
  // A stream that fails before its first event — broken, idle, an error event, unreadable — reached no client: tried elsewhere.
  { name: 'oversized first stream event', stream: true, fault: { oversizedBytes: 4 * MAX_UPSTREAM_BYTES }, kind: 'transient', error: { status: 502, code: 'upstream_stream_interrupted', type: 'upstream_error' } },
];

type TopologyId = 'one deployment' | 'two deployments' | 'fallback model';

/** A running case: the gateway, where deployment A's attempts are counted, and what else could serve. */
interface Arrangement {
  stack: Stack;
  attemptsOnA(): number;
  /** Of those, the connections refused, where A refuses them. */
  refusedOnA?(): number;
  /** Attempts on the other deployment (B) or on the fallback model's provider; 0 where the topology has neither. */
  attemptsElsewhere(): number;
  close(): Promise<void>;
}

const TOPOLOGIES: { id: TopologyId; arrange(row: FaultRow): Promise<Arrangement> }[] = [
  { id: 'one deployment', arrange: (row) => arrange(row, { secondDeployment: false, fallback: false }) },
  { id: 'two deployments', arrange: (row) => arrange(row, { secondDeployment: true, fallback: false }) },
  { id: 'fallback model', arrange: (row) => arrange(row, { secondDeployment: false, fallback: true }) },
];

/**
 * Deployment A of OpenAI (a simulator with the row's fault, or a refused port), with B (a second
 * simulator instance, weighted so that A is always tried first) or a YAML fallback model.
 */
async function arrange(row: FaultRow, options: { secondDeployment: boolean; fallback: boolean }): Promise<Arrangement> {
  const refused: RefusedDeployment | undefined = row.refuse ? await startRefusedDeployment() : undefined;
  // A's own simulator where B is the stack's, so that the two count (and fail) apart.
  const own: Simulators | undefined = options.secondDeployment ? await startSimulators() : undefined;
  const stack = await startStack(ENVIRONMENT, {
    configYaml: (simulators) => {
      const a = refused?.baseUrl ?? (own ?? simulators).baseUrls.openai;
      const timeouts = `timeouts: { firstByteMs: ${DEPLOYMENT_TIMEOUT_MS}, idleMs: ${DEPLOYMENT_TIMEOUT_MS} }`;
      return [
        'providers:',
        '  openai:',
        '    deployments:',
        `      - { name: a, baseUrl: "${a}", apiKey: sk-deployment-a, weight: 1000000, ${timeouts} }`,
        ...(options.secondDeployment ? [`      - { name: b, baseUrl: "${simulators.baseUrls.openai}", apiKey: sk-deployment-b, weight: 1 }`] : []),
        ...(options.fallback ? ['models:', `  - id: ${PRIMARY}`, `    fallbacks: [${FALLBACK}]`] : []),
        '',
      ].join('\n');
    },
  });
  const faulty = own ?? stack.simulators;
  if (row.fault) faulty.addFault({ provider: 'openai', times: 100, ...row.fault });
  const chatRequests = (simulators: Simulators, provider: string) => simulators.requests.filter((request) => request.provider === provider).length;
  return {
    stack,
    attemptsOnA: () => refused?.attempts() ?? chatRequests(faulty, 'openai'),
    refusedOnA: refused && (() => refused.refused()),
    attemptsElsewhere: () => (options.secondDeployment ? chatRequests(stack.simulators, 'openai') : options.fallback ? chatRequests(stack.simulators, 'anthropic') : 0),
    async close() {
      await stack.close();
      await own?.close();
      refused?.close();
    },
  };
}

/** What the client saw. */
interface Observed {
  /** The HTTP status: 200 once a stream is open, even if it then fails. */
  status: number | undefined;
  error?: ClientError & { message: string };
  requestId: string;
  model: string | null;
  deployment: string | null;
  retryAfter: string | null;
  /** The answer's text as the client received it (all of it, or the part before a stream failed). */
  text: string;
  finishReason: string | null;
  /** `usage.cost` of the answer (the final usage chunk of a stream), in micro-credits. */
  reportedCost?: number;
}

const QUESTION = 'Explain in a few sentences why a gateway retries some failures and not others.';

const CHAT_BODY = { model: PRIMARY, messages: [{ role: 'user' as const, content: QUESTION }], max_completion_tokens: 512 };
const STREAM_BODY = { ...CHAT_BODY, stream: true as const, stream_options: { include_usage: true } };

/** A usage record's tokens, as the cost rule takes them. */
function usageOf(record: UsageRecord): TokenUsage {
  return {
    promptTokens: record.promptTokens ?? 0,
    cachedPromptTokens: record.cachedPromptTokens ?? undefined,
    cacheWriteTokens: record.cacheWriteTokens ?? undefined,
    completionTokens: record.completionTokens ?? 0,
  };
}

function micros(cost: unknown): number {
  assert.equal(typeof cost, 'number', 'usage.cost is reported');
  return Math.round((cost as number) * 1_000_000);
}

function clientError(error: unknown, status: number | undefined): ClientError & { message: string } {
  if (!(error instanceof OpenAI.APIError)) throw error;
  return { status, code: String(error.code), type: String(error.type), message: error.message };
}

/** One chat completion through the OpenAI SDK, streamed or not, and everything the client could see of it. */
async function askChat(stack: Stack, stream: boolean): Promise<Observed> {
  const client = stack.client();
  const seen = (headers: Headers | undefined) => ({
    requestId: headers?.get('x-request-id') ?? '',
    model: headers?.get('x-switchyard-model') ?? null,
    deployment: headers?.get('x-switchyard-deployment') ?? null,
    retryAfter: headers?.get('retry-after') ?? null,
  });
  // An ordinary HTTP error: the SDK throws it with its status and headers.
  const failed = (error: unknown): Observed => {
    const status = (error as { status?: number }).status;
    return { status, error: clientError(error, status), ...seen((error as { headers?: Headers }).headers), text: '', finishReason: null };
  };
  if (!stream) {
    try {
      const { data, response } = await client.chat.completions.create(CHAT_BODY).withResponse();
      const choice = data.choices[0]!;
      return { status: response.status, ...seen(response.headers), text: choice.message.content ?? '', finishReason: choice.finish_reason, reportedCost: micros((data.usage as { cost?: number } | undefined)?.cost) };
    } catch (error) {
      return failed(error);
    }
  }
  let opened;
  try {
    opened = await client.chat.completions.create(STREAM_BODY).withResponse();
  } catch (error) {
    return failed(error);
  }
  const observed: Observed = { status: opened.response.status, ...seen(opened.response.headers), text: '', finishReason: null };
  try {
    for await (const chunk of opened.data) {
      observed.text += chunk.choices[0]?.delta.content ?? '';
      observed.finishReason = chunk.choices[0]?.finish_reason ?? observed.finishReason;
      if (chunk.usage) observed.reportedCost = micros((chunk.usage as { cost?: number }).cost);
    }
  } catch (error) {
    // A stream's error event: the SDK throws it, with no HTTP status of its own.
    observed.error = clientError(error, undefined);
  }
  return observed;
}

/** What the gateway billed for one request: its usage records, its debits, and how the organization's balance moved. */
async function billingOf(stack: Stack, requestId: string, balanceBefore: number) {
  const { switchyard } = stack.gateway;
  await switchyard.usage.flush();
  const organization = await switchyard.accounts.requireOrganization('acme');
  const records = (await switchyard.store.listUsageRecords({ limit: 10_000 })).filter((record) => record.requestId === requestId);
  const debits = (await switchyard.store.listLedgerEntries({ limit: 10_000 })).filter((entry) => entry.kind === 'debit' && entry.requestId === requestId);
  const balanceAfter = (await switchyard.store.listBalances()).get(organization.id) ?? 0;
  return { records, debits, spent: balanceBefore - balanceAfter };
}

async function balanceOf(stack: Stack): Promise<number> {
  const organization = await stack.gateway.switchyard.accounts.requireOrganization('acme');
  return (await stack.gateway.switchyard.store.listBalances()).get(organization.id) ?? 0;
}

/** What serves when deployment A cannot, in each topology: the model and deployment the headers name. */
const ALTERNATIVES: Record<TopologyId, { model: string; deployment?: string } | undefined> = {
  'one deployment': undefined,
  'two deployments': { model: PRIMARY, deployment: 'b' },
  'fallback model': { model: FALLBACK },
};

/** What a case expects, from the row's kind and the topology. */
function expectationOf(row: FaultRow, topology: TopologyId) {
  const attempts = 1 + MAX_RETRIES;
  const alternative = ALTERNATIVES[topology];
  if (row.kind === 'transient' && alternative) {
    // Two deployments: the retry goes to the untried one. A fallback model: after the retry rule gave up on A.
    return { served: alternative, attemptsOnA: topology === 'two deployments' ? 1 : attempts, attemptsElsewhere: 1 };
  }
  return { served: undefined, attemptsOnA: row.kind === 'transient' ? attempts : 1, attemptsElsewhere: 0 };
}

function describeExpectation(row: FaultRow, topology: TopologyId): string {
  const { served, attemptsOnA } = expectationOf(row, topology);
  if (served) return `${served.deployment ? `deployment ${served.deployment}` : served.model} serves after ${attemptsOnA} attempt(s) on a, billed once at ${served.model}'s prices`;
  if (row.kind === 'after-bytes') return `the stream's error event ${row.error.code} after its first chunks, 1 attempt, billed by the aborted-stream rule`;
  return `${row.error.status} ${row.error.code} after ${attemptsOnA} attempt(s), nothing billed`;
}

describe('fault suite: each provider failure × one deployment, two deployments, a fallback model', () => {
  for (const row of FAULTS) {
    describe(`${row.name}${row.stream ? ' (stream)' : ''}`, () => {
      for (const topology of TOPOLOGIES) {
        test(`${topology.id}: ${describeExpectation(row, topology.id)}`, { todo: row.todo }, async (t) => {
          const arrangement = await topology.arrange(row);
          try {
            const { stack } = arrangement;
            const balanceBefore = await balanceOf(stack);
            const observed = await askChat(stack, row.stream);
            const expected = expectationOf(row, topology.id);
            const billing = await billingOf(stack, observed.requestId, balanceBefore);
            const context = JSON.stringify({ observed, attemptsOnA: arrangement.attemptsOnA(), attemptsElsewhere: arrangement.attemptsElsewhere() });

            t.diagnostic(
              `observed: ${observed.error ? `${observed.status ?? 'stream error event'} ${observed.error.code}` : `200 from ${observed.model} (deployment ${observed.deployment})`}; ` +
                `attempts a=${arrangement.attemptsOnA()} elsewhere=${arrangement.attemptsElsewhere()}; billed ${billing.records[0]?.cost ?? '-'} micro-credits${billing.records[0]?.usageFlag ? ` (${billing.records[0].usageFlag})` : ''}`,
            );
            assert.ok(observed.requestId, `every answer carries its x-request-id: ${context}`);
            assert.equal(billing.records.length, 1, `the request is recorded exactly once: ${context}`);
            const [record] = billing.records;
            if (expected.served) {
              // Served by what was left: the client never knew.
              assert.equal(observed.error, undefined, context);
              assert.equal(observed.status, 200);
              assert.ok(observed.text.length > 0 && observed.finishReason, 'a whole answer');
              assert.equal(observed.model, expected.served.model, 'x-switchyard-model names the model that served');
              if (expected.served.deployment) assert.equal(observed.deployment, expected.served.deployment, 'x-switchyard-deployment names the deployment that served');
              const model = stack.gateway.switchyard.catalog.find(expected.served.model)!;
              assert.equal(record!.status, 200);
              assert.equal(record!.model, expected.served.model, 'billed as the model that served');
              assert.equal(record!.cost, computeCost(usageOf(record!), model.pricing), "at that model's prices");
              assert.equal(observed.reportedCost, record!.cost, 'the answer reports what was billed');
              assert.deepEqual(billing.debits.map((debit) => -debit.amount), [record!.cost], 'one debit, for that cost');
              assert.equal(billing.spent, record!.cost, 'the balance fell by it, and nothing more');
            } else if (row.kind === 'after-bytes') {
              // The stream was open: the client got chunks, then the error event.
              assert.equal(observed.status, 200, context);
              assert.ok(observed.text.length > 0, `chunks reached the client before the failure: ${context}`);
              assert.equal(observed.finishReason, null, 'the answer never finished');
              assert.equal(observed.error?.code, row.error.code, context);
              assert.equal(observed.error?.type, row.error.type);
              // The aborted-stream rule (usage/estimate-aborted-usage.ts): no usage reported, so the prompt
              // is estimated and the output the client received counted with the o200k tokenizer.
              const pricing = stack.gateway.switchyard.catalog.find(PRIMARY)!.pricing;
              const expectedUsage = { promptTokens: estimatePromptTokens(STREAM_BODY as ChatRequest), completionTokens: countTokens(observed.text) };
              assert.equal(record!.status, 502);
              assert.equal(record!.errorCode, row.error.code);
              assert.equal(record!.usageFlag, 'usage_estimated');
              assert.deepEqual({ promptTokens: record!.promptTokens, completionTokens: record!.completionTokens }, expectedUsage);
              assert.equal(record!.cost, computeCost(expectedUsage, pricing));
              assert.ok(record!.cost > 0);
              assert.deepEqual(billing.debits.map((debit) => -debit.amount), [record!.cost], 'one debit, for the estimate');
              assert.equal(billing.spent, record!.cost);
            } else {
              // Failed before any byte: an ordinary HTTP error in OpenAI's envelope, and nothing billed.
              assert.deepEqual({ status: observed.status, code: observed.error?.code, type: observed.error?.type }, row.error, context);
              if (row.fault?.headers?.['retry-after']) assert.equal(observed.retryAfter, row.fault.headers['retry-after'], "the provider's Retry-After reaches the client");
              assert.equal(record!.status, row.error.status);
              assert.equal(record!.errorCode, row.error.code);
              assert.equal(record!.cost, 0);
              assert.deepEqual(billing.debits, [], 'no debit');
              assert.equal(billing.spent, 0, 'the balance did not move');
            }
            assert.equal(arrangement.attemptsOnA(), expected.attemptsOnA, `attempts on deployment a: ${context}`);
            if (row.refuse) assert.equal(arrangement.refusedOnA?.(), expected.attemptsOnA, 'each of them refused (ECONNREFUSED), not reset');
            assert.equal(arrangement.attemptsElsewhere(), expected.attemptsElsewhere, `attempts on deployment b or the fallback: ${context}`);
          } finally {
            await arrangement.close();
          }
        });
      }
    });
  }
});

/**
 * After a fallback on another surface: `failed` was tried with its retry, `served` once, the headers
 * name `served`, and the request was billed once, at its prices, for the cost the answer reported.
 */
async function assertServedByFallback(
  stack: Stack,
  options: { failed: { provider: string; path: string }; served: { model: string; provider: string }; headers: Headers; reportedCost: unknown; balanceBefore: number },
): Promise<void> {
  const { failed, served } = options;
  assert.equal(options.headers.get('x-switchyard-model'), served.model);
  const attempts = (provider: string, path: string) => stack.simulators.requests.filter((request) => request.provider === provider && request.path.includes(path)).length;
  assert.equal(attempts(failed.provider, failed.path), 1 + MAX_RETRIES, `${failed.provider} was tried, with its retry`);
  assert.equal(attempts(served.provider, '/'), 1);
  const billing = await billingOf(stack, options.headers.get('x-request-id')!, options.balanceBefore);
  assert.equal(billing.records.length, 1, 'recorded once');
  const [record] = billing.records;
  assert.equal(record!.model, served.model, 'billed as the model that served');
  assert.equal(record!.cost, computeCost(usageOf(record!), stack.gateway.switchyard.catalog.find(served.model)!.pricing), "at that model's prices");
  assert.equal(micros(options.reportedCost), record!.cost, 'the answer reports what was billed');
  assert.equal(billing.spent, record!.cost, 'nothing billed for the failed attempts');
}

describe('fault suite on the other surfaces: a failure before any byte falls back to a model of another provider', () => {
  test('Anthropic Messages (@anthropic-ai/sdk): Claude answers 529 twice, gpt-5-mini serves the Message, billed at its prices', async () => {
    const stack = await startStack(ENVIRONMENT, { configYaml: `models:\n  - id: ${FALLBACK}\n    fallbacks: [${PRIMARY}]\n` });
    try {
      stack.simulators.addFault({ provider: 'anthropic', status: 529, times: 100 });
      const before = await balanceOf(stack);
      const client = new Anthropic({ baseURL: stack.gateway.url, apiKey: stack.apiKey, maxRetries: 0 });
      const { data: message, response } = await client.messages.create({ model: FALLBACK, max_tokens: 512, messages: [{ role: 'user', content: QUESTION }] }).withResponse();
      assert.equal(message.type, 'message');
      assert.ok(message.content.some((block) => block.type === 'text' && block.text.length > 0));
      await assertServedByFallback(stack, { failed: { provider: 'anthropic', path: '/v1/messages' }, served: { model: PRIMARY, provider: 'openai' }, headers: response.headers, reportedCost: (message.usage as { cost?: number }).cost, balanceBefore: before });
    } finally {
      await stack.close();
    }
  });

  test('Responses (openai.responses): OpenAI resets the connection before headers twice, Claude serves the Response, billed at its prices', async () => {
    const stack = await startStack(ENVIRONMENT, { configYaml: `models:\n  - id: ${PRIMARY}\n    fallbacks: [${FALLBACK}]\n` });
    try {
      stack.simulators.addFault({ provider: 'openai', resetBeforeHeaders: true, times: 100 });
      const before = await balanceOf(stack);
      const { data: answer, response } = await stack.client().responses.create({ model: PRIMARY, input: QUESTION, max_output_tokens: 512, store: false }).withResponse();
      assert.equal(answer.status, 'completed');
      assert.ok(answer.output_text.length > 0);
      await assertServedByFallback(stack, { failed: { provider: 'openai', path: '/responses' }, served: { model: FALLBACK, provider: 'anthropic' }, headers: response.headers, reportedCost: (answer.usage as { cost?: number } | undefined)?.cost, balanceBefore: before });
    } finally {
      await stack.close();
    }
  });

  test("Anthropic Messages stream: Claude's first event is overloaded_error, twice; gpt-5-mini serves the stream, billed at its prices", async () => {
    const stack = await startStack(ENVIRONMENT, { configYaml: `models:\n  - id: ${FALLBACK}\n    fallbacks: [${PRIMARY}]\n` });
    try {
      stack.simulators.addFault({ provider: 'anthropic', afterChunks: 0, breakMode: 'error-event', times: 100 });
      const before = await balanceOf(stack);
      const client = new Anthropic({ baseURL: stack.gateway.url, apiKey: stack.apiKey, maxRetries: 0 });
      const { data: stream, response } = await client.messages.create({ model: FALLBACK, max_tokens: 512, stream: true, messages: [{ role: 'user', content: QUESTION }] }).withResponse();
      const types: string[] = [];
      let cost: unknown;
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === 'message_delta') cost = (event.usage as { cost?: number }).cost;
      }
      assert.equal(types.at(-1), 'message_stop', 'a whole stream');
      await assertServedByFallback(stack, { failed: { provider: 'anthropic', path: '/v1/messages' }, served: { model: PRIMARY, provider: 'openai' }, headers: response.headers, reportedCost: cost, balanceBefore: before });
    } finally {
      await stack.close();
    }
  });

  test('Responses stream: OpenAI closes the connection before its first event, twice; Claude serves the stream, billed at its prices', async () => {
    const stack = await startStack(ENVIRONMENT, { configYaml: `models:\n  - id: ${PRIMARY}\n    fallbacks: [${FALLBACK}]\n` });
    try {
      stack.simulators.addFault({ provider: 'openai', afterChunks: 0, breakMode: 'disconnect', times: 100 });
      const before = await balanceOf(stack);
      const { data: stream, response } = await stack.client().responses.create({ model: PRIMARY, input: QUESTION, max_output_tokens: 512, store: false, stream: true }).withResponse();
      let completed: OpenAI.Responses.Response | undefined;
      for await (const event of stream) if (event.type === 'response.completed') completed = event.response;
      assert.ok(completed, 'a whole stream, to response.completed');
      await assertServedByFallback(stack, { failed: { provider: 'openai', path: '/responses' }, served: { model: FALLBACK, provider: 'anthropic' }, headers: response.headers, reportedCost: (completed.usage as { cost?: number } | undefined)?.cost, balanceBefore: before });
    } finally {
      await stack.close();
    }
  });
});

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import Anthropic from '@anthropic-ai/sdk';
import { loadConfig } from '../../src/config/load-config.ts';
import { ConfigError } from '../../src/core/config-error.ts';
import { PROVIDER_DESCRIPTORS } from '../../src/providers/provider-descriptors.ts';
import { PROVIDER_KEYS, startStack, type Stack } from '../support/start-stack.ts';

/** OTLP's span kinds and status codes, as the protocol numbers them (not the API's enums). */
const KIND = { internal: 1, server: 2, client: 3 } as const;
const STATUS_ERROR = 2;

/** A prompt no span may carry. */
const PROMPT = 'Tell me about the zebra-7731 migration';

type AttributeValue = string | number | boolean | undefined;

interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  statusCode: number;
  attributes: Record<string, AttributeValue>;
  resource: Record<string, AttributeValue>;
}

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean };
}

function readAttributes(attributes: OtlpAttribute[] = []): Record<string, AttributeValue> {
  return Object.fromEntries(
    attributes.map(({ key, value }) => [key, value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.doubleValue ?? value.boolValue]),
  );
}

/** A local OTLP/HTTP collector: accepts `POST /v1/traces` in OTLP's JSON encoding (what the exporter sends) and keeps every span. */
async function startCollector(): Promise<{ url: string; bodies: string[]; spans: CollectedSpan[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const spans: CollectedSpan[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      assert.match(String(request.headers['content-type']), /^application\/json/);
      const raw = Buffer.concat(chunks);
      const text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      bodies.push(text);
      const exported = JSON.parse(text) as { resourceSpans: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans: { spans: any[] }[] }[] };
      for (const resourceSpans of exported.resourceSpans) {
        const resource = readAttributes(resourceSpans.resource?.attributes);
        for (const scope of resourceSpans.scopeSpans) {
          for (const span of scope.spans) {
            spans.push({ traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId ?? '', name: span.name, kind: span.kind, statusCode: span.status?.code ?? 0, attributes: readAttributes(span.attributes), resource });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return {
    url: `http://127.0.0.1:${address.port}`,
    bodies,
    spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('OpenTelemetry traces, exported over OTLP/HTTP to a local collector', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let stack: Stack;
  before(async () => {
    collector = await startCollector();
    stack = await startStack({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'switchyard-test' });
  });
  after(async () => {
    await stack.close();
    await collector.close();
  });

  /**
   * The root span of a request (by its `x-request-id`) and its children, once exported. The root
   * ends when the pipeline's work is over, which can be just after the client read the last byte:
   * flush until it is there.
   */
  async function spansOf(requestId: string): Promise<{ root: CollectedSpan; children: CollectedSpan[] }> {
    const tracer = stack.gateway.switchyard.tracer;
    assert.ok(tracer, 'tracing is on');
    for (let round = 0; round < 200; round++) {
      await tracer.forceFlush();
      const root = collector.spans.find((span) => span.attributes['switchyard.request_id'] === requestId);
      if (root) return { root, children: collector.spans.filter((span) => span.parentSpanId === root.spanId) };
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.fail(`no root span for ${requestId}`);
  }

  function named(children: CollectedSpan[], name: string): CollectedSpan[] {
    return children.filter((span) => span.name === name).sort((a, b) => Number(a.attributes['switchyard.attempt'] ?? 0) - Number(b.attributes['switchyard.attempt'] ?? 0));
  }

  test('a completion: a SERVER root with the GenAI attributes and the usage the client got, and admission, one attempt and settlement under it', async () => {
    const { data, response } = await stack
      .client()
      .chat.completions.create({ model: 'gpt-5-mini', max_completion_tokens: 256, messages: [{ role: 'user', content: PROMPT }] })
      .withResponse();
    const requestId = response.headers.get('x-request-id')!;
    const record = await stack.usageRecordOf(requestId);
    const { root, children } = await spansOf(requestId);

    assert.equal(root.name, 'chat gpt-5-mini');
    assert.equal(root.kind, KIND.server);
    assert.equal(root.parentSpanId, '', 'a root: the client sent no traceparent');
    assert.equal(root.resource['service.name'], 'switchyard-test');
    assert.deepEqual(
      {
        operation: root.attributes['gen_ai.operation.name'],
        provider: root.attributes['gen_ai.provider.name'],
        system: root.attributes['gen_ai.system'],
        requestModel: root.attributes['gen_ai.request.model'],
        responseModel: root.attributes['gen_ai.response.model'],
        maxTokens: root.attributes['gen_ai.request.max_tokens'],
        stream: root.attributes['gen_ai.request.stream'],
        inputTokens: root.attributes['gen_ai.usage.input_tokens'],
        outputTokens: root.attributes['gen_ai.usage.output_tokens'],
        status: root.attributes['http.response.status_code'],
        surface: root.attributes['switchyard.surface'],
        organization: root.attributes['switchyard.organization'],
        apiKeyId: root.attributes['switchyard.api_key_id'],
        cost: root.attributes['switchyard.cost_micros'],
        deployment: root.attributes['switchyard.deployment'],
      },
      {
        operation: 'chat',
        provider: 'openai',
        system: 'openai',
        requestModel: 'gpt-5-mini',
        responseModel: 'gpt-5-mini',
        maxTokens: 256,
        stream: false,
        inputTokens: data.usage!.prompt_tokens,
        outputTokens: data.usage!.completion_tokens,
        status: 200,
        surface: 'openai-chat',
        organization: 'acme',
        apiKeyId: record.apiKeyId,
        cost: record.cost,
        deployment: 'default',
      },
    );
    assert.ok(record.cost > 0);
    assert.notEqual(root.statusCode, STATUS_ERROR);

    assert.deepEqual(children.map((span) => span.name).sort(), ['admission', 'settlement', 'upstream attempt']);
    for (const child of children) assert.equal(child.traceId, root.traceId);
    const [attempt] = named(children, 'upstream attempt');
    assert.equal(attempt!.kind, KIND.client);
    assert.equal(attempt!.attributes['gen_ai.provider.name'], 'openai');
    assert.equal(attempt!.attributes['gen_ai.request.model'], 'gpt-5-mini');
    assert.equal(attempt!.attributes['switchyard.deployment'], 'default');
    assert.equal(attempt!.attributes['switchyard.attempt'], 1);
    assert.notEqual(attempt!.statusCode, STATUS_ERROR);
    assert.equal(named(children, 'admission')[0]!.kind, KIND.internal);

    const exported = collector.bodies.join('\n');
    for (const secret of [stack.apiKey, ...Object.values(PROVIDER_KEYS)]) assert.ok(!exported.includes(secret), 'no key is ever exported');
    assert.ok(!exported.includes('zebra-7731'), 'no prompt is exported');
    const answer = data.choices[0]!.message.content ?? '';
    if (answer.length >= 16) assert.ok(!exported.includes(answer), 'no answer is exported');
  });

  test('a stream: the root records the streamed usage, the temperature and the provider it was translated to', async () => {
    const { data: stream, response } = await stack
      .client()
      .chat.completions.create({ model: 'claude-haiku-4-5', stream: true, stream_options: { include_usage: true }, temperature: 0.5, messages: [{ role: 'user', content: PROMPT }] })
      .withResponse();
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    assert.ok(usage, 'the stream reported its usage');
    const { root, children } = await spansOf(response.headers.get('x-request-id')!);

    assert.equal(root.name, 'chat claude-haiku-4-5');
    assert.equal(root.attributes['gen_ai.request.stream'], true);
    assert.equal(root.attributes['gen_ai.request.temperature'], 0.5);
    assert.equal(root.attributes['gen_ai.provider.name'], 'anthropic');
    assert.equal(root.attributes['gen_ai.usage.input_tokens'], usage.prompt_tokens);
    assert.equal(root.attributes['gen_ai.usage.output_tokens'], usage.completion_tokens);
    assert.deepEqual(children.map((span) => span.name).sort(), ['admission', 'settlement', 'upstream attempt']);
    assert.equal(named(children, 'upstream attempt')[0]!.attributes['gen_ai.provider.name'], 'anthropic');
  });

  test('a retried request: one attempt span per attempt, the failed one an ERROR with its error.type and the provider status', async () => {
    stack.simulators.addFault({ provider: 'openai', status: 500, times: 1 });
    const { response } = await stack
      .client()
      .chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: PROMPT }] })
      .withResponse();
    assert.equal(response.status, 200);
    const { root, children } = await spansOf(response.headers.get('x-request-id')!);

    const attempts = named(children, 'upstream attempt');
    assert.equal(attempts.length, 2, 'the failed attempt and its retry');
    const [failed, retried] = attempts as [CollectedSpan, CollectedSpan];
    assert.equal(failed.statusCode, STATUS_ERROR);
    assert.equal(failed.attributes['error.type'], 'upstream_error');
    assert.equal(failed.attributes['http.response.status_code'], 500);
    assert.equal(failed.attributes['switchyard.attempt'], 1);
    assert.notEqual(retried.statusCode, STATUS_ERROR);
    assert.equal(retried.attributes['switchyard.attempt'], 2);
    for (const attempt of attempts) assert.equal(attempt.traceId, root.traceId);
    assert.equal(root.attributes['http.response.status_code'], 200);
    assert.notEqual(root.statusCode, STATUS_ERROR);
  });

  test('a request refused at admission: admission and the root are ERRORs with the refusal code, and no attempt was made', async () => {
    const { switchyard } = stack.gateway;
    await switchyard.accounts.createOrganization('broke');
    const broke = stack.client('/v1', (await switchyard.accounts.createApiKey('broke', 'tests')).secret);
    const refusal = await broke.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: PROMPT }] }).catch((error: unknown) => error);
    assert.ok(refusal instanceof Error && 'status' in refusal && refusal.status === 402);
    const requestId = (refusal as unknown as { headers: Headers }).headers.get('x-request-id')!;
    const { root, children } = await spansOf(requestId);

    assert.equal(root.statusCode, STATUS_ERROR);
    assert.equal(root.attributes['http.response.status_code'], 402);
    assert.equal(root.attributes['error.type'], 'insufficient_credits');
    assert.equal(root.attributes['switchyard.organization'], 'broke');
    assert.deepEqual(children.map((span) => span.name).sort(), ['admission', 'settlement']);
    const [admission] = named(children, 'admission');
    assert.equal(admission!.statusCode, STATUS_ERROR);
    assert.equal(admission!.attributes['error.type'], 'insufficient_credits');
  });

  test("a passed-through request (Anthropic Messages to Claude): the attempt span has the provider's status", async () => {
    const anthropic = new Anthropic({ baseURL: stack.gateway.url, apiKey: stack.apiKey, maxRetries: 0 });
    const { response } = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 128, messages: [{ role: 'user', content: PROMPT }] }).withResponse();
    const { root, children } = await spansOf(response.headers.get('x-request-id')!);

    assert.equal(root.attributes['switchyard.surface'], 'anthropic-messages');
    assert.equal(root.attributes['gen_ai.request.max_tokens'], 128);
    const [attempt] = named(children, 'upstream attempt');
    assert.equal(attempt!.attributes['http.response.status_code'], 200);
    assert.equal(attempt!.attributes['gen_ai.provider.name'], 'anthropic');
  });

  test("an incoming W3C traceparent: the root span joins the caller's trace as its child", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    const { response } = await stack
      .client()
      .chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: PROMPT }] }, { headers: { traceparent: `00-${traceId}-${parentId}-01` } })
      .withResponse();
    const { root, children } = await spansOf(response.headers.get('x-request-id')!);

    assert.equal(root.traceId, traceId);
    assert.equal(root.parentSpanId, parentId);
    assert.ok(children.length >= 3);
    for (const child of children) assert.equal(child.traceId, traceId);
  });
});

describe('OpenTelemetry traces off (no OTLP endpoint)', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let stack: Stack | undefined;
  before(async () => {
    collector = await startCollector();
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
    await collector.close();
  });

  test('the gateway has no tracer, and neither serving a request nor closing sends anything to a collector', async () => {
    const running = stack!;
    assert.equal(running.gateway.switchyard.tracer, undefined);
    await running.client().chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: PROMPT }] });
    stack = undefined;
    await running.close();
    assert.equal(collector.bodies.length, 0);
  });
});

describe('tracing settings (the OpenTelemetry SDK variables)', () => {
  const load = (environment: Record<string, string>) => loadConfig({ environment, providers: PROVIDER_DESCRIPTORS }).tracing;

  test('OTEL_EXPORTER_OTLP_ENDPOINT gets /v1/traces appended, the traces endpoint is used as it is, OTEL_SERVICE_NAME names the service', () => {
    assert.equal(load({}), undefined);
    assert.deepEqual(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }), { tracesUrl: 'http://collector:4318/v1/traces', serviceName: 'switchyard' });
    assert.deepEqual(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp/spans', OTEL_SERVICE_NAME: 'edge-gateway' }), {
      tracesUrl: 'https://traces.example/otlp/spans',
      serviceName: 'edge-gateway',
    });
    assert.equal(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }), undefined);
    assert.throws(() => load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }), (error: unknown) => error instanceof ConfigError && /OTEL_EXPORTER_OTLP_ENDPOINT/.test(error.message));
  });
});

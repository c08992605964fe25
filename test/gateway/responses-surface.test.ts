import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { Response, ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { rejection } from '../support/rejection.ts';
import { RESPONSES_WEATHER_TOOL as WEATHER_TOOL } from '../support/responses-weather-tool.ts';
import { PROVIDER_KEYS, startStack, type Stack } from '../support/start-stack.ts';

const BASE_PATHS = ['/v1', '/v1/gateway'] as const;
const OPENAI_MODEL = 'gpt-5-mini';
/** Models of providers without a Responses API, served by translation (gpt-oss shows its reasoning, grok-4 does not); a model whose adapter this build lacks is skipped. */
const TRANSLATED_MODELS = ['grok-4', 'accounts/fireworks/models/gpt-oss-120b', 'claude-sonnet-4-6', 'gemini-2.5-flash'];
const WEATHER_QUESTION: ResponseInputItem = { role: 'user', content: 'What is the weather in Paris?' };

/** A message item's lifecycle in a stream, its text deltas folded into one entry (see `shapeOf`). */
const MESSAGE_ITEM_EVENTS = [
  'response.output_item.added',
  'response.content_part.added',
  'response.output_text.delta',
  'response.output_text.done',
  'response.content_part.done',
  'response.output_item.done',
];

async function collect(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** The event types in order, runs of one delta type folded into one entry: the shape of a stream. */
function shapeOf(events: ResponseStreamEvent[]): string[] {
  return events.map((event) => event.type).filter((type, index, types) => !(type.endsWith('.delta') && types[index - 1] === type));
}

function completedResponse(events: ResponseStreamEvent[]): Response {
  const last = events.at(-1)!;
  assert.equal(last.type, 'response.completed');
  return (last as Extract<ResponseStreamEvent, { type: 'response.completed' }>).response;
}

describe('Responses API through the gateway', () => {
  let stack: Stack;
  /** A client of another organization, 'globex'. */
  let otherOrganization: OpenAI;
  before(async () => {
    stack = await startStack();
    await stack.gateway.switchyard.accounts.createOrganization('globex');
    const { secret } = await stack.gateway.switchyard.accounts.createApiKey('globex', 'tests');
    otherOrganization = stack.client('/v1', secret);
  });
  after(() => stack.close());
  beforeEach(() => stack.simulators.reset());

  async function usageRecordsSince(startedAt: number) {
    await stack.gateway.switchyard.usage.flush();
    const records = await stack.gateway.switchyard.store.listUsageRecords();
    return records.filter((record) => record.surface === 'openai-responses' && record.createdAt >= startedAt);
  }

  describe('OpenAI models: passed through to OpenAI', () => {
    for (const basePath of BASE_PATHS) {
      test(`non-stream via ${basePath}: OpenAI's Response, sent upstream as written with the gateway's key, usage recorded`, async () => {
        const startedAt = Date.now();
        const response = await stack.client(basePath).responses.create({ model: OPENAI_MODEL, instructions: 'Be brief.', input: 'Name three colours.' });
        assert.equal(response.object, 'response');
        assert.equal(response.status, 'completed');
        assert.match(response.output_text, /You said: "Name three colours\."/);
        assert.ok(response.usage && response.usage.input_tokens > 0 && response.usage.output_tokens_details.reasoning_tokens > 0);

        const upstream = stack.simulators.requests.at(-1)!;
        assert.equal(upstream.path, '/openai/v1/responses');
        assert.equal(upstream.headers.authorization, `Bearer ${PROVIDER_KEYS.openai}`);
        assert.deepEqual(upstream.body, { model: OPENAI_MODEL, instructions: 'Be brief.', input: 'Name three colours.' });

        const [record] = await usageRecordsSince(startedAt);
        assert.equal(record?.provider, 'openai');
        assert.equal(record.status, 200);
        assert.equal(record.promptTokens, response.usage.input_tokens);
        assert.equal(record.completionTokens, response.usage.output_tokens);
        assert.equal(record.reasoningTokens, response.usage.output_tokens_details.reasoning_tokens);
      });
    }

    test("stream: OpenAI's events relayed as sent, in order; the stream's tokens are recorded", async () => {
      const startedAt = Date.now();
      const events = await collect(await stack.client('/v1/gateway').responses.create({ model: OPENAI_MODEL, input: 'Tell me a story', stream: true }));
      assert.deepEqual(shapeOf(events), [
        'response.created',
        'response.in_progress',
        'response.output_item.added', // reasoning
        'response.output_item.done',
        ...MESSAGE_ITEM_EVENTS,
        'response.completed',
      ]);
      assert.deepEqual(events.map((event) => event.sequence_number), events.map((_, index) => index));
      assert.ok(events.some((event) => 'obfuscation' in event), "OpenAI's own delta fields reach the client");
      const usage = completedResponse(events).usage!;
      const [record] = await usageRecordsSince(startedAt);
      assert.equal(record?.streamed, true);
      assert.equal(record.promptTokens, usage.input_tokens);
      assert.equal(record.completionTokens, usage.output_tokens);
    });

    test('background: answered `queued` at once, polled with retrieve until completed; its tokens are recorded once', async () => {
      const startedAt = Date.now();
      const client = stack.client('/v1/gateway');
      const queued = await client.responses.create({ model: OPENAI_MODEL, input: 'Write a long essay', background: true });
      assert.equal(queued.status, 'queued');
      assert.equal(queued.output.length, 0);

      let polled = await client.responses.retrieve(queued.id);
      for (let attempt = 0; attempt < 100 && (polled.status === 'queued' || polled.status === 'in_progress'); attempt += 1) {
        await sleep(10); // polling is the behaviour under test; OpenAI's guide polls the same way
        polled = await client.responses.retrieve(queued.id);
      }
      assert.equal(polled.status, 'completed');
      assert.match(polled.output_text, /Write a long essay/);
      const again = await client.responses.retrieve(queued.id);
      assert.equal(again.status, 'completed');

      const retrievals = stack.simulators.requests.filter((request) => request.method === 'GET');
      assert.ok(retrievals.every((request) => request.path === `/openai/v1/responses/${queued.id}` && request.headers.authorization === `Bearer ${PROVIDER_KEYS.openai}`));
      const records = await usageRecordsSince(startedAt);
      assert.ok(records.length >= 3, 'every call has a usage record');
      const withTokens = records.filter((record) => record.completionTokens !== null);
      assert.equal(withTokens.length, 1, 'the tokens are recorded by one call only');
      assert.equal(withTokens[0]!.completionTokens, polled.usage!.output_tokens);
    });

    test('cancel: a background response still queued is cancelled at OpenAI; a synchronous one gets OpenAI\'s 400', async () => {
      const client = stack.client('/v1');
      stack.simulators.addFault({ provider: 'openai', model: OPENAI_MODEL, firstByteDelayMs: 60_000 });
      const queued = await client.responses.create({ model: OPENAI_MODEL, input: 'Think for a long time', background: true });
      assert.equal(queued.status, 'queued');
      const cancelled = await client.responses.cancel(queued.id);
      assert.equal(cancelled.status, 'cancelled');
      assert.equal((await client.responses.retrieve(queued.id)).status, 'cancelled');
      assert.ok(stack.simulators.requests.some((request) => request.method === 'POST' && request.path === `/openai/v1/responses/${queued.id}/cancel`));

      const synchronous = await client.responses.create({ model: OPENAI_MODEL, input: 'Hello' });
      const refused = await rejection(client.responses.cancel(synchronous.id));
      assert.equal(refused.status, 400);
      assert.equal(refused.message, '400 Cannot cancel a synchronous response.');
    });

    test("previous_response_id chains the organization's own responses; a function call round trip keeps its call_id", async () => {
      const client = stack.client('/v1');
      const first = await client.responses.create({ model: OPENAI_MODEL, input: [WEATHER_QUESTION], tools: [WEATHER_TOOL] });
      const call = first.output.find((item) => item.type === 'function_call');
      assert.ok(call && call.type === 'function_call');
      assert.equal(call.name, 'get_weather');
      const second = await client.responses.create({
        model: OPENAI_MODEL,
        previous_response_id: first.id,
        input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"temperature":21}' }],
        tools: [WEATHER_TOOL],
      });
      assert.match(second.output_text, /The tool returned: \{"temperature":21\}/);
    });

    test("another organization's key gets 404 for the response id and cannot chain from it; OpenAI is never asked", async () => {
      const client = stack.client('/v1');
      const response = await client.responses.create({ model: OPENAI_MODEL, input: 'A private thought', background: true });
      const upstreamCount = stack.simulators.requests.length;

      const retrieved = await rejection(otherOrganization.responses.retrieve(response.id));
      assert.equal(retrieved.status, 404);
      assert.match(retrieved.message, /not found/);
      assert.equal((await rejection(otherOrganization.responses.cancel(response.id))).status, 404);
      assert.equal((await rejection(otherOrganization.responses.delete(response.id))).status, 404);
      const chained = await rejection(otherOrganization.responses.create({ model: OPENAI_MODEL, previous_response_id: response.id, input: 'And then?' }));
      assert.equal(chained.status, 400);
      assert.equal(chained.code, 'previous_response_not_found');
      assert.equal(stack.simulators.requests.length, upstreamCount, 'no request reached OpenAI');

      assert.equal((await rejection(client.responses.retrieve('resp_unknown'))).status, 404);
      assert.equal((await client.responses.retrieve(response.id)).id, response.id, 'the owner still sees it');
    });

    test('a client that leaves a passed-through stream aborts the call to OpenAI', async () => {
      stack.simulators.addFault({ provider: 'openai', model: OPENAI_MODEL, chunkDelayMs: 200 });
      const controller = new AbortController();
      const stream = await stack.client('/v1').responses.create({ model: OPENAI_MODEL, input: 'Tell me a long story', stream: true }, { signal: controller.signal });
      for await (const event of stream) {
        assert.equal(event.type, 'response.created');
        controller.abort();
      }
      const upstream = await stack.simulators.waitForRequest((request) => request.path === '/openai/v1/responses');
      assert.equal(upstream.aborted, true);
    });

    test('an item reference the organization never stored is a 404 and a conversation a 400; neither reaches OpenAI', async () => {
      const client = stack.client('/v1');
      const referenced = await rejection(client.responses.create({ model: OPENAI_MODEL, input: [{ type: 'item_reference', id: 'msg_someone_elses' }] }));
      assert.equal(referenced.status, 404);
      assert.match(referenced.message, /Item with id 'msg_someone_elses' not found/);
      const conversation = await rejection(client.responses.create({ model: OPENAI_MODEL, conversation: 'conv_123', input: 'Hi' }));
      assert.equal(conversation.status, 400);
      assert.equal(stack.simulators.requests.length, 0);
    });
  });

  describe('every other provider: translated through chat completions', () => {
    for (const modelId of TRANSLATED_MODELS) {
      const skipUnlessServed = (context: { skip(message: string): void }): boolean => {
        const provider = stack.gateway.switchyard.catalog.find(modelId)?.provider;
        if (provider && stack.gateway.switchyard.adapters.has(provider)) return false;
        context.skip(`${modelId}: its provider's adapter is not registered in this build`);
        return true;
      };

      test(`${modelId}: text, non-stream — a Response with the answer as a message item and usage`, async (context) => {
        if (skipUnlessServed(context)) return;
        const startedAt = Date.now();
        const response = await stack.client('/v1/gateway').responses.create({ model: modelId, instructions: 'Be brief.', input: 'Name three colours.', max_output_tokens: 500 });
        assert.equal(response.object, 'response');
        assert.match(response.id, /^resp_[0-9a-f]{50}$/);
        assert.equal(response.status, 'completed');
        assert.equal(response.model, modelId);
        assert.match(response.output_text, /Name three colours/);
        const message = response.output.find((item) => item.type === 'message');
        assert.ok(message && message.type === 'message' && message.role === 'assistant' && message.content[0]?.type === 'output_text');
        assert.ok(response.usage && response.usage.input_tokens > 0 && response.usage.output_tokens > 0);
        assert.equal(response.usage.total_tokens, response.usage.input_tokens + response.usage.output_tokens);

        const upstream = stack.simulators.requests.at(-1)!;
        assert.notEqual(upstream.provider, 'openai');
        assert.equal(JSON.stringify(upstream.body).includes('Name three colours.'), true);
        const [record] = await usageRecordsSince(startedAt);
        assert.equal(record?.surface, 'openai-responses');
        assert.equal(record.provider, upstream.provider);
        assert.equal(record.promptTokens, response.usage.input_tokens);
        assert.equal(record.completionTokens, response.usage.output_tokens);
      });

      test(`${modelId}: text, stream — created, in_progress, each item's lifecycle, completed, numbered in order`, async (context) => {
        if (skipUnlessServed(context)) return;
        const startedAt = Date.now();
        const events = await collect(await stack.client('/v1').responses.create({ model: modelId, input: 'Tell me a story about a fox', stream: true }));
        const shape = shapeOf(events);
        const reasoning = shape[2] === 'response.output_item.added' && (events[2] as { item?: { type?: string } }).item?.type === 'reasoning';
        assert.deepEqual(shape, [
          'response.created',
          'response.in_progress',
          ...(reasoning
            ? ['response.output_item.added', 'response.content_part.added', 'response.reasoning_text.delta', 'response.reasoning_text.done', 'response.content_part.done', 'response.output_item.done']
            : []),
          ...MESSAGE_ITEM_EVENTS,
          'response.completed',
        ]);
        assert.deepEqual(events.map((event) => event.sequence_number), events.map((_, index) => index));
        const deltas = events.filter((event) => event.type === 'response.output_text.delta');
        const done = events.find((event) => event.type === 'response.output_text.done');
        assert.ok(deltas.length > 1 && done?.type === 'response.output_text.done');
        assert.equal(deltas.map((delta) => delta.delta).join(''), done.text);
        const messageIndex = reasoning ? 1 : 0;
        assert.ok(deltas.every((delta) => delta.output_index === messageIndex && delta.content_index === 0 && delta.item_id === done.item_id));
        const response = completedResponse(events);
        assert.equal(response.output.length, messageIndex + 1);
        assert.equal(response.output[messageIndex]!.id, done.item_id);
        assert.ok(response.usage && response.usage.output_tokens > 0);
        const [record] = await usageRecordsSince(startedAt);
        assert.equal(record?.streamed, true);
        assert.equal(record.completionTokens, response.usage.output_tokens);
      });

      test(`${modelId}: function call round trip, non-stream — a function_call item, then its function_call_output answered`, async (context) => {
        if (skipUnlessServed(context)) return;
        const client = stack.client('/v1');
        const first = await client.responses.create({ model: modelId, input: [WEATHER_QUESTION], tools: [WEATHER_TOOL] });
        const call = first.output.find((item) => item.type === 'function_call');
        assert.ok(call && call.type === 'function_call', 'the answer is a function call');
        assert.equal(call.name, 'get_weather');
        assert.ok(call.call_id.length > 0);
        assert.deepEqual(Object.keys(JSON.parse(call.arguments)), ['city']);

        const second = await client.responses.create({
          model: modelId,
          input: [WEATHER_QUESTION, ...(first.output as ResponseInputItem[]), { type: 'function_call_output', call_id: call.call_id, output: '{"temperature":21}' }],
          tools: [WEATHER_TOOL],
        });
        assert.match(second.output_text, /\{"temperature":21\}/);
        const upstream = JSON.stringify(stack.simulators.requests.at(-1)!.body);
        assert.ok(upstream.includes('get_weather') && upstream.includes('temperature'), 'the call and its result reached the provider');
      });

      test(`${modelId}: function call round trip, stream — the call's arguments arrive as deltas and in the final response`, async (context) => {
        if (skipUnlessServed(context)) return;
        const client = stack.client('/v1/gateway');
        const events = await collect(await client.responses.create({ model: modelId, input: [WEATHER_QUESTION], tools: [WEATHER_TOOL], stream: true }));
        const added = events.find((event) => event.type === 'response.output_item.added' && event.item.type === 'function_call');
        assert.ok(added?.type === 'response.output_item.added' && added.item.type === 'function_call');
        const itemId = added.item.id!;
        const deltas = events.filter((event) => event.type === 'response.function_call_arguments.delta' && event.item_id === itemId);
        const argumentsDone = events.find((event) => event.type === 'response.function_call_arguments.done');
        assert.ok(deltas.length > 0 && argumentsDone?.type === 'response.function_call_arguments.done');
        assert.equal(deltas.map((delta) => (delta as { delta: string }).delta).join(''), argumentsDone.arguments);
        const call = completedResponse(events).output.find((item) => item.type === 'function_call');
        assert.ok(call && call.type === 'function_call');
        assert.equal(call.id, itemId);
        assert.equal(call.call_id, added.item.call_id);
        assert.equal(call.arguments, argumentsDone.arguments);
        assert.deepEqual(Object.keys(JSON.parse(call.arguments)), ['city']);

        const answer = await collect(
          await client.responses.create({
            model: modelId,
            input: [WEATHER_QUESTION, { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments }, { type: 'function_call_output', call_id: call.call_id, output: 'sunny' }],
            tools: [WEATHER_TOOL],
            stream: true,
          }),
        );
        const text = answer.filter((event) => event.type === 'response.output_text.delta').map((event) => (event as { delta: string }).delta).join('');
        assert.match(text, /sunny/);
      });
    }

    test('features that need built-in tools or stored files are refused with a 400 naming them; no provider is called', async () => {
      const client = stack.client('/v1');
      const unknown = await rejection(client.responses.create({ model: 'grok-4', input: 'Hi', previous_response_id: 'resp_abc' }));
      assert.equal(unknown.status, 400);
      assert.equal(unknown.code, 'previous_response_not_found');
      const cases: [Parameters<typeof client.responses.create>[0], RegExp][] = [
        [{ model: 'grok-4', input: 'Hi', tools: [{ type: 'web_search' }] }, /built-in tool 'web_search'/],
        [{ model: 'grok-4', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file_1' }] }] }, /input_file/],
      ];
      for (const [body, feature] of cases) {
        const refused = await rejection(client.responses.create(body));
        assert.equal(refused.status, 400, JSON.stringify(body));
        assert.equal(refused.code, 'unsupported_feature');
        assert.match(refused.message, feature);
        assert.match(refused.message, /grok-4/);
      }
      assert.equal(stack.simulators.requests.length, 0);
    });

    test('a translated stream that fails midway ends with an `error` event (raised by the SDK) and `response.failed`', async () => {
      stack.simulators.addFault({ provider: 'xai', afterChunks: 3, breakMode: 'disconnect' });
      const stream = await stack.client('/v1').responses.create({ model: 'grok-4', input: 'Tell me a story', stream: true });
      const seen: string[] = [];
      const failure = await rejection((async () => {
        for await (const event of stream) seen.push(event.type);
      })());
      assert.match(failure.message, /stream ended abnormally/);
      assert.ok(seen.includes('response.output_text.delta'), 'the text before the failure arrived');

      stack.simulators.addFault({ provider: 'xai', afterChunks: 3, breakMode: 'disconnect' });
      const raw = await fetch(`${stack.gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'grok-4', input: 'Tell me a story', stream: true }),
      });
      const names = [...(await raw.text()).matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
      assert.deepEqual(names.slice(-2), ['error', 'response.failed']);
    });

    test('fields with no meaning for a chat provider are dropped and reported in x-switchyard-adjustments', async () => {
      const { data, response } = await stack
        .client('/v1')
        .responses.create({ model: 'grok-4', input: 'Hi', text: { verbosity: 'low' }, include: ['reasoning.encrypted_content'] })
        .withResponse();
      assert.equal(data.status, 'completed');
      const adjustments = response.headers.get('x-switchyard-adjustments') ?? '';
      assert.match(adjustments, /include dropped/);
      assert.match(adjustments, /text\.verbosity dropped/);
    });
  });

  describe('what Codex sends: a namespace tool, reasoning items echoed back with content null', () => {
    const namespaceTool = {
      type: 'namespace',
      name: 'repo',
      description: 'Tools to read the repository.',
      tools: [{ type: 'function', name: 'read_file', description: 'Reads a file.', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } }],
    };
    const call = (model: string, input: unknown[]) =>
      fetch(`${stack.gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, input, tools: [namespaceTool] }),
      });

    for (const model of [OPENAI_MODEL, 'gemini-2.5-flash', 'claude-sonnet-4-6']) {
      test(`${model}: a namespaced function is called by name and namespace, and the turn after it (its reasoning and call sent back) is answered`, async () => {
        const first = await call(model, [{ role: 'user', content: 'Show me the README.' }]);
        assert.equal(first.status, 200, await first.clone().text());
        const output = ((await first.json()) as { output: { type: string; name?: string; namespace?: string; call_id?: string }[] }).output;
        const functionCall = output.find((item) => item.type === 'function_call')!;
        assert.deepEqual([functionCall.name, functionCall.namespace], ['read_file', 'repo']);
        const second = await call(model, [
          { role: 'user', content: 'Show me the README.' },
          { type: 'reasoning', id: 'rs_0123456789abcdef', summary: [], content: null, encrypted_content: null },
          ...output.filter((item) => item.type === 'function_call'),
          { type: 'function_call_output', call_id: functionCall.call_id, output: '# Switchyard' },
        ]);
        assert.equal(second.status, 200, await second.clone().text());
        const answer = (await second.json()) as { output: { type: string; content?: { text: string }[] }[] };
        assert.match(answer.output.find((item) => item.type === 'message')!.content![0]!.text, /# Switchyard/);
      });
    }

    test('a translated model is offered the grouped function under one flat name', async () => {
      await call('gemini-2.5-flash', [{ role: 'user', content: 'Show me the README.' }]);
      const forwarded = JSON.stringify(stack.simulators.requests.at(-1)!.body);
      assert.match(forwarded, /"name":"repo__read_file"/);
    });
  });

  test('bad input is a 422 in the gateway envelope, before any provider is called', async () => {
    const response = await fetch(`${stack.gateway.url}/v1/gateway/responses/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'grok-4', input: 42 }),
    });
    assert.equal(response.status, 422);
    const body = (await response.json()) as { error: { message: string }; detail: { loc: unknown[] }[] };
    assert.match(body.error.message, /input/);
    assert.deepEqual(body.detail[0]!.loc, ['body', 'input']);
    assert.equal(stack.simulators.requests.length, 0);
  });

  test('a key is required on every Responses path', async () => {
    for (const [method, path] of [['POST', '/v1/responses'], ['GET', '/v1/responses/resp_1'], ['POST', '/v1/gateway/responses/resp_1/cancel/']]) {
      const response = await fetch(`${stack.gateway.url}${path}`, { method });
      assert.equal(response.status, 401, `${method} ${path}`);
    }
  });
});

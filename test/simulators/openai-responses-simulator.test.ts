import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import type { FunctionTool, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { rejection } from '../support/rejection.ts';

const WEATHER_TOOL: FunctionTool = {
  type: 'function',
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: true,
};

let simulators: Simulators;
let client: OpenAI;

before(async () => {
  simulators = await startSimulators();
  client = new OpenAI({ apiKey: 'test-key', baseURL: simulators.baseUrls.openai, maxRetries: 0 });
});
after(() => simulators.close());
beforeEach(() => simulators.reset());

/** The raw wire answer, for asserting on what the SDK would reshape. */
async function post(path: string, body: unknown, authorization: string | null = 'Bearer test-key') {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== null) headers.authorization = authorization;
  const response = await fetch(`${simulators.baseUrls.openai}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

async function collect(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

async function pollUntilSettled(id: string) {
  let response = await client.responses.retrieve(id);
  for (let attempt = 0; attempt < 100 && (response.status === 'queued' || response.status === 'in_progress'); attempt += 1) {
    await sleep(10);
    response = await client.responses.retrieve(id);
  }
  return response;
}

describe('OpenAI Responses simulator: answers', () => {
  it('answers text with a message item, the dated model, usage and the request echoed; records the request', async () => {
    const response = await client.responses.create({ model: 'gpt-4.1-mini', instructions: 'Be brief.', input: 'Name three colours.', temperature: 0.2, metadata: { job: '1' } });
    assert.match(response.id, /^resp_[0-9a-f]{50}$/);
    assert.equal(response.status, 'completed');
    assert.equal(response.model, 'gpt-4.1-mini-2025-04-14');
    assert.equal(response.output_text, 'You said: "Name three colours.". This is a simulated reply.');
    assert.deepEqual(response.output.map((item) => item.type), ['message']);
    assert.equal(response.instructions, 'Be brief.');
    assert.equal(response.temperature, 0.2);
    assert.deepEqual(response.metadata, { job: '1' });
    assert.ok(response.usage!.input_tokens > 0 && response.usage!.output_tokens > 0);
    assert.equal(response.usage!.total_tokens, response.usage!.input_tokens + response.usage!.output_tokens);
    const recorded = simulators.requests.at(-1)!;
    assert.equal(recorded.path, '/openai/v1/responses');
    assert.equal(recorded.headers.authorization, 'Bearer test-key');
    assert.equal(recorded.status, 200);
  });

  it('a reasoning model answers with a reasoning item first and counts reasoning tokens by effort', async () => {
    const low = await client.responses.create({ model: 'gpt-5', input: 'Hello', reasoning: { effort: 'low' } });
    assert.deepEqual(low.output.map((item) => item.type), ['reasoning', 'message']);
    assert.equal(low.usage!.output_tokens_details.reasoning_tokens, 64);
    const none = await client.responses.create({ model: 'gpt-5.1', input: 'Hello' });
    assert.deepEqual(none.output.map((item) => item.type), ['message'], "gpt-5.1 defaults to effort 'none'");
  });

  it('calls a function with arguments built from its schema, then quotes the function_call_output it gets back', async () => {
    const first = await client.responses.create({ model: 'gpt-4o', input: 'Weather in Paris?', tools: [WEATHER_TOOL] });
    const call = first.output.find((item) => item.type === 'function_call');
    assert.ok(call && call.type === 'function_call');
    assert.match(call.id!, /^fc_/);
    assert.match(call.call_id, /^call_/);
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.arguments), { city: 'city from simulator' });

    const stateless = await client.responses.create({
      model: 'gpt-4o',
      input: [{ role: 'user', content: 'Weather in Paris?' }, { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments }, { type: 'function_call_output', call_id: call.call_id, output: 'sunny' }],
      tools: [WEATHER_TOOL],
    });
    assert.equal(stateless.output_text, 'The tool returned: sunny.');
    const chained = await client.responses.create({ model: 'gpt-4o', previous_response_id: first.id, input: [{ type: 'function_call_output', call_id: call.call_id, output: 'rain' }] });
    assert.equal(chained.output_text, 'The tool returned: rain.');
    assert.equal(chained.previous_response_id, first.id);
  });

  it('streams named events with sequence numbers and no [DONE]: created, in_progress, item lifecycles, completed', async () => {
    const response = await post('/responses', { model: 'gpt-4o', input: 'Tell me a story', stream: true });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    assert.ok(!response.text.includes('[DONE]'));
    const frames = response.text.trim().split('\n\n');
    for (const [index, frame] of frames.entries()) {
      const [eventLine, dataLine] = frame.split('\n');
      const data = JSON.parse(dataLine!.slice('data: '.length));
      assert.equal(eventLine, `event: ${data.type}`);
      assert.equal(data.sequence_number, index);
    }
    const events = await collect(await client.responses.create({ model: 'gpt-4o', input: 'Weather in Paris?', tools: [WEATHER_TOOL], stream: true }));
    assert.deepEqual(
      events.map((event) => event.type).filter((type, index, types) => !(type.endsWith('.delta') && types[index - 1] === type)),
      ['response.created', 'response.in_progress', 'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done', 'response.completed'],
    );
    const deltas = events.filter((event) => event.type === 'response.function_call_arguments.delta');
    const done = events.find((event) => event.type === 'response.function_call_arguments.done');
    assert.equal(deltas.map((event) => (event as { delta: string }).delta).join(''), done?.type === 'response.function_call_arguments.done' && done.arguments);
  });
});

describe('OpenAI Responses simulator: background, retrieve, cancel, delete', () => {
  it('a background response is queued at once and completes a moment later; retrieve shows each state', async () => {
    const queued = await client.responses.create({ model: 'gpt-4o', input: 'Write an essay', background: true });
    assert.equal(queued.status, 'queued');
    assert.equal(queued.background, true);
    assert.equal(queued.usage, null);
    const settled = await pollUntilSettled(queued.id);
    assert.equal(settled.status, 'completed');
    assert.match(settled.output_text, /Write an essay/);
    assert.ok(settled.usage!.output_tokens > 0);
  });

  it("a fault's firstByteDelayMs keeps a background response queued; cancel makes it `cancelled`, twice over", async () => {
    simulators.addFault({ provider: 'openai', firstByteDelayMs: 60_000 });
    const queued = await client.responses.create({ model: 'gpt-4o', input: 'Think long', background: true });
    assert.equal((await client.responses.retrieve(queued.id)).status, 'queued');
    assert.equal((await client.responses.cancel(queued.id)).status, 'cancelled');
    assert.equal((await client.responses.cancel(queued.id)).status, 'cancelled', 'cancelling again returns the response as it is');
    assert.equal((await client.responses.retrieve(queued.id)).status, 'cancelled');
  });

  it('only background responses can be cancelled; unknown ids are 404; delete forgets a response', async () => {
    const synchronous = await client.responses.create({ model: 'gpt-4o', input: 'Hello' });
    const refused = await rejection(client.responses.cancel(synchronous.id));
    assert.equal(refused.status, 400);
    assert.equal(refused.message, '400 Cannot cancel a synchronous response.');
    assert.equal((await rejection(client.responses.retrieve('resp_missing'))).status, 404);
    await client.responses.delete(synchronous.id);
    assert.equal((await rejection(client.responses.retrieve(synchronous.id))).status, 404);
    const unstored = await client.responses.create({ model: 'gpt-4o', input: 'Hello', store: false });
    assert.equal((await rejection(client.responses.retrieve(unstored.id))).status, 404, 'store: false keeps nothing');
  });
});

describe('OpenAI Responses simulator: refusals in OpenAI wording', () => {
  it('checks authentication, JSON, the model and the input shape before answering', async () => {
    assert.equal((await post('/responses', { model: 'gpt-4o', input: 'Hi' }, null)).status, 401);
    const malformed = await post('/responses', '{"model":');
    assert.equal(malformed.status, 400);
    assert.match(malformed.json().error.message, /could not parse the JSON body/);

    const cases: [unknown, string | null, RegExp][] = [
      [{ input: 'Hi' }, 'model', /Missing required parameter: 'model'/],
      [{ model: 'gpt-9', input: 'Hi' }, 'model', /The requested model 'gpt-9' does not exist/],
      [{ model: 'gpt-4o', input: 42 }, 'input', /Invalid type for 'input'/],
      [{ model: 'gpt-4o', input: [{ role: 'robot', content: 'Hi' }] }, 'input[0].role', /Invalid value: 'robot'/],
      [{ model: 'gpt-4o', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id', /Missing required parameter/],
      [{ model: 'gpt-4o', input: 'Hi', tools: [{ type: 'function', parameters: {} }] }, 'tools[0].name', /Missing required parameter: 'tools\[0\].name'/],
      [{ model: 'gpt-4o', input: 'Hi', tools: [{ type: 'teleport' }] }, 'tools[0].type', /Invalid value: 'teleport'/],
      [{ model: 'gpt-4o', input: 'Hi', max_output_tokens: 5 }, 'max_output_tokens', /Expected a value >= 16/],
      [{ model: 'gpt-5', input: 'Hi', temperature: 0.5 }, 'temperature', /Unsupported parameter: 'temperature' is not supported with this model/],
      [{ model: 'gpt-5', input: 'Hi', reasoning: { effort: 'extreme' } }, 'reasoning.effort', /'reasoning.effort' does not support 'extreme'/],
      [{ model: 'gpt-4o', input: 'Hi', previous_response_id: 'resp_nope' }, 'previous_response_id', /Previous response with id 'resp_nope' not found/],
      [{ model: 'gpt-4o', input: [{ type: 'function_call_output', call_id: 'call_x', output: 'sunny' }] }, 'input', /No tool call found for function call output with call_id call_x/],
    ];
    for (const [body, param, message] of cases) {
      const response = await post('/responses', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      const { error } = response.json();
      assert.equal(error.param, param, JSON.stringify(body));
      assert.match(error.message, message);
    }
    const unknownModel = (await post('/responses', { model: 'gpt-9', input: 'Hi' })).json().error;
    assert.equal(unknownModel.code, 'model_not_found');
    assert.equal((await post('/responses', { model: 'gpt-4o', input: 'Hi', previous_response_id: 'resp_nope' })).json().error.code, 'previous_response_not_found');
  });

  it('faults: a scripted status answers in OpenAI error shape; a stream broken by an error event ends with `error` and `response.failed`', async () => {
    simulators.addFault({ provider: 'openai', status: 429 });
    const limited = await post('/responses', { model: 'gpt-4o', input: 'Hi' });
    assert.equal(limited.status, 429);
    assert.equal(limited.json().error.code, 'rate_limit_exceeded');

    simulators.addFault({ provider: 'openai', afterChunks: 3, breakMode: 'error-event' });
    const broken = await post('/responses', { model: 'gpt-4o', input: 'Tell me a story', stream: true });
    const names = [...broken.text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
    assert.deepEqual(names, ['response.created', 'response.in_progress', 'response.output_item.added', 'error', 'response.failed']);
    await assert.rejects(collectAfterFault(), (error: unknown) => error instanceof OpenAI.APIError && /server had an error/.test(error.message));
  });
});

async function collectAfterFault(): Promise<ResponseStreamEvent[]> {
  simulators.addFault({ provider: 'openai', afterChunks: 3, breakMode: 'error-event' });
  return collect(await client.responses.create({ model: 'gpt-4o', input: 'Tell me a story', stream: true }));
}

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { computeCost } from '../../src/metering/compute-cost.ts';
import { startStack, type Stack } from '../support/start-stack.ts';

/** One request per surface, naming `model` (and, when given, the request's own fallback list `models`). */
const SURFACES = {
  chat: (model: string, models?: string[]) => ({ path: '/v1/chat/completions', body: { model, ...(models && { models }), messages: [{ role: 'user', content: 'Hi' }], max_tokens: 256 } }),
  messages: (model: string, models?: string[]) => ({ path: '/v1/messages', body: { model, ...(models && { models }), max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] } }),
  responses: (model: string, models?: string[]) => ({ path: '/v1/responses', body: { model, ...(models && { models }), input: 'Hi', max_output_tokens: 256, store: false } }),
};

describe("fallbacks across models: when the model's provider fails before answering, the next model serves", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ SWITCHYARD_MAX_RETRIES: '1' }, { configYaml: 'models:\n  - id: claude-sonnet-4-6\n    fallbacks: [gpt-5.1]\n' });
  });
  after(() => stack.close());
  beforeEach(() => stack.simulators.reset());

  async function send(surface: keyof typeof SURFACES, model: string, models?: string[]) {
    const { path, body } = SURFACES[surface](model, models);
    const response = await fetch(`${stack.gateway.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, any> };
  }

  for (const surface of Object.keys(SURFACES) as (keyof typeof SURFACES)[]) {
    test(`${surface}: Anthropic answers 500, the YAML fallback gpt-5.1 answers 200, named in x-switchyard-model and billed at its prices`, async () => {
      stack.simulators.addFault({ provider: 'anthropic', status: 500, times: 10 });
      const answer = await send(surface, 'claude-sonnet-4-6');
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      assert.equal(answer.headers.get('x-switchyard-model'), 'gpt-5.1');
      assert.ok(answer.headers.get('x-switchyard-deployment'), 'the deployment that served is named');
      const toAnthropic = stack.simulators.requests.filter((request) => request.provider === 'anthropic');
      assert.equal(toAnthropic.length, 2, 'Anthropic was tried (with one retry) before the fallback');
      assert.ok(stack.simulators.requests.some((request) => request.provider === 'openai' && request.body.models === undefined), 'models is never forwarded');
      const record = await stack.usageRecordOf(answer.headers.get('x-request-id')!);
      assert.equal(record.model, 'gpt-5.1', 'the usage record names the model that served');
      assert.equal(record.deployment, answer.headers.get('x-switchyard-deployment'), 'and the deployment');
      const gpt51 = stack.gateway.switchyard.catalog.find('gpt-5.1')!;
      assert.equal(record.cost, computeCost({ promptTokens: record.promptTokens!, cachedPromptTokens: record.cachedPromptTokens ?? undefined, completionTokens: record.completionTokens! }, gpt51.pricing));
    });

    test(`${surface}: the request's own models list: grok-4 fails with 503, gemini-2.5-flash serves`, async () => {
      stack.simulators.addFault({ provider: 'xai', status: 503, times: 10 });
      const answer = await send(surface, 'grok-4', ['gemini-2.5-flash']);
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      assert.equal(answer.headers.get('x-switchyard-model'), 'gemini-2.5-flash');
      assert.match(String(answer.json.model), /^gemini-2\.5-flash/, "a translated answer's body names the model that served");
    });
  }

  test('no fallback for a refusal (400), nor once the answer started; a bad models list is a 400', async () => {
    stack.simulators.addFault({ provider: 'anthropic', status: 400, times: 1 });
    const refused = await send('chat', 'claude-sonnet-4-6');
    assert.equal(refused.status, 400);
    assert.equal(stack.simulators.requests.filter((request) => request.provider === 'openai').length, 0);
    const bad = await send('chat', 'grok-4', [] as string[]);
    assert.equal(bad.status, 400);
    assert.equal((await send('chat', 'grok-4', ['no-such-model'])).status, 404);
  });

  test('a fallback that cannot take the request is skipped: tools go past a model without tool support', async () => {
    stack.simulators.addFault({ provider: 'xai', status: 503, times: 10 });
    const response = await fetch(`${stack.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'grok-4',
        models: ['sonar-pro', 'gpt-5-mini'],
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }],
      }),
    });
    await response.text();
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-switchyard-model'), 'gpt-5-mini', 'sonar-pro takes no tools: skipped');
  });
});

describe('fallbacks on refusals, where a model is configured for them (YAML fallbackOn)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({}, {
      configYaml: `
models:
  - id: gpt-5-mini
    fallbacks: [gemini-2.5-flash]
    fallbackOn: [context_length]
  - id: gpt-5
    fallbacks: [gemini-2.5-flash]
`,
    });
  });
  after(() => stack.close());
  beforeEach(() => stack.simulators.reset());

  // OpenAI's own bodies for a prompt over the context window, on each of its APIs.
  const chatContextLength = { error: { message: "This model's maximum context length is 400000 tokens. However, your messages resulted in 412046 tokens. Please reduce the length of the messages.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } };
  const responsesContextLength = { error: { message: 'Your input exceeds the context window of this model. Please adjust your input and try again.', type: 'invalid_request_error', param: 'input', code: 'context_length_exceeded' } };

  async function send(surface: 'chat' | 'responses', model: string) {
    const { path, body } = SURFACES[surface](model);
    const response = await fetch(`${stack.gateway.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, model: response.headers.get('x-switchyard-model'), json: (await response.json()) as Record<string, any> };
  }

  test('a context-length refusal goes to the fallback: translated (chat) and passed through (Responses)', async () => {
    stack.simulators.addFault({ provider: 'openai', status: 400, body: chatContextLength });
    const chat = await send('chat', 'gpt-5-mini');
    assert.equal(chat.status, 200, JSON.stringify(chat.json));
    assert.equal(chat.model, 'gemini-2.5-flash');

    stack.simulators.addFault({ provider: 'openai', status: 400, body: responsesContextLength });
    const responses = await send('responses', 'gpt-5-mini');
    assert.equal(responses.status, 200, JSON.stringify(responses.json));
    assert.equal(responses.model, 'gemini-2.5-flash');
    assert.equal(stack.simulators.requests.filter((request) => request.provider === 'openai').length, 2, 'each refusal was not retried');
  });

  test('other refusals, and models without fallbackOn, answer the refusal', async () => {
    stack.simulators.addFault({ provider: 'openai', status: 400, body: { error: { message: "Unsupported parameter: 'foo'.", type: 'invalid_request_error', param: 'foo', code: 'unsupported_parameter' } } });
    assert.equal((await send('chat', 'gpt-5-mini')).status, 400);
    stack.simulators.addFault({ provider: 'openai', status: 400, body: responsesContextLength });
    const relayed = await send('responses', 'gpt-5');
    assert.equal(relayed.status, 400);
    assert.equal(relayed.json.error.code, 'context_length_exceeded', "OpenAI's refusal relayed as written");
    assert.equal(stack.simulators.requests.filter((request) => request.provider === 'google').length, 0);
  });
});

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { BUILTIN_MODELS } from '../../src/catalog/builtin-models.ts';
import { collectChatStream, describeProviderConformance, IMAGE_URL, WEATHER_TOOL } from '../support/provider-conformance.ts';
import { rejection } from '../support/rejection.ts';
import { PROVIDER_KEYS, startStack, type Stack } from '../support/start-stack.ts';

describeProviderConformance({
  title: 'conformance: Gemini and Gemma models on the Gemini API',
  models: BUILTIN_MODELS.filter((model) => model.provider === 'google'),
});

const PNG = Buffer.from(IMAGE_URL.split(',')[1]!, 'base64');

describe('Gemini through the gateway: what goes upstream and what comes back', () => {
  let stack: Stack;
  let images: Server;
  let imageUrl: string;
  before(async () => {
    images = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(PNG);
    });
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
    imageUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}/pixel.png`;
    stack = await startStack({ SWITCHYARD_ALLOW_PRIVATE_IMAGE_URLS: 'true' });
  });
  after(async () => {
    await stack.close();
    images.close();
  });
  beforeEach(() => stack.simulators.reset());

  const upstream = () => stack.simulators.waitForRequest((request) => request.provider === 'google');

  test('sends generateContent with the key in x-goog-api-key (never in the URL), the system prompt as systemInstruction and max_tokens as maxOutputTokens', async () => {
    await stack.client().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], max_tokens: 200, temperature: 0.3 });
    const request = await upstream();
    assert.equal(request.path, '/gemini/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(request.headers['x-goog-api-key'], PROVIDER_KEYS.google);
    assert.equal(request.headers.authorization, undefined);
    assert.deepEqual(request.body, {
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { maxOutputTokens: 200, temperature: 0.3, thinkingConfig: { includeThoughts: true } },
    });
  });

  test('streams through streamGenerateContent?alt=sse, and the stream costs what the same non-stream request costs', async () => {
    const messages = [{ role: 'user' as const, content: 'Describe a lighthouse in a storm.' }];
    const completion = await stack.client().chat.completions.create({ model: 'gemini-3-pro-preview', messages });
    const streamed = await collectChatStream(await stack.client().chat.completions.create({ model: 'gemini-3-pro-preview', messages, stream: true, stream_options: { include_usage: true } }));
    assert.equal(stack.simulators.requests.at(-1)!.path, '/gemini/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse');
    assert.equal(streamed.text, completion.choices[0]!.message.content);
    assert.equal(streamed.reasoning, (completion.choices[0]!.message as { reasoning_content?: string }).reasoning_content, 'thought summaries arrive as reasoning_content');
    assert.ok(streamed.reasoning.length > 0);
    assert.deepEqual(streamed.chunks.at(-1)!.usage, completion.usage);
    assert.ok(completion.usage!.completion_tokens_details!.reasoning_tokens! > 0);
    await stack.gateway.switchyard.usage.flush();
    const records = (await stack.gateway.switchyard.store.listUsageRecords()).filter((record) => record.model === 'gemini-3-pro-preview');
    const [streamRecord, plainRecord] = [records.find((record) => record.streamed), records.find((record) => !record.streamed)];
    assert.ok(streamRecord && plainRecord);
    assert.deepEqual([streamRecord.promptTokens, streamRecord.completionTokens], [plainRecord.promptTokens, plainRecord.completionTokens]);
  });

  test('maps reasoning_effort to a thinking budget and tells the client when a value had to change', async () => {
    await stack.client().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }], reasoning_effort: 'low' });
    assert.deepEqual((await upstream()).body.generationConfig, { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } });
    stack.simulators.reset();
    const { response } = await stack.client().chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'Hi' }], reasoning_effort: 'none' as 'low' }).withResponse();
    assert.deepEqual((await upstream()).body.generationConfig, { thinkingConfig: { includeThoughts: true, thinkingBudget: 128 } });
    assert.match(response.headers.get('x-switchyard-adjustments') ?? '', /reasoning_effort mapped: 'none' sent as a thinking budget of 128 tokens: gemini-2.5-pro cannot stop thinking/);
  });

  test('folds the system prompt into the first user turn for Gemma and says so in x-switchyard-adjustments', async () => {
    const { data, response } = await stack.client().chat.completions
      .create({ model: 'google/gemma-3-27b-it', messages: [{ role: 'system', content: 'Answer like a pirate.' }, { role: 'user', content: 'Hello' }] })
      .withResponse();
    assert.ok(data.choices[0]!.message.content);
    assert.match(response.headers.get('x-switchyard-adjustments') ?? '', /messages rewritten: system instructions folded into the first user turn: gemma-3-27b-it takes no system instruction/);
    const request = await upstream();
    assert.equal(request.path, '/gemini/v1beta/models/gemma-3-27b-it:generateContent');
    assert.deepEqual(request.body.contents, [{ role: 'user', parts: [{ text: 'Answer like a pirate.\n\n' }, { text: 'Hello' }] }]);
  });

  test('sends tool calls written by another model to Gemini 3 with the placeholder signature, and reports it', async () => {
    const { data, response } = await stack.client().chat.completions
      .create({
        model: 'gemini-3-pro-preview',
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_01A', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
          { role: 'tool', tool_call_id: 'toolu_01A', content: 'rain, 4 degrees' },
        ],
        tools: [WEATHER_TOOL],
      })
      .withResponse();
    assert.equal(data.choices[0]!.message.content, 'The tool returned: rain, 4 degrees.');
    assert.match(response.headers.get('x-switchyard-adjustments') ?? '', /placeholder signature/);
    const request = await upstream();
    assert.deepEqual(request.body.contents.slice(1), [
      { role: 'model', parts: [{ functionCall: { id: 'toolu_01A', name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'skip_thought_signature_validator' }] },
      { role: 'user', parts: [{ functionResponse: { id: 'toolu_01A', name: 'get_weather', response: { output: 'rain, 4 degrees' } } }] },
    ]);
  });

  test('fetches a remote image URL and sends it inline (private addresses allowed by SWITCHYARD_ALLOW_PRIVATE_IMAGE_URLS)', async () => {
    await stack.client().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: imageUrl } }] }] });
    assert.deepEqual((await upstream()).body.contents[0].parts[1], { inlineData: { mimeType: 'image/png', data: PNG.toString('base64') } });
  });

  test('answers content_filter for an answer Gemini blocked, and a 400 for a prompt it blocked', async () => {
    const filtered = await stack.client().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'SIMULATE_SAFETY' }] });
    assert.equal(filtered.choices[0]!.finish_reason, 'content_filter');
    const streamed = await collectChatStream(await stack.client().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'SIMULATE_SAFETY' }], stream: true }));
    assert.equal(streamed.finishReason, 'content_filter');
    const blocked = await rejection(stack.client().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'SIMULATE_PROMPT_BLOCKED' }], stream: true }));
    assert.equal(blocked.status, 400);
    assert.equal(blocked.code, 'prompt_blocked');
  });

  test('retries Gemini’s 503 and 429 (waiting the RetryInfo delay from the body) before answering', async () => {
    stack.simulators.addFault({ provider: 'google', status: 503 });
    stack.simulators.addFault({
      provider: 'google',
      status: 429,
      body: { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0s' }] } },
    });
    const completion = await stack.client().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] });
    assert.ok(completion.choices[0]!.message.content);
    assert.deepEqual(stack.simulators.requests.map((request) => request.status), [503, 429, 200]);
  });

  test('relays a Gemini 400 with its message, and a failure mid-stream as an error event', async () => {
    const refused = await rejection(stack.client().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }], tools: [{ type: 'function', function: { name: '9lives' } }] }));
    assert.equal(refused.status, 400);
    assert.match(refused.message, /Provider 'google' rejected the request: \* GenerateContentRequest\.tools\[0\]\.function_declarations\[0\]\.name: Invalid function name/);
    stack.simulators.addFault({ provider: 'google', afterChunks: 2, breakMode: 'error-event' });
    const stream = await stack.client().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Tell me a long story about ships and the sea' }], stream: true });
    await assert.rejects(collectChatStream(stream), /INTERNAL: An internal error has occurred/);
  });
});

describe('Gemini through the gateway: the gateway’s own refusals', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ GEMINI_API_KEY: 'not-a-google-key-123456' });
  });
  after(() => stack.close());

  test('a key Gemini rejects (400 API_KEY_INVALID) is the gateway’s credentials error, without the key', async () => {
    const error = await rejection(stack.client().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] }));
    assert.equal(error.status, 502);
    assert.equal(error.code, 'upstream_authentication_failed');
    assert.ok(!JSON.stringify(error.error).includes('not-a-google-key'));
  });

  test('refuses an image URL on a private address unless the operator allows it', async () => {
    stack.simulators.reset();
    const error = await rejection(
      stack.client().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://169.254.169.254/latest/meta-data/iam' } }] }] }),
    );
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_image_url');
    assert.match(error.message, /169\.254\.169\.254, a private, loopback or link-local address/);
    assert.equal(stack.simulators.requests.length, 0, 'Gemini was never called');
  });
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';

const KEY = 'AIza-simulator-test-key';
let simulators: Simulators;

before(async () => {
  simulators = await startSimulators();
});

after(async () => {
  await simulators.close();
});

beforeEach(() => {
  simulators.reset();
});

async function call(path: string, body?: unknown, headers: Record<string, string> = { 'x-goog-api-key': KEY }) {
  const response = await fetch(`${simulators.baseUrls.google}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

const generate = (model: string, body: unknown, headers?: Record<string, string>) => call(`/v1beta/models/${model}:generateContent`, body, headers);
const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const WEATHER = { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] } };
const TIME = { name: 'get_time', parameters: { type: 'OBJECT', properties: { zone: { type: 'STRING' } }, required: ['zone'] } };

/** The raw SSE body as events: every one must be a `data:` line closed by CRLF CRLF. */
function sseEvents(text: string): any[] {
  assert.ok(text.endsWith('\r\n\r\n'), 'events end with CRLF CRLF');
  const blocks = text.slice(0, -4).split('\r\n\r\n');
  return blocks.map((block) => {
    assert.match(block, /^data: \{/, 'each event is one data line');
    assert.ok(!block.includes('\n'), 'one line per event');
    return JSON.parse(block.slice('data: '.length));
  });
}

describe('Gemini simulator: answers', () => {
  it('answers generateContent in the real shape: model content parts, STOP, usage with thoughts counted apart, modelVersion and responseId', async () => {
    const response = await generate('gemini-2.5-flash', { contents: [user('Name three colours of the rainbow.')] });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=UTF-8');
    const body = response.json();
    assert.deepEqual(Object.keys(body), ['candidates', 'usageMetadata', 'modelVersion', 'responseId']);
    assert.deepEqual(body.candidates, [{ content: { parts: [{ text: 'You said: "Name three colours of the rainbow.". This is a simulated reply.' }], role: 'model' }, finishReason: 'STOP', index: 0 }]);
    const usage = body.usageMetadata;
    assert.deepEqual(Object.keys(usage), ['promptTokenCount', 'candidatesTokenCount', 'totalTokenCount', 'promptTokensDetails', 'thoughtsTokenCount']);
    assert.equal(usage.totalTokenCount, usage.promptTokenCount + usage.candidatesTokenCount + usage.thoughtsTokenCount);
    assert.deepEqual(usage.promptTokensDetails, [{ modality: 'TEXT', tokenCount: usage.promptTokenCount }]);
    assert.equal(body.modelVersion, 'gemini-2.5-flash');
    assert.match(body.responseId, /^[A-Za-z0-9_-]{22}$/);
    const recorded = await simulators.waitForRequest((request) => request.provider === 'google');
    assert.equal(recorded.path, '/gemini/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(recorded.headers['x-goog-api-key'], KEY);
    assert.equal(recorded.streamed, false);
  });

  it('streams with alt=sse: CRLF-framed data events in Google spacing, running usage on every chunk, finishReason on the last, no [DONE]', async () => {
    const request = { contents: [user('Tell me a short story about a lighthouse keeper and a storm.')] };
    const response = await call('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', request);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    assert.match(response.text, /^data: \{"candidates": \[\{"content": \{"parts": \[\{"text": /);
    assert.ok(!response.text.includes('[DONE]'));
    const events = sseEvents(response.text);
    assert.ok(events.length > 1, 'several chunks');
    assert.ok(events.every((event) => event.usageMetadata?.promptTokenCount > 0 && event.responseId === events[0].responseId));
    const counts = events.map((event) => event.usageMetadata.candidatesTokenCount);
    assert.deepEqual(counts, [...counts].sort((left, right) => left - right), 'candidate tokens only grow');
    assert.deepEqual(events.map((event) => event.candidates[0].finishReason ?? null), [...events.slice(1).map(() => null), 'STOP']);
    const text = events.map((event) => event.candidates[0].content.parts.map((part: { text: string }) => part.text).join('')).join('');
    const whole = (await generate('gemini-2.5-flash', request)).json();
    assert.equal(text, whole.candidates[0].content.parts[0].text);
    assert.deepEqual(events.at(-1).usageMetadata, whole.usageMetadata, 'the last chunk carries the same totals');
    assert.equal((await simulators.waitForRequest((recorded) => recorded.path.includes('streamGenerateContent'))).streamed, true);
  });

  it('streams one JSON array of the same responses without alt=sse', async () => {
    const response = await call('/v1beta/models/gemini-2.5-flash:streamGenerateContent', { contents: [user('Hello')] });
    assert.equal(response.status, 200);
    const chunks = response.json();
    assert.ok(Array.isArray(chunks) && chunks.length > 0);
    assert.equal(chunks.at(-1).candidates[0].finishReason, 'STOP');
  });

  it('returns thought summaries only with includeThoughts, counts thoughts either way, and thinks not at all with budget 0 where allowed', async () => {
    const ask = (thinkingConfig: unknown, model = 'gemini-2.5-flash') => generate(model, { contents: [user('Why is the sky blue?')], generationConfig: { thinkingConfig } });
    const shown = (await ask({ includeThoughts: true })).json();
    assert.equal(shown.candidates[0].content.parts[0].thought, true);
    assert.match(shown.candidates[0].content.parts[0].text, /The user wrote/);
    assert.equal(shown.candidates[0].content.parts[1].thought, undefined);
    assert.ok(shown.usageMetadata.thoughtsTokenCount > 0);
    const hidden = (await ask({ thinkingBudget: 1024 })).json();
    assert.equal(hidden.candidates[0].content.parts.length, 1);
    assert.ok(hidden.usageMetadata.thoughtsTokenCount > 0);
    const off = (await ask({ thinkingBudget: 0 })).json();
    assert.equal(off.usageMetadata.thoughtsTokenCount, undefined, 'proto3 leaves zero counts out');
    const pro = await ask({ thinkingBudget: 0 }, 'gemini-2.5-pro');
    assert.equal(pro.status, 400);
    assert.equal(pro.json().error.message, 'Budget 0 is invalid. This model only works in thinking mode.');
    const level = await ask({ thinkingLevel: 'MEDIUM' }, 'gemini-3-pro-preview');
    assert.equal(level.status, 400);
  });

  it('spends maxOutputTokens on thinking first: a small limit ends in MAX_TOKENS with a content that has no parts', async () => {
    const body = (await generate('gemini-2.5-pro', { contents: [user('Explain relativity.')], generationConfig: { maxOutputTokens: 16 } })).json();
    assert.deepEqual(body.candidates[0], { content: { role: 'model' }, finishReason: 'MAX_TOKENS', index: 0 });
    assert.equal(body.usageMetadata.thoughtsTokenCount, 16);
  });

  it('cuts the answer at a stop sequence and answers candidateCount candidates', async () => {
    const body = (await generate('gemini-2.5-flash', { contents: [user('Hello world')], generationConfig: { stopSequences: ['simulated'], candidateCount: 2 } })).json();
    assert.deepEqual(body.candidates.map((candidate: any) => [candidate.index, candidate.content.parts[0].text, candidate.finishReason]), [
      [0, 'You said: "Hello world". This is a ', 'STOP'],
      [1, 'You said: "Hello world". This is a ', 'STOP'],
    ]);
  });

  it('accepts inline images and counts 258 tokens for each', async () => {
    const body = (await generate('gemini-2.5-flash', { contents: [{ role: 'user', parts: [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' } }] }] })).json();
    assert.deepEqual(body.usageMetadata.promptTokensDetails[1], { modality: 'IMAGE', tokenCount: 258 });
    assert.equal(body.usageMetadata.promptTokenCount, body.usageMetadata.promptTokensDetails[0].tokenCount + 258);
  });

  it('answers JSON that matches responseSchema or responseJsonSchema when responseMimeType is application/json', async () => {
    const schema = { type: 'OBJECT', properties: { city: { type: 'STRING' }, population: { type: 'INTEGER' } }, required: ['city', 'population'] };
    const withSchema = (await generate('gemini-2.5-flash', { contents: [user('A city')], generationConfig: { responseMimeType: 'application/json', responseSchema: schema } })).json();
    assert.deepEqual(JSON.parse(withSchema.candidates[0].content.parts[0].text), { city: 'city from simulator', population: 1 });
    const jsonSchema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    const withJsonSchema = (await generate('gemini-2.5-flash', { contents: [user('Ok?')], generationConfig: { responseMimeType: 'application/json', responseJsonSchema: jsonSchema } })).json();
    assert.deepEqual(JSON.parse(withJsonSchema.candidates[0].content.parts[0].text), { ok: true });
  });

  it('reports a repeated long prefix as implicitly cached above the model’s minimum', async () => {
    const document = 'The quick brown fox jumps over the lazy dog. '.repeat(200);
    const first = (await generate('gemini-2.5-flash', { contents: [user(`${document}\nQuestion one?`)] })).json();
    const second = (await generate('gemini-2.5-flash', { contents: [user(`${document}\nQuestion two?`)] })).json();
    assert.equal(first.usageMetadata.cachedContentTokenCount, undefined);
    assert.ok(second.usageMetadata.cachedContentTokenCount >= 1024 && second.usageMetadata.cachedContentTokenCount < second.usageMetadata.promptTokenCount);
    assert.deepEqual(second.usageMetadata.cacheTokensDetails, [{ modality: 'TEXT', tokenCount: second.usageMetadata.cachedContentTokenCount }]);
  });
});

describe('Gemini simulator: function calling', () => {
  it('answers a function call with args as an object, the thought signature of a thinking model, and its finish message', async () => {
    const body = (await generate('gemini-2.5-flash', { contents: [user('Weather in Paris?')], tools: [{ functionDeclarations: [WEATHER] }] })).json();
    const [part] = body.candidates[0].content.parts;
    assert.deepEqual(part.functionCall, { name: 'get_weather', args: { city: 'city from simulator' } });
    assert.equal(typeof part.thoughtSignature, 'string');
    assert.equal(body.candidates[0].finishReason, 'STOP');
    assert.equal(body.candidates[0].finishMessage, 'Model generated function call(s).');
  });

  it('streams parallel calls each whole in a chunk of its own, the signature on the first only', async () => {
    const response = await call('/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse', { contents: [user('Use parallel calls for weather and time.')], tools: [{ functionDeclarations: [WEATHER, TIME] }] });
    const events = sseEvents(response.text);
    assert.deepEqual(
      events.map((event) => event.candidates[0].content.parts.map((part: any) => [part.functionCall.name, typeof part.thoughtSignature])),
      [[['get_weather', 'string']], [['get_time', 'undefined']]],
    );
  });

  it('follows functionCallingConfig: NONE answers text, ANY with allowedFunctionNames calls that function', async () => {
    const tools = [{ functionDeclarations: [WEATHER, TIME] }];
    const none = (await generate('gemini-2.5-flash', { contents: [user('Weather?')], tools, toolConfig: { functionCallingConfig: { mode: 'NONE' } } })).json();
    assert.ok(none.candidates[0].content.parts[0].text);
    const any = (await generate('gemini-2.5-flash', { contents: [user('Weather?')], tools, toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } } })).json();
    assert.equal(any.candidates[0].content.parts[0].functionCall.name, 'get_time');
  });

  it('answers a function response by quoting it', async () => {
    const body = (
      await generate('gemini-2.5-flash', {
        contents: [user('Weather in Paris?'), { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] }, { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temperature: 21 } } }] }],
        tools: [{ functionDeclarations: [WEATHER] }],
      })
    ).json();
    assert.equal(body.candidates[0].content.parts[0].text, 'The tool returned: {"temperature":21}.');
  });

  it('refuses function responses out of turn, and as many responses as calls are required', async () => {
    const orphan = await generate('gemini-2.5-flash', { contents: [user('Hi'), { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: {} } }] }] });
    assert.equal(orphan.status, 400);
    assert.equal(orphan.json().error.message, 'Please ensure that function response turn comes immediately after a function call turn.');
    const uneven = await generate('gemini-2.5-flash', {
      contents: [user('Hi'), { role: 'model', parts: [{ functionCall: { name: 'a', args: {} } }, { functionCall: { name: 'b', args: {} } }] }, { role: 'user', parts: [{ functionResponse: { name: 'a', response: {} } }] }],
    });
    assert.equal(uneven.json().error.message, 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
    const firstCall = await generate('gemini-2.5-flash', { contents: [{ role: 'model', parts: [{ functionCall: { name: 'a', args: {} } }] }] });
    assert.equal(firstCall.json().error.message, 'Please ensure that function call turn comes immediately after a user turn or after a function response turn.');
  });

  it('on Gemini 3, refuses a current-turn function call without its thought signature, accepts the one it issued and Google’s placeholder', async () => {
    const first = (await generate('gemini-3-pro-preview', { contents: [user('Weather in Paris?')], tools: [{ functionDeclarations: [WEATHER] }] })).json();
    const callPart = first.candidates[0].content.parts[0];
    const followUp = (part: unknown) => ({
      contents: [user('Weather in Paris?'), { role: 'model', parts: [part] }, { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: 'sunny' } } }] }],
      tools: [{ functionDeclarations: [WEATHER] }],
    });
    assert.equal((await generate('gemini-3-pro-preview', followUp(callPart))).status, 200);
    assert.equal((await generate('gemini-3-pro-preview', followUp({ ...callPart, thoughtSignature: 'skip_thought_signature_validator' }))).status, 200);
    const missing = await generate('gemini-3-pro-preview', followUp({ functionCall: callPart.functionCall }));
    assert.equal(missing.status, 400);
    assert.equal(
      missing.json().error.message,
      'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:get_weather` , position 2. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.',
    );
    assert.equal((await generate('gemini-3-pro-preview', followUp({ ...callPart, thoughtSignature: 'bm90IGEgcmVhbCBvbmU=' }))).json().error.message, 'Corrupted thought signature.');
    assert.equal((await generate('gemini-2.5-flash', followUp({ functionCall: callPart.functionCall }))).status, 200, 'Gemini 2.5 does not require them');
  });
});

describe('Gemini simulator: refusals as the real API words them', () => {
  it('answers 403 PERMISSION_DENIED without a key, 400 API_KEY_INVALID for an unknown key, and takes ?key= too', async () => {
    const missing = await generate('gemini-2.5-flash', { contents: [user('Hi')] }, {});
    assert.equal(missing.status, 403);
    assert.equal(missing.json().error.status, 'PERMISSION_DENIED');
    const invalid = await generate('gemini-2.5-flash', { contents: [user('Hi')] }, { 'x-goog-api-key': 'sk-not-a-google-key' });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.json().error.message, 'API key not valid. Please pass a valid API key.');
    assert.equal(invalid.json().error.details[0].reason, 'API_KEY_INVALID');
    assert.equal((await call(`/v1beta/models/gemini-2.5-flash:generateContent?key=${KEY}`, { contents: [user('Hi')] }, {})).status, 200);
  });

  it('answers 404 NOT_FOUND for an unknown model', async () => {
    const response = await generate('gemini-1.0-pro', { contents: [user('Hi')] });
    assert.equal(response.status, 404);
    assert.deepEqual(response.json(), {
      error: {
        code: 404,
        message: 'models/gemini-1.0-pro is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.',
        status: 'NOT_FOUND',
      },
    });
  });

  it('refuses the role "assistant", missing contents, unknown fields and schema keywords outside its subset', async () => {
    const role = await generate('gemini-2.5-flash', { contents: [user('Hi'), { role: 'assistant', parts: [{ text: 'Hello' }] }] });
    assert.deepEqual(role.json(), { error: { code: 400, message: 'Please use a valid role: user, model.', status: 'INVALID_ARGUMENT' } });
    assert.equal((await generate('gemini-2.5-flash', {})).json().error.message, '* GenerateContentRequest.contents: contents is not specified\n');
    const unknown = (await generate('gemini-2.5-flash', { messages: [], contents: [user('Hi')], generationConfig: { max_tokens: 5 } })).json();
    assert.equal(unknown.error.message, 'Invalid JSON payload received. Unknown name "messages": Cannot find field.\nInvalid JSON payload received. Unknown name "max_tokens" at \'generation_config\': Cannot find field.');
    assert.deepEqual(unknown.error.details[0]['@type'], 'type.googleapis.com/google.rpc.BadRequest');
    const schema = (await generate('gemini-2.5-flash', { contents: [user('Hi')], tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } }] }] })).json();
    assert.equal(schema.error.message, 'Invalid JSON payload received. Unknown name "additionalProperties" at \'tools[0].function_declarations[0].parameters\': Cannot find field.');
    const empty = (await generate('gemini-2.5-flash', { contents: [user('Hi')], tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', properties: {} } }] }] })).json();
    assert.equal(empty.error.message, '* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties: should be non-empty for OBJECT type\n');
  });

  it('refuses on Gemma what the real API refuses: system instruction, function calling, JSON mode; and penalties on 2.5', async () => {
    const gemma = (body: unknown) => generate('gemma-3-27b-it', { contents: [user('Hi')], ...(body as object) });
    assert.equal((await gemma({ systemInstruction: { parts: [{ text: 'Be brief' }] } })).json().error.message, 'Developer instruction is not enabled for models/gemma-3-27b-it');
    assert.equal((await gemma({ tools: [{ functionDeclarations: [WEATHER] }] })).json().error.message, 'Function calling is not enabled for models/gemma-3-27b-it');
    assert.equal((await gemma({ generationConfig: { responseMimeType: 'application/json' } })).json().error.message, 'JSON mode is not enabled for models/gemma-3-27b-it');
    assert.equal((await gemma({})).status, 200);
    assert.equal((await generate('gemini-2.5-flash', { contents: [user('Hi')], generationConfig: { presencePenalty: 0.5 } })).json().error.message, 'Penalty is not enabled for models/gemini-2.5-flash');
  });

  it('forces SAFETY (no content, a blocked rating) and a blocked prompt with magic words', async () => {
    const safety = (await generate('gemini-2.5-flash', { contents: [user('Please SIMULATE_SAFETY now')] })).json();
    assert.equal(safety.candidates[0].finishReason, 'SAFETY');
    assert.equal(safety.candidates[0].content, undefined);
    assert.ok(safety.candidates[0].safetyRatings.some((rating: any) => rating.blocked === true));
    const blocked = (await generate('gemini-2.5-flash', { contents: [user('SIMULATE_PROMPT_BLOCKED')] })).json();
    assert.equal(blocked.candidates, undefined);
    assert.equal(blocked.promptFeedback.blockReason, 'SAFETY');
  });
});

describe('Gemini simulator: faults, counting and models', () => {
  it('answers faults with the real bodies: 429 RESOURCE_EXHAUSTED with RetryInfo, 503 UNAVAILABLE, and breaks streams with an error event', async () => {
    simulators.addFault({ provider: 'google', status: 429 });
    const limited = (await generate('gemini-2.5-flash', { contents: [user('Hi')] })).json();
    assert.equal(limited.error.status, 'RESOURCE_EXHAUSTED');
    assert.deepEqual(limited.error.details.at(-1), { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' });
    simulators.addFault({ provider: 'google', model: 'gemini-2.5-pro', status: 503 });
    const unavailable = await generate('gemini-2.5-pro', { contents: [user('Hi')] });
    assert.deepEqual([unavailable.status, unavailable.json().error.message], [503, 'The model is overloaded. Please try again later.']);
    simulators.addFault({ provider: 'google', afterChunks: 1, breakMode: 'error-event' });
    const broken = await call('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', { contents: [user('Tell me a long story about the sea and ships')] });
    const events = sseEvents(broken.text);
    assert.equal(events.length, 2);
    assert.equal(events[1].error.status, 'INTERNAL');
  });

  it('replays a 200 fault body as the answer, so any recorded response can be sent', async () => {
    const recorded = { candidates: [{ content: { parts: [{ text: 'canned' }], role: 'model' }, finishReason: 'RECITATION', index: 0 }] };
    simulators.addFault({ provider: 'google', status: 200, body: recorded });
    assert.deepEqual((await generate('gemini-2.5-flash', { contents: [user('Hi')] })).json(), recorded);
  });

  it('counts tokens, lists models and describes one', async () => {
    const count = (await call('/v1beta/models/gemini-2.5-flash:countTokens', { contents: [user('Hello there')] })).json();
    assert.deepEqual(Object.keys(count), ['totalTokens', 'promptTokensDetails']);
    assert.ok(count.totalTokens > 0);
    const list = (await call('/v1beta/models')).json();
    assert.deepEqual(list.models.map((model: any) => model.name), ['models/gemini-2.5-pro', 'models/gemini-2.5-flash', 'models/gemini-3-pro-preview', 'models/gemma-3-27b-it']);
    const one = (await call('/v1beta/models/gemini-2.5-flash')).json();
    assert.equal(one.outputTokenLimit, 65_536);
    assert.equal((await call('/v1beta/models', undefined, {})).status, 403);
  });
});

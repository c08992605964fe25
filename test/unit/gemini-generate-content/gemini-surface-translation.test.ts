import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { ChatCompletionChunk } from '../../../src/core/chat-types.ts';
import { GatewayError } from '../../../src/core/gateway-error.ts';
import { convertGeminiSchemaToJsonSchema } from '../../../src/dialects/gemini-generate-content/convert-gemini-schema-to-json-schema.ts';
import { decodeGeminiRequest } from '../../../src/dialects/gemini-generate-content/decode-gemini-request.ts';
import { encodeGeminiError } from '../../../src/dialects/gemini-generate-content/encode-gemini-error.ts';
import { encodeGeminiModelPage } from '../../../src/dialects/gemini-generate-content/encode-gemini-model.ts';
import { createGeminiStreamEncoder } from '../../../src/dialects/gemini-generate-content/gemini-stream-encoder.ts';
import { parseGeminiModelPath } from '../../../src/dialects/gemini-generate-content/parse-gemini-model-path.ts';
import { createGeminiStreamTap } from '../../../src/dialects/gemini-generate-content/tap-gemini-stream.ts';
import { GATEWAY_ERRORS } from '../../../src/core/gateway-error.ts';
import type { CatalogModel } from '../../../src/catalog/catalog-model.ts';

describe('parseGeminiModelPath', () => {
  it('splits at the last colon and drops one leading models/, keeping slashes in ids', () => {
    assert.deepEqual(parseGeminiModelPath('models/gemini-2.5-flash:generateContent'), { model: 'gemini-2.5-flash', method: 'generateContent' });
    assert.deepEqual(parseGeminiModelPath('models/accounts/fireworks/models/gpt-oss-120b:streamGenerateContent'), { model: 'accounts/fireworks/models/gpt-oss-120b', method: 'streamGenerateContent' });
    assert.deepEqual(parseGeminiModelPath('accounts/fireworks/models/gpt-oss-120b:generateContent'), { model: 'accounts/fireworks/models/gpt-oss-120b', method: 'generateContent' });
    assert.deepEqual(parseGeminiModelPath('models/models/x:countTokens'), { model: 'models/x', method: 'countTokens' });
    assert.deepEqual(parseGeminiModelPath('models/bedrock.claude-v2:1:generateContent'), { model: 'bedrock.claude-v2:1', method: 'generateContent' });
    assert.deepEqual(parseGeminiModelPath('files'), { model: 'files', method: '' });
  });
});

describe('convertGeminiSchemaToJsonSchema', () => {
  it('lower-cases enum types in either case, makes nullable a null type, counts numbers, drops ordering', () => {
    assert.deepEqual(
      convertGeminiSchemaToJsonSchema({
        type: 'OBJECT',
        properties: { city: { type: 'STRING', nullable: true }, days: { type: 'array', items: { type: 'INTEGER' }, maxItems: '3' } },
        required: ['city'],
        propertyOrdering: ['city', 'days'],
      }),
      { type: 'object', properties: { city: { type: ['string', 'null'] }, days: { type: 'array', items: { type: 'integer' }, maxItems: 3 } }, required: ['city'] },
    );
  });
});

describe('decodeGeminiRequest', () => {
  it('maps system instruction, a function-calling round trip without ids, and generationConfig to the hub request', () => {
    const { request, adjustments } = decodeGeminiRequest(
      {
        model: 'gpt-5-mini',
        systemInstruction: { role: 'user', parts: [{ text: 'Be brief.' }] },
        contents: [
          { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
          { role: 'model', parts: [{ text: 'thinking…', thought: true }, { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2ln' }] },
          { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temperature: 21 } } }, { text: 'And tomorrow?' }] },
        ],
        tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } } }] }],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
        generationConfig: { maxOutputTokens: 400, temperature: 0.5, candidateCount: 2, stopSequences: ['END'], topK: 40, thinkingConfig: { thinkingBudget: 8_000 }, responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { answer: { type: 'STRING' } } } },
        safetySettings: [],
      },
      { streamed: true },
    );
    assert.deepEqual(request, {
      model: 'gpt-5-mini',
      stream: true,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1_1', content: '{"temperature":21}' },
        { role: 'user', content: 'And tomorrow?' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      max_tokens: 400,
      temperature: 0.5,
      n: 2,
      stop: ['END'],
      response_format: { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object', properties: { answer: { type: 'string' } } } } },
      reasoning_effort: 'medium',
    });
    assert.deepEqual(
      adjustments.map((adjustment) => `${adjustment.parameter} ${adjustment.action}`),
      ['contents dropped', 'generationConfig.topK dropped', 'generationConfig.thinkingConfig.thinkingBudget mapped'],
    );
  });

  it('refuses what it cannot carry by name, and a function response that answers no call', () => {
    const refused = (body: object) => {
      try {
        decodeGeminiRequest({ model: 'gpt-5-mini', contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], ...body }, { streamed: false });
      } catch (error) {
        assert.ok(error instanceof GatewayError);
        return `${error.status} ${error.param}`;
      }
      return 'accepted';
    };
    assert.equal(refused({ tools: [{ googleSearch: {} }] }), '400 tools.0.googleSearch');
    assert.equal(refused({ cachedContent: 'cachedContents/abc' }), '400 cachedContent');
    assert.equal(refused({ contents: [{ role: 'user', parts: [{ executableCode: { code: 'print(1)' } }] }] }), '400 contents.0.parts.0');
    assert.equal(refused({ contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'video/mp4', data: 'AAAA' } }] }] }), '400 contents.0.parts.0.inlineData');
    assert.equal(refused({ generationConfig: { responseModalities: ['IMAGE'] } }), '400 generationConfig.responseModalities');
    assert.equal(refused({ contents: [{ role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] }] }), '422 contents.0.parts.0.functionResponse');
    assert.equal(refused({ contents: 'Hi' }), '422 contents');
  });
});

describe('Gemini stream encoder', () => {
  const chunk = (choices: ChatCompletionChunk['choices'], usage?: ChatCompletionChunk['usage']): { chunk: ChatCompletionChunk } => ({ chunk: { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-mini', choices, usage } });

  it('writes data-only events: text as it comes, each function call whole at the end with the finish reason and the usage', () => {
    const encoder = createGeminiStreamEncoder({ model: 'gpt-5-mini', includeThoughts: false });
    const text = [
      encoder.chunk(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]), undefined),
      encoder.chunk(chunk([{ index: 0, delta: { content: 'Checking', reasoning_content: 'hidden' }, finish_reason: null }]), undefined),
      encoder.chunk(chunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"ci' } }] }, finish_reason: null }]), undefined),
      encoder.chunk(chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'ty":"Paris"}' } }] }, finish_reason: 'tool_calls' }]), undefined),
      encoder.end({ promptTokens: 10, completionTokens: 7, reasoningTokens: 3 }, 1_234),
    ].join('');
    assert.doesNotMatch(text, /^(event|id|:)/m, 'no event:, id: or comment lines');
    const events = text.split('\n\n').filter(Boolean).map((event) => {
      assert.match(event, /^data: [^\n]+$/);
      return JSON.parse(event.slice('data: '.length));
    });
    assert.deepEqual(events, [
      { candidates: [{ content: { parts: [{ text: 'Checking' }], role: 'model' }, index: 0 }], modelVersion: 'gpt-5-mini', responseId: 'chatcmpl-1' },
      {
        candidates: [{ content: { parts: [{ functionCall: { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } } }], role: 'model' }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 4, totalTokenCount: 17, thoughtsTokenCount: 3, cost: 0.001234 },
        modelVersion: 'gpt-5-mini',
        responseId: 'chatcmpl-1',
      },
    ]);
  });
});

describe('Gemini stream tap (pass-through)', () => {
  it('reads the running usage, and adds the cost only to the event that finishes the answer', () => {
    const fixture = readFileSync(new URL('../../fixtures/gemini/parallel-function-calls.sse', import.meta.url), 'utf8');
    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (event) => events.push(event) });
    parser.feed(fixture);
    const tap = createGeminiStreamTap();
    const rewritten = events.map((event) => {
      tap.observe(event);
      return tap.rewrite(event, (usage) => (usage ? usage.promptTokens + usage.completionTokens : 0));
    });
    assert.deepEqual(rewritten.slice(0, -1), rewritten.slice(0, -1).map(() => undefined), 'only the last event is rewritten');
    const last = JSON.parse(rewritten.at(-1)!.replace(/^data: /, ''));
    assert.equal(last.usageMetadata.cost, (88 + 24 + 203) / 1_000_000);
    assert.deepEqual(tap.usage(), { promptTokens: 88, completionTokens: 227, cachedPromptTokens: 0, cacheWriteTokens: undefined, reasoningTokens: 203 });
    assert.equal(tap.complete('completed'), true);
    assert.match(tap.relayedOutput(), /get_time/);
  });

  it('records an error event as the failure, and a stream without a finish as incomplete', () => {
    const tap = createGeminiStreamTap();
    tap.observe({ data: '{"candidates": [{"content": {"parts": [{"text": "Hel"}], "role": "model"}, "index": 0}]}' } as EventSourceMessage);
    tap.observe({ data: '{"error": {"code": 500, "message": "An internal error has occurred.", "status": "INTERNAL"}}' } as EventSourceMessage);
    assert.deepEqual(tap.failure, { status: 502, code: 'upstream_error' });
    assert.equal(tap.complete('completed'), false);
  });
});

describe('Gemini errors and model pages', () => {
  it('renders google.rpc.Status with the status name of the HTTP status, 422 as a 400 with field violations', () => {
    const validation = encodeGeminiError(GATEWAY_ERRORS.validation([{ loc: ['body', 'contents'], msg: 'Field required', type: 'missing' }]));
    assert.equal(validation.error.code, 400);
    assert.equal(validation.error.status, 'INVALID_ARGUMENT');
    assert.equal(validation.error.message, 'contents: Field required');
    assert.deepEqual(validation.error.details.at(-1), { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'contents', description: 'Field required' }] });
    assert.equal(encodeGeminiError(GATEWAY_ERRORS.creditsExhausted()).error.status, 'RESOURCE_EXHAUSTED');
    assert.equal(encodeGeminiError(GATEWAY_ERRORS.modelNotFound('x')).error.status, 'NOT_FOUND');
    assert.equal(encodeGeminiError(GATEWAY_ERRORS.wrongModelKind('gpt-5-mini', 'chat', 'use a chat route')).error.status, 'INVALID_ARGUMENT');
    const limited = encodeGeminiError(GATEWAY_ERRORS.concurrencyLimited('key', 2));
    assert.equal(limited.error.status, 'RESOURCE_EXHAUSTED');
    assert.deepEqual(limited.error.details.find((detail) => String(detail['@type']).endsWith('RetryInfo')), { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' });
  });

  it('pages the model list with opaque tokens and refuses a token it never gave', () => {
    const models = Array.from({ length: 5 }, (_, index) => ({ id: `m${index}`, provider: 'openai', upstreamId: `m${index}`, capabilities: { tools: true, vision: false, reasoning: false, jsonSchema: false }, contextWindow: 1000, maxOutputTokens: 100, pricing: { inputPerMillion: 0, cachedInputPerMillion: 0, outputPerMillion: 0 }, parameters: {}, created: 0 }) as CatalogModel);
    const first = encodeGeminiModelPage(models, { pageSize: '2' });
    assert.deepEqual(first.models.map((model) => model.name), ['models/m0', 'models/m1']);
    const second = encodeGeminiModelPage(models, { pageSize: '2', pageToken: first.nextPageToken });
    const third = encodeGeminiModelPage(models, { pageSize: '2', pageToken: second.nextPageToken });
    assert.deepEqual(third.models.map((model) => model.name), ['models/m4']);
    assert.equal(third.nextPageToken, undefined);
    assert.throws(() => encodeGeminiModelPage(models, { pageToken: 'bogus' }), (error: GatewayError) => error.code === 'invalid_page_token');
  });
});

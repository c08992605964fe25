import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionTool } from 'openai/resources/chat/completions';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { rejection } from '../support/rejection.ts';

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

function client(provider: keyof Simulators['baseUrls']): OpenAI {
  return new OpenAI({ apiKey: 'test-key', baseURL: simulators.baseUrls[provider], maxRetries: 0 });
}

/** The raw wire answer, for asserting on bodies the SDK would reshape. */
async function post(provider: keyof Simulators['baseUrls'], body: unknown, authorization: string | null = 'Bearer test-key') {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== null) headers.authorization = authorization;
  const response = await fetch(`${simulators.baseUrls[provider]}/chat/completions`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** Rebuilds tool calls from streamed fragments, keyed by their `index`, as the OpenAI SDK helpers do. */
function reassembleToolCalls(chunks: ChatCompletionChunk[]) {
  const calls: { id?: string; name: string; arguments: string }[] = [];
  for (const chunk of chunks) {
    for (const toolCall of chunk.choices[0]?.delta.tool_calls ?? []) {
      const call = (calls[toolCall.index] ??= { name: '', arguments: '' });
      if (toolCall.id) call.id = toolCall.id;
      if (toolCall.function?.name) call.name += toolCall.function.name;
      if (toolCall.function?.arguments) call.arguments += toolCall.function.arguments;
    }
  }
  return calls;
}

const weatherTools: ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer' } }, required: ['city', 'unit'] },
    },
  },
  {
    type: 'function',
    function: { name: 'get_time', parameters: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] } },
  },
];

describe('OpenAI simulator', () => {
  it('answers a non-streamed request with the dated snapshot, an echo of the user and reasoning inside completion_tokens', async () => {
    const { data, response } = await client('openai')
      .chat.completions.create({ model: 'gpt-5', messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'Tell me about trains' }] })
      .withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.equal(data.model, 'gpt-5-2025-08-07');
    assert.match(data.choices[0]!.message.content ?? '', /Tell me about trains/);
    assert.equal(data.choices[0]!.finish_reason, 'stop');
    const usage = data.usage!;
    assert.ok(usage.completion_tokens_details!.reasoning_tokens! > 0);
    assert.ok(usage.completion_tokens > usage.completion_tokens_details!.reasoning_tokens!);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    assert.equal(usage.prompt_tokens_details!.cached_tokens, 0);
    assert.match(response.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
    assert.equal(response.headers.get('x-ratelimit-limit-requests'), '10000');
  });

  it('streams with include_usage: usage is null on every chunk until a final chunk with empty choices', async () => {
    const streamed = await client('openai')
      .chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Stream a few words please' }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    assert.equal(streamed.response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const chunks = await collect(streamed.data);
    const last = chunks[chunks.length - 1]!;
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage && last.usage.completion_tokens > 0);
    for (const chunk of chunks.slice(0, -1)) assert.equal(chunk.usage, null);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    assert.match(text, /Stream a few words please/);
    assert.ok(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length > 1, 'the text arrives in several chunks');
    assert.equal(chunks[chunks.length - 2]!.choices[0]!.finish_reason, 'stop');
  });

  it('sends no usage in a stream that did not ask for it', async () => {
    const chunks = await collect(await client('openai').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true }));
    assert.ok(chunks.every((chunk) => chunk.usage === undefined));
  });

  it('streams parallel tool calls whose fragments reassemble by 0-based index into schema-valid arguments', async () => {
    const chunks = await collect(
      await client('openai').chat.completions.create({
        model: 'gpt-5.1',
        messages: [{ role: 'user', content: 'Use parallel calls for weather and time' }],
        tools: weatherTools,
        stream: true,
      }),
    );
    const calls = reassembleToolCalls(chunks);
    assert.equal(calls.length, 2);
    assert.deepEqual(calls.map((call) => call.name), ['get_weather', 'get_time']);
    assert.ok(calls.every((call) => /^call_[A-Za-z0-9]{24}$/.test(call.id ?? '')));
    const weatherArguments = JSON.parse(calls[0]!.arguments);
    assert.equal(typeof weatherArguments.city, 'string');
    assert.equal(weatherArguments.unit, 'celsius');
    assert.equal('days' in weatherArguments, false, 'only required properties are filled');
    const firstFragment = chunks.find((chunk) => chunk.choices[0]?.delta.tool_calls)!.choices[0]!.delta.tool_calls![0]!;
    assert.equal(firstFragment.function?.arguments, '', 'the first delta of a call names it with empty arguments');
    assert.equal(chunks[chunks.length - 1]!.choices[0]!.finish_reason, 'tool_calls');
  });

  it('calls the function named by tool_choice and answers a tool result with its content', async () => {
    const openai = client('openai');
    const first = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'What time is it?' }],
      tools: weatherTools,
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    const toolCall = first.choices[0]!.message.tool_calls![0]!;
    assert.equal(toolCall.type === 'function' && toolCall.function.name, 'get_time');
    assert.equal(first.choices[0]!.message.content, null);
    const second = await openai.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'user', content: 'What time is it?' },
        first.choices[0]!.message,
        { role: 'tool', tool_call_id: toolCall.id, content: '12:34 UTC' },
      ],
      tools: weatherTools,
    });
    assert.match(second.choices[0]!.message.content ?? '', /12:34 UTC/);
  });

  it('rejects a tool message that answers no preceding tool call', async () => {
    const error = await rejection(
      client('openai').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }, { role: 'tool', tool_call_id: 'call_missing', content: 'x' }] }),
    );
    assert.equal(error.status, 400);
    assert.equal(error.message, "400 Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.");
    assert.equal(error.param, 'messages.[1].role');
  });

  it('rejects max_tokens on reasoning models with the unsupported_parameter error', async () => {
    const response = await post('openai', { model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }], max_tokens: 100 });
    assert.equal(response.status, 400);
    assert.deepEqual(JSON.parse(response.text), {
      error: {
        message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        type: 'invalid_request_error',
        param: 'max_tokens',
        code: 'unsupported_parameter',
      },
    });
    const accepted = await post('openai', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_tokens: 100 });
    assert.equal(accepted.status, 200);
  });

  it('rejects non-default temperature and top_p on gpt-5, and on gpt-5.1 only once it reasons', async () => {
    const temperature = await rejection(client('openai').chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }], temperature: 0.7 }));
    assert.equal(temperature.code, 'unsupported_value');
    assert.equal(temperature.message, "400 Unsupported value: 'temperature' does not support 0.7 with this model. Only the default (1) value is supported.");
    const topP = await rejection(client('openai').chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }], top_p: 0.5 }));
    assert.equal(topP.code, 'unsupported_parameter');

    const withoutReasoning = await client('openai').chat.completions.create({ model: 'gpt-5.1', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2 });
    assert.equal(withoutReasoning.usage!.completion_tokens_details!.reasoning_tokens, 0, 'gpt-5.1 defaults to reasoning effort none');
    const reasoning = await rejection(client('openai').chat.completions.create({ model: 'gpt-5.1', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2, reasoning_effort: 'low' }));
    assert.equal(reasoning.param, 'temperature');
    const minimal = await rejection(client('openai').chat.completions.create({ model: 'gpt-5.1', messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'minimal' }));
    assert.equal(minimal.message, "400 Unsupported value: 'reasoning_effort' does not support 'minimal' with this model. Supported values are: 'none', 'low', 'medium', and 'high'.");
  });

  it('accepts function tools with reasoning_effort on gpt-5.1 but rejects them on gpt-5.4', async () => {
    const accepted = await client('openai').chat.completions.create({ model: 'gpt-5.1', messages: [{ role: 'user', content: 'weather?' }], tools: weatherTools, reasoning_effort: 'low' });
    assert.equal(accepted.choices[0]!.finish_reason, 'tool_calls');
    const error = await rejection(
      client('openai').chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'weather?' }], tools: weatherTools, reasoning_effort: 'low' }),
    );
    assert.equal(error.message, '400 Function tools with reasoning_effort are not supported for gpt-5.4 in /v1/chat/completions. Please use /v1/responses instead.');
    assert.equal(error.param, 'reasoning_effort');
    assert.equal(error.code, null);
  });

  it('rejects tools on gpt-5-chat-latest and unknown models with 404 model_not_found', async () => {
    const tools = await rejection(client('openai').chat.completions.create({ model: 'gpt-5-chat-latest', messages: [{ role: 'user', content: 'hi' }], tools: weatherTools }));
    assert.match(tools.message, /tools is not supported in this model/);
    const unknown = await rejection(client('openai').chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'hi' }] }));
    assert.ok(unknown instanceof OpenAI.NotFoundError);
    assert.equal(unknown.code, 'model_not_found');
  });

  it('validates the body the way the API does: missing messages, wrong types, unknown roles', async () => {
    const missing = JSON.parse((await post('openai', { model: 'gpt-4o' })).text);
    assert.deepEqual(missing.error, { message: "Missing required parameter: 'messages'.", type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' });
    const wrongType = JSON.parse((await post('openai', { model: 'gpt-4o', messages: 'hi' })).text);
    assert.equal(wrongType.error.message, "Invalid type for 'messages': expected an array, but got a string instead.");
    const role = JSON.parse((await post('openai', { model: 'gpt-4o', messages: [{ role: 'robot', content: 'hi' }] })).text);
    assert.equal(role.error.code, 'invalid_value');
    assert.equal(role.error.param, 'messages[0].role');
  });

  it('answers a missing or malformed Authorization header with 401', async () => {
    for (const authorization of [null, 'test-key', 'Bearer ']) {
      const response = await post('openai', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }, authorization);
      assert.equal(response.status, 401);
      assert.match(JSON.parse(response.text).error.message, /You didn't provide an API key/);
    }
  });

  it('reports cached prompt tokens in 128-token steps once a 1024+ token prefix repeats', async () => {
    const longContext = 'The quick brown fox jumps over the lazy dog. '.repeat(120);
    const request = { model: 'gpt-5', messages: [{ role: 'system' as const, content: longContext }, { role: 'user' as const, content: 'first question' }] };
    const first = await client('openai').chat.completions.create(request);
    assert.ok(first.usage!.prompt_tokens >= 1024);
    assert.equal(first.usage!.prompt_tokens_details!.cached_tokens, 0);
    const second = await client('openai').chat.completions.create({ ...request, messages: [request.messages[0]!, { role: 'user', content: 'second question' }] });
    const cached = second.usage!.prompt_tokens_details!.cached_tokens!;
    assert.ok(cached >= 1024 && cached <= second.usage!.prompt_tokens);
    assert.equal((cached - 1024) % 128, 0);
  });

  it('answers json_schema requests with a document that has every schema property', async () => {
    const completion = await client('openai').chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Describe a city' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'city', strict: true, schema: { type: 'object', properties: { name: { type: 'string' }, population: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } }, required: ['name', 'population', 'tags'], additionalProperties: false } },
      },
    });
    const document = JSON.parse(completion.choices[0]!.message.content!);
    assert.equal(typeof document.name, 'string');
    assert.equal(Number.isInteger(document.population), true);
    assert.ok(Array.isArray(document.tags));
  });

  it('spends a small max_completion_tokens budget on reasoning and finishes with length', async () => {
    const completion = await client('openai').chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 50 });
    assert.equal(completion.choices[0]!.finish_reason, 'length');
    assert.equal(completion.choices[0]!.message.content, '');
    assert.equal(completion.usage!.completion_tokens, 50);
  });

  it('lists its models', async () => {
    const models = await client('openai').models.list();
    assert.ok(models.data.some((model) => model.id === 'gpt-5.1-chat-latest'));
  });
});

describe('xAI simulator', () => {
  it('returns reasoning_content from grok-3-mini and leaves reasoning out of completion_tokens', async () => {
    const completion = await client('xai').chat.completions.create({ model: 'grok-3-mini', messages: [{ role: 'user', content: 'What is 101 times 3?' }], reasoning_effort: 'high' });
    const message = completion.choices[0]!.message as typeof completion.choices[0]['message'] & { reasoning_content?: string };
    assert.equal(completion.model, 'grok-3-mini-high');
    assert.ok(message.reasoning_content && message.reasoning_content.length > 0);
    const usage = completion.usage!;
    const reasoningTokens = usage.completion_tokens_details!.reasoning_tokens!;
    assert.ok(reasoningTokens > 0);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens + reasoningTokens);
    assert.equal(typeof (usage as unknown as { cost_in_usd_ticks: number }).cost_in_usd_ticks, 'number');
  });

  it('counts grok-4 reasoning without showing it', async () => {
    const completion = await client('xai').chat.completions.create({ model: 'grok-4', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(completion.model, 'grok-4-0709');
    assert.equal('reasoning_content' in completion.choices[0]!.message, false);
    assert.ok(completion.usage!.completion_tokens_details!.reasoning_tokens! > 0);
  });

  it('streams reasoning_content deltas and each tool call whole in one delta', async () => {
    const chunks = await collect(
      await client('xai').chat.completions.create({
        model: 'grok-3-mini',
        messages: [{ role: 'user', content: 'parallel weather and time' }],
        tools: weatherTools,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    assert.ok(chunks.some((chunk) => (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content));
    const toolChunks = chunks.filter((chunk) => chunk.choices[0]?.delta.tool_calls);
    assert.equal(toolChunks.length, 2);
    for (const chunk of toolChunks) JSON.parse(chunk.choices[0]!.delta.tool_calls![0]!.function!.arguments!);
    assert.deepEqual(reassembleToolCalls(chunks).map((call) => call.name), ['get_weather', 'get_time']);
    const last = chunks[chunks.length - 1]!;
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage);
  });

  it('rejects penalties and stop on reasoning models and reasoning_effort where unsupported, in its {code, error} shape', async () => {
    const penalty = await post('xai', { model: 'grok-4', messages: [{ role: 'user', content: 'hi' }], presence_penalty: 0 });
    assert.equal(penalty.status, 400);
    assert.deepEqual(JSON.parse(penalty.text), { code: 'Client specified an invalid argument', error: 'Model grok-4-0709 does not support parameter presencePenalty.' });
    const stop = await post('xai', { model: 'grok-3-mini', messages: [{ role: 'user', content: 'hi' }], stop: ['\n'] });
    assert.equal(stop.status, 400);
    const effort = await post('xai', { model: 'grok-4', messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'high' });
    assert.equal(JSON.parse(effort.text).error, 'Model grok-4-0709 does not support parameter reasoningEffort.');
    const medium = await post('xai', { model: 'grok-3-mini', messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'medium' });
    assert.equal(medium.status, 422);
    const grok3 = await post('xai', { model: 'grok-3', messages: [{ role: 'user', content: 'hi' }], presence_penalty: 0.5, stop: ['x'] });
    assert.equal(grok3.status, 200, 'grok-3 does not reason and takes penalties and stop');
  });

  it('answers unknown models with 404 in its own shape', async () => {
    const response = await post('xai', { model: 'grok-99', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(response.status, 404);
    const body = JSON.parse(response.text);
    assert.equal(body.code, 'Some requested entity was not found');
    assert.match(body.error, /The model grok-99 does not exist/);
  });
});

describe('Fireworks simulator', () => {
  const gptOss = 'accounts/fireworks/models/gpt-oss-120b';

  it('puts usage on the last chunk, the one with the finish_reason and a non-empty choices array, even unasked', async () => {
    const chunks = await collect(await client('fireworks').chat.completions.create({ model: gptOss, messages: [{ role: 'user', content: 'hello fireworks' }], stream: true }));
    const withUsage = chunks.filter((chunk) => chunk.usage);
    assert.equal(withUsage.length, 1);
    const last = chunks[chunks.length - 1]!;
    assert.equal(withUsage[0], last);
    assert.equal(last.choices.length, 1);
    assert.equal(last.choices[0]!.finish_reason, 'stop');
    assert.ok(chunks.some((chunk) => (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content));
    assert.equal(last.usage!.total_tokens, last.usage!.prompt_tokens + last.usage!.completion_tokens);
  });

  it('returns reasoning_content from gpt-oss and streams tool call fragments by index', async () => {
    const completion = await client('fireworks').chat.completions.create({ model: gptOss, messages: [{ role: 'user', content: 'hi' }] });
    assert.ok((completion.choices[0]!.message as { reasoning_content?: string }).reasoning_content);
    const chunks = await collect(await client('fireworks').chat.completions.create({ model: gptOss, messages: [{ role: 'user', content: 'weather' }], tools: weatherTools, stream: true }));
    const calls = reassembleToolCalls(chunks);
    assert.equal(calls.length, 1);
    assert.deepEqual(Object.keys(JSON.parse(calls[0]!.arguments)), ['city', 'unit']);
  });

  it('accepts images on Llama 4 Maverick and rejects them on gpt-oss; unknown models get its 404 body', async () => {
    const image = { role: 'user' as const, content: [{ type: 'text' as const, text: 'what is this?' }, { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] };
    const maverick = await client('fireworks').chat.completions.create({ model: 'accounts/fireworks/models/llama4-maverick-instruct-basic', messages: [image] });
    assert.ok(maverick.usage!.prompt_tokens >= 85);
    const rejected = await post('fireworks', { model: gptOss, messages: [image] });
    assert.equal(rejected.status, 400);
    const unknown = await post('fireworks', { model: 'accounts/fireworks/models/nope', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(unknown.status, 404);
    assert.deepEqual(JSON.parse(unknown.text), { error: { object: 'error', type: 'invalid_request_error', message: 'Model not found, inaccessible, and/or not deployed' } });
  });
});

describe('Perplexity simulator', () => {
  it('answers with citations and search_results at the top level and its usage fields', async () => {
    const response = await post('perplexity', { model: 'sonar-pro', messages: [{ role: 'system', content: 'Be precise.' }, { role: 'user', content: 'Who built the first railway?' }] });
    assert.equal(response.status, 200);
    const body = JSON.parse(response.text);
    assert.ok(Array.isArray(body.citations) && body.citations.length > 0);
    assert.deepEqual(Object.keys(body.search_results[0]), ['title', 'url', 'date', 'last_updated', 'snippet', 'source']);
    assert.equal(body.usage.search_context_size, 'low');
    assert.equal(body.usage.num_search_queries, 1);
    assert.equal(typeof body.usage.cost.total_cost, 'number');
    assert.match(body.choices[0].message.content, /\[1\]/);
  });

  it('rejects messages that do not alternate after the system messages', async () => {
    const response = await post('perplexity', { model: 'sonar', messages: [{ role: 'user', content: 'Hello!' }, { role: 'user', content: 'How are you?' }] });
    assert.equal(response.status, 400);
    assert.deepEqual(JSON.parse(response.text), {
      error: { message: 'After the (optional) system message(s), user or tool message(s) should alternate with assistant message(s).', type: 'invalid_message', code: 400 },
    });
  });

  it('writes <think> reasoning into sonar-reasoning-pro content', async () => {
    const completion = await client('perplexity').chat.completions.create({ model: 'sonar-reasoning-pro', messages: [{ role: 'user', content: 'Why is the sky blue?' }] });
    assert.match(completion.choices[0]!.message.content ?? '', /^<think>\n[\s\S]+\n<\/think>\n\nYou said/);
  });

  it('streams CRLF-framed chunks that repeat citations, end with chat.completion.done and send no [DONE]', async () => {
    const raw = await post('perplexity', { model: 'sonar', messages: [{ role: 'user', content: 'stream it' }], stream: true });
    assert.ok(raw.text.includes('\r\n\r\n'));
    assert.equal(raw.text.includes('[DONE]'), false);
    const chunks = await collect(await client('perplexity').chat.completions.create({ model: 'sonar', messages: [{ role: 'user', content: 'stream it' }], stream: true }));
    assert.ok(chunks.every((chunk) => Array.isArray((chunk as unknown as { citations: string[] }).citations)));
    const last = chunks[chunks.length - 1]!;
    assert.equal(last.object as string, 'chat.completion.done');
    assert.equal(last.choices[0]!.finish_reason, 'stop');
    assert.match(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join(''), /stream it/);
  });

  it('answers unknown models with 400 invalid_model and a missing key with an HTML 401', async () => {
    const unknown = await post('perplexity', { model: 'sonar-huge', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(unknown.status, 400);
    assert.equal(JSON.parse(unknown.text).error.type, 'invalid_model');
    const unauthorized = await post('perplexity', { model: 'sonar', messages: [{ role: 'user', content: 'hi' }] }, null);
    assert.equal(unauthorized.status, 401);
    assert.match(unauthorized.headers.get('content-type') ?? '', /text\/html/);
    assert.match(unauthorized.text, /401 Authorization Required/);
  });
});

describe('faults, recording and control endpoints', () => {
  it('answers the next matching request with a fault status once, then recovers', async () => {
    simulators.addFault({ provider: 'openai', status: 429 });
    const error = await rejection(client('openai').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }));
    assert.ok(error instanceof OpenAI.RateLimitError);
    assert.equal(error.code, 'rate_limit_exceeded');
    await client('openai').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    assert.deepEqual(simulators.requests.map((request) => request.status), [429, 200]);
  });

  it('breaks a stream with an error event after some chunks', async () => {
    simulators.addFault({ model: 'gpt-4o', afterChunks: 2, breakMode: 'error-event' });
    const stream = await client('openai').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'one two three four five six seven' }], stream: true });
    const received: ChatCompletionChunk[] = [];
    await assert.rejects(async () => {
      for await (const chunk of stream) received.push(chunk);
    }, /server had an error/);
    assert.equal(received.length, 2);
    const recorded = await simulators.waitForRequest((request) => request.streamed);
    assert.equal(recorded.completed, false);
    assert.equal(recorded.aborted, false);
  });

  it('drops the connection mid-stream on a disconnect fault', async () => {
    simulators.addFault({ provider: 'xai', afterChunks: 1, breakMode: 'disconnect' });
    const stream = await client('xai').chat.completions.create({ model: 'grok-3', messages: [{ role: 'user', content: 'one two three four five six seven' }], stream: true });
    await assert.rejects(async () => {
      for await (const _chunk of stream) {
        // Drain until the connection drops.
      }
    });
  });

  it('records the full request and marks it aborted when the client disconnects mid-stream', async () => {
    simulators.addFault({ provider: 'fireworks', chunkDelayMs: 200 });
    const controller = new AbortController();
    const stream = await client('fireworks').chat.completions.create(
      { model: 'accounts/fireworks/models/llama4-scout-instruct-basic', messages: [{ role: 'user', content: 'a slow answer please' }], stream: true },
      { signal: controller.signal },
    );
    let received = 0;
    // The SDK ends the iteration quietly once its signal aborts.
    for await (const _chunk of stream) {
      received += 1;
      controller.abort();
    }
    assert.equal(received, 1);
    const recorded = await simulators.waitForRequest((request) => request.provider === 'fireworks');
    assert.equal(recorded.aborted, true);
    assert.equal(recorded.completed, false);
    assert.equal(recorded.streamed, true);
    assert.equal(recorded.path, '/fireworks/inference/v1/chat/completions');
    assert.equal(recorded.headers.authorization, 'Bearer test-key');
    assert.equal(recorded.body.messages[0].content, 'a slow answer please');
  });

  it('takes faults and hands out recorded requests over HTTP for a simulator in another process', async () => {
    const faultResponse = await fetch(`${simulators.url}/__simulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider: 'perplexity', status: 503 }) });
    assert.equal(faultResponse.status, 204);
    const failed = await post('perplexity', { model: 'sonar', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(failed.status, 503);
    const listed = await (await fetch(`${simulators.url}/__simulator/requests`)).json();
    assert.equal(listed.length, 1);
    assert.equal(listed[0].provider, 'perplexity');
    assert.equal((await fetch(`${simulators.url}/__simulator/requests`, { method: 'DELETE' })).status, 204);
    assert.equal(simulators.requests.length, 0);
  });
});

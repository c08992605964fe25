import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI, { AzureOpenAI } from 'openai';
import type { ChatCompletionChunk, ChatCompletionTool } from 'openai/resources/chat/completions';
import { AZURE_CONTENT_FILTER_TRIGGER } from '../../src/simulators/azure/azure-content-filter.ts';
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

const llama = 'meta-llama/Llama-3.1-8B-Instruct';
const qwen = 'Qwen/Qwen3-8B';
const apiVersion = '2024-10-21';

function vllm(): OpenAI {
  return new OpenAI({ baseURL: simulators.baseUrls.vllm, apiKey: 'none', maxRetries: 0 });
}

function azure(deployment = 'gpt-4o-prod', version = apiVersion): AzureOpenAI {
  return new AzureOpenAI({ endpoint: simulators.baseUrls.azureOpenai, apiKey: 'azure-test-key', apiVersion: version, deployment, maxRetries: 0 });
}

/** The raw wire answer, for bodies the SDK would reshape and for requests the SDKs would not send. */
async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function azureUrl(deployment: string, query = `?api-version=${apiVersion}`): string {
  return `${simulators.baseUrls.azureOpenai}/openai/deployments/${deployment}/chat/completions${query}`;
}

/** The `data:` payloads of an SSE body, in order. */
function dataLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice('data: '.length));
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

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
      parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city', 'unit'] },
    },
  },
];

describe('vLLM simulator', () => {
  it('answers without any key, with vLLM usage (prompt_tokens_details null) and no reasoning for Llama', async () => {
    const completion = await vllm().chat.completions.create({ model: llama, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Tell me about trains' }] });
    assert.equal(completion.model, llama);
    assert.match(completion.id, /^chatcmpl-[0-9a-f]{32}$/);
    assert.match(completion.choices[0]!.message.content ?? '', /Tell me about trains/);
    assert.equal(completion.choices[0]!.finish_reason, 'stop');
    assert.deepEqual(Object.keys(completion.usage!), ['prompt_tokens', 'total_tokens', 'completion_tokens', 'prompt_tokens_details']);
    assert.equal(completion.usage!.prompt_tokens_details, null);
    assert.equal(completion.usage!.total_tokens, completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    const message = completion.choices[0]!.message as unknown as Record<string, unknown>;
    assert.equal(message.reasoning, null);
    assert.equal('tool_calls' in message, false, 'an empty tool_calls list is left out');

    const raw = await post(`${simulators.baseUrls.vllm}/chat/completions`, { model: llama, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(raw.status, 200, 'no Authorization header at all is fine too');
    assert.equal(simulators.requests[1]!.headers.authorization, undefined);
  });

  it('falls back to the first served model when the body names none, and takes the developer role', async () => {
    const raw = await post(`${simulators.baseUrls.vllm}/chat/completions`, { messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'hi' }] });
    assert.equal(raw.status, 200);
    assert.equal(JSON.parse(raw.text).model, llama);
  });

  it('returns Qwen3 thinking in `reasoning`, counted in completion_tokens, unless enable_thinking is off', async () => {
    const completion = await vllm().chat.completions.create({ model: qwen, messages: [{ role: 'user', content: 'What is 101 times 3?' }] });
    const message = completion.choices[0]!.message as typeof completion.choices[0]['message'] & { reasoning?: string | null; reasoning_content?: string };
    assert.ok(message.reasoning && message.reasoning.length > 0);
    assert.equal(message.reasoning_content, undefined, 'current vLLM no longer sends reasoning_content');
    const withoutThinking = await post(`${simulators.baseUrls.vllm}/chat/completions`, { model: qwen, messages: [{ role: 'user', content: 'hi' }], chat_template_kwargs: { enable_thinking: false } });
    assert.equal(JSON.parse(withoutThinking.text).choices[0].message.reasoning, null);
    assert.ok(completion.usage!.completion_tokens > JSON.parse(withoutThinking.text).usage.completion_tokens);
  });

  it('streams reasoning and content deltas, usage only with stream_options, and ends with [DONE]', async () => {
    const chunks = await collect(await vllm().chat.completions.create({ model: qwen, messages: [{ role: 'user', content: 'Stream a few words please' }], stream: true }));
    assert.deepEqual(chunks[0]!.choices[0]!.delta, { role: 'assistant', content: '' });
    assert.ok(chunks.some((chunk) => (chunk.choices[0]?.delta as { reasoning?: string } | undefined)?.reasoning));
    assert.match(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join(''), /Stream a few words please/);
    assert.ok(chunks.every((chunk) => chunk.usage === undefined));
    assert.equal(chunks[chunks.length - 1]!.choices[0]!.finish_reason, 'stop');

    const raw = await post(`${simulators.baseUrls.vllm}/chat/completions`, { model: llama, messages: [{ role: 'user', content: 'hi there' }], stream: true, stream_options: { include_usage: true } });
    assert.match(raw.headers.get('content-type') ?? '', /^text\/event-stream/);
    const data = dataLines(raw.text);
    assert.equal(data[data.length - 1], '[DONE]');
    const usageChunk = JSON.parse(data[data.length - 2]!);
    assert.deepEqual(usageChunk.choices, []);
    assert.deepEqual(Object.keys(usageChunk.usage), ['prompt_tokens', 'total_tokens', 'completion_tokens']);
    for (const payload of data.slice(0, -2)) assert.equal('usage' in JSON.parse(payload), false);

    // StreamOptions.include_usage defaults to true: sending stream_options at all asks for usage.
    const defaulted = dataLines((await post(`${simulators.baseUrls.vllm}/chat/completions`, { model: llama, messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: {} })).text);
    assert.ok(JSON.parse(defaulted[defaulted.length - 2]!).usage);
  });

  it('calls tools with chatcmpl-tool- ids, null content and finish_reason tool_calls, streamed name first', async () => {
    const completion = await vllm().chat.completions.create({ model: llama, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: weatherTools });
    const choice = completion.choices[0]!;
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.content, null);
    const toolCall = choice.message.tool_calls![0]!;
    assert.match(toolCall.id, /^chatcmpl-tool-[0-9a-f]{32}$/);
    assert.equal(toolCall.type === 'function' && toolCall.function.name, 'get_weather');

    const chunks = await collect(await vllm().chat.completions.create({ model: qwen, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: weatherTools, stream: true }));
    const calls = reassembleToolCalls(chunks);
    assert.equal(calls.length, 1);
    assert.deepEqual(Object.keys(JSON.parse(calls[0]!.arguments)), ['city', 'unit']);
    assert.equal(chunks[chunks.length - 1]!.choices[0]!.finish_reason, 'tool_calls');

    const second = await vllm().chat.completions.create({
      model: llama,
      messages: [{ role: 'user', content: 'Weather in Paris?' }, choice.message, { role: 'tool', tool_call_id: toolCall.id, content: '18 C and sunny' }],
      tools: weatherTools,
    });
    assert.match(second.choices[0]!.message.content ?? '', /18 C and sunny/);
  });

  it('answers a named tool_choice with finish_reason stop and empty content, as its structured-output path does', async () => {
    const completion = await vllm().chat.completions.create({
      model: llama,
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: weatherTools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    assert.equal(completion.choices[0]!.finish_reason, 'stop');
    assert.equal(completion.choices[0]!.message.content, '');
    assert.equal(completion.choices[0]!.message.tool_calls!.length, 1);
  });

  it('answers an unknown model with 404 in the nested ErrorResponse shape', async () => {
    const raw = await post(`${simulators.baseUrls.vllm}/chat/completions`, { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(raw.status, 404);
    assert.deepEqual(JSON.parse(raw.text), { error: { message: 'The model `gpt-4o` does not exist.', type: 'NotFoundError', param: 'model', code: 404 } });
    const error = await rejection(vllm().chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }));
    assert.ok(error instanceof OpenAI.NotFoundError);
    assert.equal(error.message, '404 The model `nope` does not exist.');
  });

  it('refuses images on a text-only model, a second tool call in one Llama message, and max_tokens past the context', async () => {
    const image = await post(`${simulators.baseUrls.vllm}/chat/completions`, {
      model: llama,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }],
    });
    assert.equal(image.status, 400);
    assert.deepEqual(JSON.parse(image.text).error, { message: `${llama} is not a multimodal model`, type: 'BadRequestError', param: null, code: 400 });

    const twoCalls = {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'a', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
        { id: 'b', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
      ],
    };
    const template = await post(`${simulators.baseUrls.vllm}/chat/completions`, {
      model: llama,
      messages: [{ role: 'user', content: 'hi' }, twoCalls, { role: 'tool', tool_call_id: 'a', content: 'x' }, { role: 'tool', tool_call_id: 'b', content: 'y' }],
    });
    assert.equal(template.status, 400);
    assert.equal(JSON.parse(template.text).error.message, 'This model only supports single tool-calls at once!');

    const tooLong = await post(`${simulators.baseUrls.vllm}/chat/completions`, { model: qwen, messages: [{ role: 'user', content: 'hi' }], max_tokens: 50_000 });
    assert.equal(tooLong.status, 400);
    const body = JSON.parse(tooLong.text).error;
    assert.equal(body.param, 'max_tokens');
    assert.match(body.message, /^'max_tokens' or 'max_completion_tokens' is too large: 50000\. This model's maximum context length is 40960 tokens/);
  });

  it("lists vLLM's model cards", async () => {
    const response = await fetch(`${simulators.baseUrls.vllm}/models`);
    assert.equal(response.status, 200);
    const list = await response.json();
    assert.equal(list.object, 'list');
    const card = list.data.find((entry: { id: string }) => entry.id === qwen);
    assert.equal(card.owned_by, 'vllm');
    assert.equal(card.root, qwen);
    assert.equal(card.parent, null);
    assert.equal(card.max_model_len, 40_960);
    assert.equal(card.permission[0].object, 'model_permission');
  });

  it('takes faults: a status answered in its error shape, a broken stream ending with the error and [DONE]', async () => {
    simulators.addFault({ provider: 'vllm', status: 503 });
    const unavailable = await post(`${simulators.baseUrls.vllm}/chat/completions`, { model: llama, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(unavailable.status, 503);
    assert.deepEqual(JSON.parse(unavailable.text), { error: { message: 'Service Unavailable', type: 'Service Unavailable', param: null, code: 503 } });

    simulators.addFault({ provider: 'vllm', model: llama, afterChunks: 2, breakMode: 'error-event' });
    const broken = await post(`${simulators.baseUrls.vllm}/chat/completions`, { model: llama, messages: [{ role: 'user', content: 'one two three four five six' }], stream: true });
    const data = dataLines(broken.text);
    assert.equal(data.length, 4);
    assert.equal(JSON.parse(data[2]!).error.type, 'InternalServerError');
    assert.equal(data[3], '[DONE]');
  });
});

describe('Azure OpenAI simulator', () => {
  it('answers on the deployment route with the deployment model, content filter annotations and Azure headers', async () => {
    const { data, response } = await azure()
      .chat.completions.create({ model: 'ignored-by-azure', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Tell me about trains' }] })
      .withResponse();
    assert.equal(data.model, 'gpt-4o-2024-11-20');
    assert.match(data.id, /^chatcmpl-/);
    assert.match(data.choices[0]!.message.content ?? '', /Tell me about trains/);
    const body = data as unknown as { prompt_filter_results: { prompt_index: number; content_filter_results: Record<string, unknown> }[]; system_fingerprint: string; choices: { content_filter_results: Record<string, unknown> }[] };
    assert.equal(body.prompt_filter_results[0]!.prompt_index, 0);
    assert.deepEqual(body.prompt_filter_results[0]!.content_filter_results.jailbreak, { filtered: false, detected: false });
    for (const category of ['hate', 'self_harm', 'sexual', 'violence']) {
      assert.deepEqual(body.choices[0]!.content_filter_results[category], { filtered: false, severity: 'safe' });
    }
    assert.match(body.system_fingerprint, /^fp_[0-9a-f]{10}$/);
    assert.match(response.headers.get('apim-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(response.headers.get('x-ms-region'), 'East US');
    assert.ok(Number(response.headers.get('x-ratelimit-remaining-requests')) > 0);
    assert.ok(Number(response.headers.get('x-ratelimit-remaining-tokens')) > 0);

    const recorded = simulators.requests[0]!;
    assert.equal(recorded.provider, 'azure-openai');
    assert.equal(recorded.path, `/azure/openai/deployments/gpt-4o-prod/chat/completions?api-version=${apiVersion}`);
    assert.equal(recorded.headers['api-key'], 'azure-test-key');

    const mini = await azure('gpt-4.1-mini').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(mini.model, 'gpt-4.1-mini-2025-04-14', 'the deployment, not the body, chooses the model');
  });

  it('streams a first chunk with only prompt_filter_results, then choices, then usage with include_usage, then [DONE]', async () => {
    const chunks = await collect(
      await azure().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Stream a few words please' }], stream: true, stream_options: { include_usage: true } }),
    );
    const first = chunks[0] as unknown as Record<string, unknown>;
    assert.deepEqual(first.choices, []);
    assert.equal(first.id, '');
    assert.equal(first.model, '');
    assert.equal(first.created, 0);
    assert.ok(Array.isArray(first.prompt_filter_results));
    const last = chunks[chunks.length - 1]!;
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage && last.usage.completion_tokens > 0);
    assert.equal(last.model, 'gpt-4o-2024-11-20');
    assert.match(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join(''), /Stream a few words please/);
    assert.equal(chunks[chunks.length - 2]!.choices[0]!.finish_reason, 'stop');

    const raw = await post(azureUrl('gpt-4o-prod'), { messages: [{ role: 'user', content: 'hi' }], stream: true }, { 'api-key': 'k' });
    const data = dataLines(raw.text);
    assert.equal(data[data.length - 1], '[DONE]');
    assert.ok(data.slice(1, -1).every((payload) => !('usage' in JSON.parse(payload))), 'no usage without include_usage');
  });

  it('calls tools, whole and streamed', async () => {
    const completion = await azure().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: weatherTools });
    const toolCall = completion.choices[0]!.message.tool_calls![0]!;
    assert.equal(completion.choices[0]!.finish_reason, 'tool_calls');
    assert.match(toolCall.id, /^call_[A-Za-z0-9]{24}$/);
    assert.equal(toolCall.type === 'function' && toolCall.function.name, 'get_weather');

    const chunks = await collect(await azure().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: weatherTools, stream: true }));
    const calls = reassembleToolCalls(chunks);
    assert.equal(calls[0]!.name, 'get_weather');
    assert.deepEqual(Object.keys(JSON.parse(calls[0]!.arguments)), ['city', 'unit']);
    assert.equal(chunks[chunks.length - 1]!.choices[0]!.finish_reason, 'tool_calls');
  });

  it("answers a missing key with Azure's 401 and takes an Entra ID bearer token", async () => {
    const missing = await post(azureUrl('gpt-4o-prod'), { messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(missing.status, 401);
    assert.deepEqual(JSON.parse(missing.text), {
      error: {
        code: '401',
        message:
          'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
      },
    });
    const entra = await post(azureUrl('gpt-4o-prod'), { messages: [{ role: 'user', content: 'hi' }] }, { authorization: 'Bearer entra-token' });
    assert.equal(entra.status, 200);
  });

  it('answers an unknown deployment with 404 DeploymentNotFound', async () => {
    const error = await rejection(azure('no-such-deployment').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }));
    assert.ok(error instanceof OpenAI.NotFoundError);
    assert.equal(error.code, 'DeploymentNotFound');
    const raw = await post(azureUrl('no-such-deployment'), { messages: [{ role: 'user', content: 'hi' }] }, { 'api-key': 'k' });
    assert.deepEqual(JSON.parse(raw.text), {
      error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' },
    });
  });

  it('answers a missing api-version with 404 Resource not found and an unknown one with 400', async () => {
    const missing = await post(azureUrl('gpt-4o-prod', ''), { messages: [{ role: 'user', content: 'hi' }] }, { 'api-key': 'k' });
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.text), { error: { code: '404', message: 'Resource not found' } });
    const unknown = await post(azureUrl('gpt-4o-prod', '?api-version=2099-01-01'), { messages: [{ role: 'user', content: 'hi' }] }, { 'api-key': 'k' });
    assert.equal(unknown.status, 400);
    assert.deepEqual(JSON.parse(unknown.text), { error: { code: 'BadRequest', message: 'API version not supported' } });
  });

  it('refuses a prompt with the content filter trigger with the 400 content_filter error', async () => {
    const error = await rejection(azure().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: `Please ${AZURE_CONTENT_FILTER_TRIGGER} now` }] }));
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.equal(error.code, 'content_filter');
    assert.equal(error.param, 'prompt');
    const inner = (error.error as { innererror: { code: string; content_filter_result: Record<string, { filtered: boolean }> } }).innererror;
    assert.equal(inner.code, 'ResponsibleAIPolicyViolation');
    assert.equal(inner.content_filter_result.violence!.filtered, true);
  });

  it('refuses the developer role and stream_options on API versions that do not know them', async () => {
    const developer = await rejection(azure().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'hi' }] }));
    assert.equal(developer.message, "400 Invalid value: 'developer'. Supported values are: 'system', 'assistant', 'user', 'function', and 'tool'.");
    assert.equal(developer.param, 'messages[0].role');
    const preview = await azure('gpt-4o-prod', '2025-04-01-preview').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'hi' }] });
    assert.equal(preview.choices[0]!.finish_reason, 'stop');

    const streamOptions = await rejection(
      azure('gpt-4o-prod', '2024-06-01').chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } }),
    );
    assert.equal(streamOptions.code, 'unknown_parameter');
  });

  it('answers a 429 fault, matched by deployment, with the quota message and retry-after', async () => {
    simulators.addFault({ provider: 'azure-openai', model: 'gpt-4.1-mini', status: 429 });
    const raw = await post(azureUrl('gpt-4.1-mini'), { messages: [{ role: 'user', content: 'hi' }] }, { 'api-key': 'k' });
    assert.equal(raw.status, 429);
    assert.equal(raw.headers.get('retry-after'), '6');
    const body = JSON.parse(raw.text);
    assert.equal(body.error.code, '429');
    assert.match(body.error.message, /^Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier\. Please retry after 6 seconds\./);
    const recovered = await azure('gpt-4.1-mini').chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(recovered.model, 'gpt-4.1-mini-2025-04-14');
  });
});

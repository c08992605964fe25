import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { computeCost } from '../../src/metering/compute-cost.ts';
import { estimateAbortedUsage } from '../../src/usage/estimate-aborted-usage.ts';
import { PROVIDER_KEYS, startStack, type Stack } from '../support/start-stack.ts';

const SECOND_KEY = 'sk-ant-test-second-deployment-777777777777';

/** The chunks of a streamed chat completion, read whole: its text, its finish reason, its usage, its chunk ids. */
async function readStream(response: Response) {
  const text = await response.text();
  const chunks = text
    .split('\n\n')
    .map((event) => event.replace(/^data: /, ''))
    .filter((data) => data !== '' && data !== '[DONE]')
    .map((data) => JSON.parse(data) as Record<string, any>);
  return {
    raw: text,
    content: chunks.map((chunk) => chunk.choices?.[0]?.delta?.content ?? '').join(''),
    finishReason: chunks.map((chunk) => chunk.choices?.[0]?.finish_reason).find(Boolean) as string | undefined,
    usage: chunks.find((chunk) => chunk.usage)?.usage as { prompt_tokens: number; completion_tokens: number } | undefined,
    ids: new Set(chunks.map((chunk) => chunk.id)),
    roles: chunks.filter((chunk) => chunk.choices?.[0]?.delta?.role).length,
  };
}

describe('stream_resume: a stream broken midway through text is continued on another deployment', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ SWITCHYARD_MAX_RETRIES: '1' }, {
      configYaml: (simulators) => `
providers:
  anthropic:
    deployments:
      - { name: first, baseUrl: "${simulators.baseUrls.anthropic}", apiKey: ${PROVIDER_KEYS.anthropic}, weight: 1000000 }
      - { name: second, baseUrl: "${simulators.baseUrls.anthropic}", apiKey: ${SECOND_KEY}, weight: 1 }
models:
  - id: claude-haiku-4-5
    streamResume: true
`,
    });
  });
  after(() => stack.close());
  beforeEach(() => stack.simulators.reset());

  const ask = (body: Record<string, unknown>) =>
    fetch(`${stack.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Tell me a long story about a lighthouse keeper' }], max_tokens: 400, stream: true, stream_options: { include_usage: true }, ...body }),
    });

  test('on request (stream_resume: true): one stream for the client, the continuation prefilled with the delivered text, billed for both calls', async () => {
    stack.simulators.addFault({ provider: 'anthropic', afterChunks: 6, breakMode: 'disconnect' });
    const response = await ask({ model: 'claude-sonnet-4-6', stream_resume: true });
    assert.equal(response.status, 200);
    const stream = await readStream(response);
    assert.equal(stream.finishReason, 'stop', stream.raw);
    assert.equal(stream.ids.size, 1, 'every chunk carries the first stream\'s id');
    assert.equal(stream.roles, 1, 'one role chunk');
    assert.doesNotMatch(stream.raw, /"error"/);

    const calls = stack.simulators.requests.filter((request) => request.provider === 'anthropic');
    assert.equal(calls.length, 2, 'the broken call and its continuation');
    const [broken, continuation] = calls as [(typeof calls)[0], (typeof calls)[0]];
    assert.equal(broken.completed, false);
    assert.equal(continuation.headers['x-api-key'], SECOND_KEY, 'the continuation went to the deployment not tried yet');
    assert.equal((continuation.body as Record<string, unknown>).stream_resume, undefined, 'stream_resume is never forwarded');
    const messages = (continuation.body as { messages: { role: string; content: unknown }[] }).messages;
    const prefill = messages.at(-1)!;
    assert.equal(prefill.role, 'assistant');
    const prefillText = typeof prefill.content === 'string' ? prefill.content : (prefill.content as { text: string }[]).map((block) => block.text).join('');
    assert.ok(prefillText.length > 0, 'text was delivered before the break');
    assert.ok(stream.content.startsWith(prefillText), 'the client\'s text starts with the prefill');
    assert.ok(stream.content.length > prefillText.length, 'and goes on with the continuation');
    assert.equal(prefillText, prefillText.trimEnd(), 'no trailing whitespace in a prefill (Anthropic refuses it)');

    // Billed: the continuation's reported usage plus the broken call's by the aborted-stream rule.
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.equal(record.status, 200);
    assert.ok(stream.usage, 'the usage chunk the client asked for');
    assert.equal(record.promptTokens, stream.usage!.prompt_tokens, 'the client is shown what is billed');
    assert.equal(record.completionTokens, stream.usage!.completion_tokens);
    const brokenOutput = estimateAbortedUsage(undefined, prefillText, () => 0).completionTokens;
    assert.ok(record.completionTokens! >= brokenOutput + 1, `both calls' output is billed (${record.completionTokens} ≥ ${brokenOutput} + the continuation's)`);
    const model = stack.gateway.switchyard.catalog.find('claude-sonnet-4-6')!;
    assert.equal(record.cost, computeCost({ promptTokens: record.promptTokens!, cachedPromptTokens: record.cachedPromptTokens ?? undefined, cacheWriteTokens: record.cacheWriteTokens ?? undefined, completionTokens: record.completionTokens! }, model.pricing));
  });

  test('per model (YAML streamResume: true), and a request may turn it off', async () => {
    stack.simulators.addFault({ provider: 'anthropic', afterChunks: 6, breakMode: 'disconnect' });
    const resumed = await readStream(await ask({ model: 'claude-haiku-4-5' }));
    assert.equal(resumed.finishReason, 'stop', resumed.raw);

    stack.simulators.addFault({ provider: 'anthropic', afterChunks: 6, breakMode: 'disconnect' });
    const off = await readStream(await ask({ model: 'claude-haiku-4-5', stream_resume: false }));
    assert.equal(off.finishReason, undefined);
    assert.match(off.raw, /upstream_stream_interrupted/, 'the stream ends with its error event');
  });

  test('off by default; never for a stream that started a tool call; a bad value is a 400', async () => {
    stack.simulators.addFault({ provider: 'anthropic', afterChunks: 6, breakMode: 'disconnect' });
    const plain = await readStream(await ask({ model: 'claude-sonnet-4-6' }));
    assert.match(plain.raw, /upstream_stream_interrupted/);

    stack.simulators.addFault({ provider: 'anthropic', afterChunks: 5, breakMode: 'disconnect' });
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const toolCall = await readStream(await ask({ model: 'claude-sonnet-4-6', stream_resume: true, tools, tool_choice: 'required' }));
    assert.match(toolCall.raw, /upstream_stream_interrupted/, 'an open tool call is not continued');
    assert.equal(stack.simulators.requests.filter((request) => request.provider === 'anthropic').length, 2, 'no continuation was sent');

    const refused = await ask({ model: 'claude-sonnet-4-6', stream_resume: 'yes' });
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: { param: string } }).error.param, 'stream_resume');
  });
});

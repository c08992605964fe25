import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionChunk, ChatRequest, ChatStreamEvent } from '../../src/core/chat-types.ts';
import { GATEWAY_ERRORS } from '../../src/core/gateway-error.ts';
import { readChatUsage } from '../../src/core/usage.ts';
import { canResumeStream, resumeBrokenStream } from '../../src/gateway/resume-broken-stream.ts';

const request: ChatRequest = { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Hi' }], stream: true };

function chunk(id: string, delta: Record<string, unknown>, extra: Partial<ChatCompletionChunk> = {}): ChatStreamEvent {
  return { chunk: { id, object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: null }], ...extra } };
}

/** An upstream stream of `events` that breaks after them when `breaks` is set. */
async function* upstream(events: ChatStreamEvent[], breaks: boolean): AsyncGenerator<ChatStreamEvent> {
  yield* events;
  if (breaks) throw GATEWAY_ERRORS.upstreamStreamInterrupted('anthropic', 'the connection closed');
}

function resumed(events: ChatStreamEvent[], continuation: ChatStreamEvent[], original: ChatRequest = request) {
  const restarts: ChatRequest[] = [];
  const [first, ...rest] = events;
  const iterator = upstream(rest, true);
  const stream = resumeBrokenStream({ done: false, value: first! }, iterator, {
    request: original,
    restart: async (continued) => {
      restarts.push(continued);
      const next = upstream(continuation, false);
      return { first: await next.next(), events: next };
    },
    readUsage: readChatUsage,
    estimatePromptTokens: () => 10,
    onResumed: () => undefined,
  });
  return { restarts, read: async () => {
    const out: ChatCompletionChunk[] = [first!.chunk];
    for (;;) {
      const next = await stream.next();
      if (next.done) return out;
      out.push(next.value.chunk);
    }
  } };
}

describe('resumeBrokenStream', () => {
  it('continues from the text delivered, trailing whitespace kept out of the prefill and out of the continuation', async () => {
    const { restarts, read } = resumed([chunk('a', { role: 'assistant', content: '' }), chunk('a', { content: 'Once upon ' })], [
      chunk('b', { role: 'assistant', content: '' }),
      chunk('b', { content: ' a time.' }),
      { chunk: { ...chunk('b', {}).chunk, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 } } },
    ]);
    const chunks = await read();
    assert.deepEqual(restarts[0]!.messages.at(-1), { role: 'assistant', content: 'Once upon' });
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Once upon a time.');
    assert.ok(chunks.every((c) => c.id === 'a'));
    const usage = chunks.at(-1)!.usage!;
    assert.equal(usage.prompt_tokens, 12 + 10, 'the broken call\'s estimated prompt is added');
    assert.ok(usage.completion_tokens > 4, 'and its delivered output');
  });

  it("the continuation's output limit is the request's less what was delivered; nothing left, no continuation", async () => {
    const delivered = [chunk('a', { role: 'assistant', content: '' }), chunk('a', { content: 'Once upon a time there was' })];
    const continued = resumed(delivered, [chunk('b', { content: ' a keeper.' })], { ...request, max_tokens: 100 });
    await continued.read();
    const limit = continued.restarts[0]!.max_tokens!;
    assert.ok(limit < 100 && limit > 90, `max_tokens ${limit}`);
    const spent = resumed(delivered, [], { ...request, max_completion_tokens: 3 });
    await assert.rejects(spent.read(), /stream ended abnormally/);
    assert.equal(spent.restarts.length, 0);
  });

  it('does not continue once a tool call or reasoning started', async () => {
    for (const delta of [{ tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '' } }] }, { reasoning_content: 'Let me think' }]) {
      const { restarts, read } = resumed([chunk('a', { content: 'Sure. ' }), chunk('a', delta)], []);
      await assert.rejects(read(), /stream ended abnormally/);
      assert.equal(restarts.length, 0);
    }
  });

  it('does not continue a stream that broke before any text', async () => {
    const none = resumed([chunk('a', { role: 'assistant', content: '' })], []);
    await assert.rejects(none.read(), /stream ended abnormally/);
    assert.equal(none.restarts.length, 0);
  });

  it('applies to one choice without thinking and without a prefill of the client\'s own', () => {
    assert.equal(canResumeStream(request), true);
    assert.equal(canResumeStream({ ...request, n: 2 }), false);
    assert.equal(canResumeStream({ ...request, reasoning_effort: 'high' }), false);
    assert.equal(canResumeStream({ ...request, messages: [...request.messages, { role: 'assistant', content: 'Well,' }] }), false);
  });
});

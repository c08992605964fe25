import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { encodeResponsesUsage } from '../../../src/dialects/openai-responses/encode-responses-usage.ts';
import { readResponsesUsage } from '../../../src/dialects/openai-responses/read-responses-usage.ts';
import { createResponsesStreamTap } from '../../../src/dialects/openai-responses/tap-responses-stream.ts';
import { readSseEvents } from '../../../src/streaming/read-sse-events.ts';

const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url);

describe('Responses usage', () => {
  it("reads OpenAI's usage object in the gateway's terms (cached input inside input, reasoning inside output)", () => {
    const body = JSON.parse(readFileSync(fixture('openai-gpt-5-mini-tool-call.response.json'), 'utf8'));
    const usage = body.usage;
    assert.deepEqual(readResponsesUsage(usage), {
      promptTokens: usage.input_tokens,
      cachedPromptTokens: usage.input_tokens_details.cached_tokens,
      cacheWriteTokens: usage.input_tokens_details.cache_write_tokens,
      completionTokens: usage.output_tokens,
      reasoningTokens: usage.output_tokens_details.reasoning_tokens,
    });
    assert.equal(readResponsesUsage(null), undefined);
    assert.equal(readResponsesUsage({}), undefined);
    assert.deepEqual(readResponsesUsage({ input_tokens: 5, output_tokens: 0 }), { promptTokens: 5, completionTokens: 0, cachedPromptTokens: undefined, cacheWriteTokens: undefined, reasoningTokens: undefined });
  });

  it('writes the gateway usage back as a Responses usage object; counts never reported are written as 0', () => {
    assert.deepEqual(encodeResponsesUsage({ promptTokens: 10, completionTokens: 4 }), {
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 4,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 14,
    });
    assert.equal(encodeResponsesUsage({ promptTokens: 10, completionTokens: 4, cacheWriteTokens: 6 })?.input_tokens_details.cache_write_tokens, 6);
    assert.equal(encodeResponsesUsage(undefined), null);
  });
});

describe('createResponsesStreamTap', () => {
  it('follows an OpenAI stream (wire bytes captured from the simulator): the id from response.created, the usage from response.completed, the first delta timed', async () => {
    const tap = createResponsesStreamTap();
    const seen: string[] = [];
    let finalUsage: unknown;
    for await (const event of readSseEvents([readFileSync(fixture('openai-gpt-5-mini-text.responses.sse'))])) {
      if (tap.observe(event) === 'created') seen.push(tap.objectId!);
      const data = JSON.parse(event.data);
      if (data.type === 'response.completed') finalUsage = data.response.usage;
    }
    assert.equal(seen.length, 1, "the id is announced once, on the first event");
    assert.match(seen[0]!, /^resp_/);
    assert.equal(tap.background, false);
    assert.equal(tap.complete('client_aborted'), true, 'whole once response.completed was relayed, however the connection ended');
    assert.deepEqual(tap.usage(), readResponsesUsage(finalUsage as never));
    assert.ok(tap.firstOutputAt !== undefined);
  });

  it('a stream that stops early is not finished and reports no usage', async () => {
    const tap = createResponsesStreamTap();
    const text = readFileSync(fixture('openai-gpt-5-mini-text.responses.sse'), 'utf8');
    const early = text.slice(0, text.indexOf('event: response.output_item.added'));
    for await (const event of readSseEvents([early])) tap.observe(event);
    assert.equal(tap.complete('completed'), false);
    assert.equal(tap.usage(), undefined);
    assert.match(tap.objectId ?? '', /^resp_/);
  });
});

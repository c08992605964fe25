import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { BUILTIN_MODELS } from '../../../src/catalog/builtin-models.ts';
import { boundRequestCost } from '../../../src/metering/bound-request-cost.ts';
import { computeCost } from '../../../src/metering/compute-cost.ts';

const model = (id: string) => BUILTIN_MODELS.find((candidate) => candidate.id === id)!;

describe('boundRequestCost: the reservation, the most a request can cost', () => {
  test('is never below the cost of the prompt at its real token count plus the most output the request allows', () => {
    const text = 'Les cœurs légers 🚂 — 世界 multilingual text, emoji and punctuation!? '.repeat(50);
    const body = { model: 'gpt-5-mini', max_tokens: 300, messages: [{ role: 'system', content: text }, { role: 'user', content: [{ type: 'text', text }] }] };
    const worst = computeCost({ promptTokens: countTokens(text) * 2 + 20, completionTokens: 300 }, model('gpt-5-mini').pricing);
    assert.ok(boundRequestCost(body, model('gpt-5-mini')) >= worst);
  });

  test('uses the request\'s own output limit on every surface, else the model\'s, times n', () => {
    const gpt = model('gpt-5-mini');
    const output = (tokens: number) => computeCost({ promptTokens: 0, completionTokens: tokens }, gpt.pricing);
    /** What 100 more output tokens allowed add to the reservation (±1 for rounding). */
    const added = (limited: (limit: number) => Record<string, unknown>) => boundRequestCost(limited(200), gpt) - boundRequestCost(limited(100), gpt);
    const messages = [{ role: 'user', content: 'Hi' }];
    for (const field of ['max_tokens', 'max_completion_tokens', 'max_output_tokens']) {
      assert.ok(Math.abs(added((limit) => ({ messages, [field]: limit })) - output(100)) <= 1, field);
    }
    assert.ok(Math.abs(added((limit) => ({ messages, max_tokens: limit, n: 3 })) - output(300)) <= 1, 'n choices');
    assert.ok(boundRequestCost({ messages }, gpt) >= output(gpt.maxOutputTokens), 'no limit: the model\'s');
  });

  test('counts an image as a fixed number of tokens, not its base64 bytes', () => {
    const image = `data:image/png;base64,${'A'.repeat(1_000_000)}`;
    const body = { max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: image } }] }] };
    const pricing = model('gpt-5-mini').pricing;
    assert.ok(boundRequestCost(body, model('gpt-5-mini')) < computeCost({ promptTokens: 10_000, completionTokens: 1 }, pricing));
    const anthropic = { max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(1_000_000) } }] }] };
    assert.ok(boundRequestCost(anthropic, model('claude-haiku-4-5')) < computeCost({ promptTokens: 10_000, completionTokens: 1 }, model('claude-haiku-4-5').pricing));
  });

  test('prices the prompt at the cache-write price where that is dearer (Claude)', () => {
    const text = 'x'.repeat(1_000);
    const claude = model('claude-haiku-4-5');
    const body = { max_tokens: 1, messages: [{ role: 'user', content: text }] };
    assert.ok(boundRequestCost(body, claude) >= computeCost({ promptTokens: 1_000, cacheWriteTokens: 1_000, completionTokens: 1 }, claude.pricing));
  });

  test('a huge output limit or n reserves at most the model\'s output limit, as a safe integer (a max_tokens of 1e308 once made the reservation Infinity)', () => {
    const gpt = model('gpt-5-mini');
    const messages = [{ role: 'user', content: 'Hi' }];
    const atModelLimit = boundRequestCost({ messages, max_tokens: gpt.maxOutputTokens }, gpt);
    for (const field of ['max_tokens', 'max_completion_tokens', 'max_output_tokens']) {
      const reservation = boundRequestCost({ messages, [field]: 1e308 }, gpt);
      assert.ok(Number.isSafeInteger(reservation), field);
      assert.equal(reservation, atModelLimit, field);
    }
    const manyChoices = boundRequestCost({ messages, max_tokens: 1e308, n: 1e308 }, gpt);
    assert.ok(Number.isSafeInteger(manyChoices));
    assert.ok(manyChoices <= atModelLimit * 128);
  });
});


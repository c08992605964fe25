import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type OpenAI from 'openai';
import { startStack, type Stack } from '../support/start-stack.ts';

const TOOLS: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];

/**
 * One conversation, several providers (a model switch, a fallback): tool calls made by one
 * provider are sent to another. Once a Gemini call id carrying its thought signature (~156
 * characters) was refused by OpenAI, and `functions.get_weather:0` by Anthropic.
 */
describe('tool calls made by one provider, continued on another', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  const history = (callId: string): OpenAI.ChatCompletionMessageParam[] => [
    { role: 'user', content: 'What is the weather in Paris?' },
    { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', tool_call_id: callId, content: 'Sunny, 21 °C' },
  ];

  test('a Gemini call (its id carrying the thought signature) continued on gpt-5-mini and on Claude', async () => {
    const first = await stack.client().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'What is the weather in Paris?' }], tools: TOOLS });
    const geminiId = first.choices[0]!.message.tool_calls![0]!.id;
    assert.ok(geminiId.length > 40, `a long Gemini id (${geminiId.length} characters)`);
    for (const model of ['gpt-5-mini', 'claude-sonnet-4-6']) {
      const answer = await stack.client().chat.completions.create({ model, messages: history(geminiId), tools: TOOLS });
      assert.match(String(answer.choices[0]!.message.content), /Sunny, 21 °C/, model);
    }
    // Back on Gemini, the original id still carries its signature.
    const back = await stack.client().chat.completions.create({ model: 'gemini-2.5-flash', messages: history(geminiId), tools: TOOLS });
    assert.match(String(back.choices[0]!.message.content), /Sunny, 21 °C/);
  });

  test("an id Anthropic refuses (`functions.get_weather:0`) reaches Claude as one it takes, the same for the call and its result", async () => {
    const answer = await stack.client().chat.completions.create({ model: 'claude-sonnet-4-6', messages: history('functions.get_weather:0'), tools: TOOLS });
    assert.match(String(answer.choices[0]!.message.content), /Sunny, 21 °C/);
    const sent = stack.simulators.requests.at(-1)!.body as { messages: { content: { type: string; id?: string; tool_use_id?: string }[] }[] };
    const toolUse = sent.messages[1]!.content.find((block) => block.type === 'tool_use')!;
    const toolResult = sent.messages[2]!.content.find((block) => block.type === 'tool_result')!;
    assert.match(toolUse.id!, /^[a-zA-Z0-9_-]+$/);
    assert.equal(toolResult.tool_use_id, toolUse.id);
  });

  test('ids a provider accepts are sent as they are', async () => {
    await stack.client().chat.completions.create({ model: 'gpt-5-mini', messages: history('call_abc123'), tools: TOOLS });
    const sent = stack.simulators.requests.at(-1)!.body as { messages: { tool_calls?: { id: string }[]; tool_call_id?: string }[] };
    assert.deepEqual([sent.messages[1]!.tool_calls![0]!.id, sent.messages[2]!.tool_call_id], ['call_abc123', 'call_abc123']);
  });
});

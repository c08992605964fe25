import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { CatalogModel } from '../../src/catalog/catalog-model.ts';
import { startStack, type Stack } from './start-stack.ts';

export const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] },
  },
};
export const TIME_TOOL = {
  type: 'function' as const,
  function: { name: 'get_time', description: 'Current time in a zone', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } },
};
/** A 1×1 PNG as a data URL. */
export const IMAGE_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

export interface CollectedCall {
  id: string;
  name: string;
  arguments: string;
}

/** Reassembles a chat stream the way OpenAI SDK users do: text, reasoning, and tool calls by `index`. */
export async function collectChatStream(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  const calls: CollectedCall[] = [];
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  let text = '';
  let reasoning = '';
  let finishReason: string | null = null;
  for await (const chunk of stream) {
    chunks.push(chunk);
    const choice = chunk.choices[0];
    if (!choice) continue;
    text += choice.delta.content ?? '';
    reasoning += (choice.delta as { reasoning_content?: string }).reasoning_content ?? '';
    for (const delta of choice.delta.tool_calls ?? []) {
      assert.ok(delta.index >= 0 && delta.index <= calls.length, `tool call index ${delta.index} stays within the array (${calls.length} so far)`);
      calls[delta.index] ??= { id: '', name: '', arguments: '' };
      const call = calls[delta.index];
      call.id += delta.id ?? '';
      call.name += delta.function?.name ?? '';
      call.arguments += delta.function?.arguments ?? '';
    }
    finishReason = choice.finish_reason ?? finishReason;
  }
  return { calls, chunks, text, reasoning, finishReason };
}

/**
 * One scenario suite for every provider: each model of the list is driven through the gateway with
 * the official `openai` client — text, streaming with and without usage, a tool-call round trip
 * whose streamed deltas must reassemble to the non-stream call, parallel calls, image input and
 * JSON-schema output — skipping only what the model's catalog capabilities say it lacks.
 */
export function describeProviderConformance(options: { title: string; models: CatalogModel[] }): void {
  describe(options.title, () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack();
    });
    after(() => stack.close());

    for (const model of options.models) {
      test(`${model.id}: answers text with usage`, async () => {
        const completion = await stack.client().chat.completions.create({ model: model.id, messages: [{ role: 'user', content: 'Name three colours of the rainbow.' }] });
        assert.equal(completion.object, 'chat.completion');
        assert.equal(completion.choices[0].finish_reason, 'stop');
        assert.ok(completion.choices[0].message.content, 'the answer has text');
        assert.ok(completion.usage && completion.usage.prompt_tokens > 0 && completion.usage.completion_tokens > 0);
        assert.equal(completion.usage.total_tokens, completion.usage.prompt_tokens + completion.usage.completion_tokens);
      });

      test(`${model.id}: streams text, with usage once in the last chunk when asked and none otherwise`, async () => {
        const messages = [{ role: 'user' as const, content: 'Name three colours of the rainbow.' }];
        const asked = await collectChatStream(
          await stack.client().chat.completions.create({ model: model.id, messages, stream: true, stream_options: { include_usage: true } }),
        );
        assert.ok(asked.text.length > 0);
        assert.equal(asked.finishReason, 'stop');
        const withUsage = asked.chunks.filter((chunk) => chunk.usage);
        assert.equal(withUsage.length, 1, 'usage is reported once');
        assert.equal(withUsage[0], asked.chunks.at(-1), 'in the last chunk');
        assert.deepEqual(withUsage[0].choices, []);
        assert.ok(withUsage[0].usage!.prompt_tokens > 0 && withUsage[0].usage!.completion_tokens > 0);

        const silent = await collectChatStream(await stack.client().chat.completions.create({ model: model.id, messages, stream: true }));
        assert.ok(silent.text.length > 0);
        assert.equal(silent.chunks.filter((chunk) => chunk.usage).length, 0, 'no usage when not asked');
      });

      if (model.capabilities.tools) {
        test(`${model.id}: tool-call round trip; streamed call deltas reassemble to the non-stream call`, async () => {
          const client = stack.client();
          const question = { role: 'user' as const, content: 'What is the weather in Paris?' };
          const completion = await client.chat.completions.create({ model: model.id, messages: [question], tools: [WEATHER_TOOL] });
          assert.equal(completion.choices[0].finish_reason, 'tool_calls');
          const calls = completion.choices[0].message.tool_calls ?? [];
          assert.equal(calls.length, 1);
          const call = calls[0] as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
          assert.equal(call.type, 'function');
          assert.ok(call.id);
          assert.equal(call.function.name, 'get_weather');
          assert.equal(typeof JSON.parse(call.function.arguments).city, 'string');

          const streamed = await collectChatStream(await client.chat.completions.create({ model: model.id, messages: [question], tools: [WEATHER_TOOL], stream: true }));
          assert.equal(streamed.finishReason, 'tool_calls');
          assert.equal(streamed.calls.length, 1);
          assert.ok(streamed.calls[0].id);
          assert.equal(streamed.calls[0].name, call.function.name);
          assert.deepEqual(JSON.parse(streamed.calls[0].arguments), JSON.parse(call.function.arguments));

          const answer = await client.chat.completions.create({
            model: model.id,
            messages: [question, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21, "sky": "clear"}' }],
            tools: [WEATHER_TOOL],
          });
          assert.equal(answer.choices[0].finish_reason, 'stop');
          assert.match(answer.choices[0].message.content ?? '', /21/, 'the answer uses the tool result');
        });

        test(`${model.id}: parallel tool calls stay separate, each with its own index, id and arguments`, async () => {
          const messages = [{ role: 'user' as const, content: 'Use parallel calls: the weather in Paris and the time there.' }];
          const completion = await stack.client().chat.completions.create({ model: model.id, messages, tools: [WEATHER_TOOL, TIME_TOOL] });
          const names = (completion.choices[0].message.tool_calls ?? []).map((call) => (call as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall).function.name);
          assert.deepEqual(names, ['get_weather', 'get_time']);
          const streamed = await collectChatStream(await stack.client().chat.completions.create({ model: model.id, messages, tools: [WEATHER_TOOL, TIME_TOOL], stream: true }));
          assert.deepEqual(streamed.calls.map((call) => call.name), ['get_weather', 'get_time']);
          for (const call of streamed.calls) assert.doesNotThrow(() => JSON.parse(call.arguments), `arguments of ${call.name} are whole JSON`);
          assert.notEqual(streamed.calls[0].id, streamed.calls[1].id);
        });
      }

      if (model.capabilities.vision) {
        test(`${model.id}: takes an image_url part`, async () => {
          const completion = await stack.client().chat.completions.create({
            model: model.id,
            messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this image?' }, { type: 'image_url', image_url: { url: IMAGE_URL } }] }],
          });
          assert.ok(completion.choices[0].message.content);
        });
      }

      if (model.capabilities.jsonSchema) {
        test(`${model.id}: answers JSON that follows a json_schema response_format`, async () => {
          const completion = await stack.client().chat.completions.create({
            model: model.id,
            messages: [{ role: 'user', content: 'Give me a city and its country.' }],
            response_format: {
              type: 'json_schema',
              json_schema: {
                name: 'place',
                strict: true,
                schema: { type: 'object', properties: { city: { type: 'string' }, country: { type: 'string' } }, required: ['city', 'country'], additionalProperties: false },
              },
            },
          });
          const document = JSON.parse(completion.choices[0].message.content ?? '');
          assert.equal(typeof document.city, 'string');
          assert.equal(typeof document.country, 'string');
        });
      }
    }
  });
}

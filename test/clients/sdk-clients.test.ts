import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatAnthropic } from '@langchain/anthropic';
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { tool as langchainTool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { Agent, OpenAIChatCompletionsModel, OpenAIResponsesModel, run, setTracingDisabled, tool as agentTool, type Model } from '@openai/agents';
import { generateText, Output, stepCountIs, streamText, tool as aiTool, type LanguageModel, type ModelMessage } from 'ai';
import OpenAI from 'openai';
import { z } from 'zod';
import { startStack, type Stack } from '../support/start-stack.ts';
import { ClientTable, FAMILIES, type Family } from './client-table.ts';

type Case = 'twoTurns' | 'toolLoop' | 'stream' | 'structured';
const CASE_LABELS: Record<Case, string> = { twoTurns: 'two turns', toolLoop: 'tools', stream: 'stream', structured: 'structured output' };

/**
 * What is refused, and how the gateway says so (a 400 naming the feature, before any provider is
 * called): Perplexity's Sonar models take no tools, and the Anthropic-shaped clients ask for
 * structured output through a tool (Anthropic's Messages API has no response format of its own).
 */
function refusal(clientName: string, family: Family, testCase: Case): RegExp | undefined {
  if (family !== 'Perplexity') return undefined;
  if (testCase === 'toolLoop') return /does not support tools/;
  if (testCase === 'structured' && /Anthropic/.test(clientName)) return /does not support tools/;
  return undefined;
}

const WEATHER = 'Sunny, 21 °C';
const answerSchema = z.object({ city: z.string(), sunny: z.boolean() });

interface Client {
  name: string;
  twoTurns(model: string): Promise<string>;
  toolLoop(model: string): Promise<string>;
  stream(model: string): Promise<string>;
  structured(model: string): Promise<unknown>;
}

/**
 * The SDKs and frameworks apps are built with, pointed at the gateway by base URL and key only,
 * on every provider family: a two-turn conversation, a tool loop that ends in a text answer, a
 * stream, structured output. A family that cannot do a case is refused with a 400 naming it.
 */
describe('SDK clients through the gateway, every provider family', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
    setTracingDisabled(true);
  });
  after(() => stack.close());

  const aiSdk = (name: string, model: (id: string) => LanguageModel): Client => ({
    name,
    async twoTurns(id) {
      const messages: ModelMessage[] = [{ role: 'user', content: 'My name is Ada.' }];
      const first = await generateText({ model: model(id), messages });
      // The SDK's own messages, as apps keep them: the Responses provider sends its stored answer back as an item_reference.
      messages.push(...first.response.messages, { role: 'user', content: 'What is my name?' });
      return (await generateText({ model: model(id), messages })).text;
    },
    async toolLoop(id) {
      const tools = { get_weather: aiTool({ description: 'The weather in a city.', inputSchema: z.object({ city: z.string() }), execute: async () => WEATHER }) };
      const result = await generateText({ model: model(id), prompt: 'What is the weather in Paris?', tools, stopWhen: stepCountIs(3) });
      assert.ok(result.steps.length >= 2, 'a tool step, then an answer');
      return result.text;
    },
    async stream(id) {
      let text = '';
      for await (const delta of streamText({ model: model(id), prompt: 'Say hello.' }).textStream) text += delta;
      return text;
    },
    async structured(id) {
      return (await generateText({ model: model(id), prompt: 'Is it sunny in Paris?', output: Output.object({ schema: answerSchema }) })).output;
    },
  });

  const langchain = (name: string, create: (id: string) => ChatOpenAI | ChatAnthropic): Client => ({
    name,
    async twoTurns(id) {
      const chat = create(id);
      const messages: BaseMessage[] = [new HumanMessage('My name is Ada.')];
      messages.push(await chat.invoke(messages), new HumanMessage('What is my name?'));
      return String((await chat.invoke(messages)).content);
    },
    async toolLoop(id) {
      const weather = langchainTool(async () => WEATHER, { name: 'get_weather', description: 'The weather in a city.', schema: z.object({ city: z.string() }) });
      const chat = create(id).bindTools([weather]);
      const messages: BaseMessage[] = [new HumanMessage('What is the weather in Paris?')];
      for (let step = 0; step < 3; step += 1) {
        const answer = (await chat.invoke(messages)) as AIMessage;
        messages.push(answer);
        if (!answer.tool_calls?.length) return typeof answer.content === 'string' ? answer.content : JSON.stringify(answer.content);
        for (const call of answer.tool_calls) messages.push(new ToolMessage({ tool_call_id: call.id!, content: await weather.invoke(call.args as { city: string }) }));
      }
      throw new Error('the tool loop did not end');
    },
    async stream(id) {
      let text = '';
      for await (const chunk of await create(id).stream('Say hello.')) text += typeof chunk.content === 'string' ? chunk.content : '';
      return text;
    },
    async structured(id) {
      return create(id).withStructuredOutput(answerSchema).invoke('Is it sunny in Paris?');
    },
  });

  const agents = (name: string, create: (client: never, id: string) => Model): Client => {
    // The Agents SDK bundles its own openai version; the client is handed over as that one.
    const model = (id: string) => create(new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: stack.apiKey, maxRetries: 0 }) as never, id);
    return {
      name,
      async twoTurns(id) {
        const agent = new Agent({ name: 'helper', instructions: 'Be brief.', model: model(id) });
        const first = await run(agent, 'My name is Ada.');
        return String((await run(agent, [...first.history, { role: 'user', content: 'What is my name?' }])).finalOutput);
      },
      async toolLoop(id) {
        const weather = agentTool({ name: 'get_weather', description: 'The weather in a city.', parameters: z.object({ city: z.string() }), execute: async () => WEATHER });
        return String((await run(new Agent({ name: 'helper', model: model(id), tools: [weather] }), 'What is the weather in Paris?', { maxTurns: 3 })).finalOutput);
      },
      async stream(id) {
        const streamed = await run(new Agent({ name: 'helper', model: model(id) }), 'Say hello.', { stream: true });
        let text = '';
        for await (const delta of streamed.toTextStream()) text += delta;
        await streamed.completed;
        return text;
      },
      async structured(id) {
        return (await run(new Agent({ name: 'helper', model: model(id), outputType: answerSchema }), 'Is it sunny in Paris?')).finalOutput;
      },
    };
  };

  const clients = (): Client[] => [
    aiSdk('AI SDK, OpenAI provider (default: Responses API)', (id) => createOpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: stack.apiKey })(id)),
    aiSdk('AI SDK, OpenAI provider .chat()', (id) => createOpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: stack.apiKey }).chat(id)),
    aiSdk('AI SDK, Anthropic provider', (id) => createAnthropic({ baseURL: `${stack.gateway.url}/v1`, apiKey: stack.apiKey })(id)),
    langchain('LangChain ChatOpenAI', (id) => new ChatOpenAI({ model: id, apiKey: stack.apiKey, maxRetries: 0, configuration: { baseURL: `${stack.gateway.url}/v1` } })),
    langchain('LangChain ChatAnthropic', (id) => new ChatAnthropic({ model: id, apiKey: stack.apiKey, maxRetries: 0, anthropicApiUrl: stack.gateway.url })),
    agents('OpenAI Agents SDK (default: Responses model)', (client, id) => new OpenAIResponsesModel(client, id)),
    agents('OpenAI Agents SDK (chat completions model)', (client, id) => new OpenAIChatCompletionsModel(client, id)),
  ];

  const ROWS = [
    { client: 'AI SDK, OpenAI provider (default: Responses API)', label: 'AI SDK, `createOpenAI(…)(model)` (its default: the Responses API, `item_reference` from turn two)' },
    { client: 'AI SDK, OpenAI provider .chat()', label: 'AI SDK, `createOpenAI(…).chat(model)`' },
    { client: 'AI SDK, Anthropic provider', label: "AI SDK, `createAnthropic({ baseURL: '…/v1' })`" },
    { client: 'LangChain ChatOpenAI', label: 'LangChain `ChatOpenAI`' },
    { client: 'LangChain ChatAnthropic', label: 'LangChain `ChatAnthropic`' },
    { client: 'OpenAI Agents SDK (default: Responses model)', label: 'OpenAI Agents SDK, `OpenAIResponsesModel` (its default)' },
    { client: 'OpenAI Agents SDK (chat completions model)', label: 'OpenAI Agents SDK, `OpenAIChatCompletionsModel`' },
  ];
  const table = new ClientTable('sdk', ROWS);
  after(() => table.syncReadme());

  for (const [index, { client: clientName }] of ROWS.entries()) {
    describe(clientName, () => {
      for (const [family, model] of Object.entries(FAMILIES) as [Family, string][]) {
        const client = () => clients()[index]!;
        test(`${family} (${model}): two turns, a tool loop, a stream, structured output`, async () => {
          const outcome = { passed: [] as string[], refused: [] as { testCase: string; reason: string }[] };
          const expect = async (testCase: Case, check: () => Promise<void>) => {
            const refused = refusal(clientName, family, testCase);
            if (!refused) {
              await check();
              outcome.passed.push(CASE_LABELS[testCase]);
              return;
            }
            let reason = '';
            await assert.rejects(check(), (error: Error) => ((reason = error.message), refused.test(error.message)), `${testCase}: refused by name`);
            // The gateway's message, as each client wraps it (some quote the whole error body).
            const message = /Model '[^']+' does not support [a-z ]+/.exec(reason)?.[0] ?? reason;
            outcome.refused.push({ testCase: CASE_LABELS[testCase], reason: `a 400 before any provider is called: ${message}` });
          };
          await expect('twoTurns', async () => assert.match(await client().twoTurns(model), /\S/, 'two turns'));
          await expect('toolLoop', async () => assert.match(await client().toolLoop(model), new RegExp(WEATHER), 'the tool loop ends in a text quoting the tool'));
          await expect('stream', async () => assert.match(await client().stream(model), /\S/, 'a stream'));
          await expect('structured', async () => assert.deepEqual(Object.keys((await client().structured(model)) as object).sort(), ['city', 'sunny'], 'structured output'));
          table.record(clientName, family, outcome);
        });
      }
    });
  }
});

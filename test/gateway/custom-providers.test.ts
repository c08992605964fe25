import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { computeCost } from '../../src/metering/compute-cost.ts';
import { WEATHER_TOOL } from '../support/provider-conformance.ts';
import { startStack, type Stack } from '../support/start-stack.ts';

const ADMIN_TOKEN = 'admin-token-for-custom-providers-0123456789';
const AZURE_KEY = 'azure-test-resource-key-6666666666666666';


/**
 * Providers of the operator's own, declared in YAML: a keyless OpenAI-compatible server (the vLLM
 * simulator) and Azure OpenAI (its simulator: deployment paths, api-version, the api-key header),
 * each with a model whose upstream id is the server's model name or the Azure deployment name.
 */
describe('providers of your own: an OpenAI-compatible server and Azure OpenAI, from YAML', () => {
  let stack: Stack;
  let openai: OpenAI;
  before(async () => {
    stack = await startStack({ SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN }, {
      configYaml: (simulators) => `
providers:
  local-llm:
    type: openai-compatible
    displayName: Local vLLM
    baseUrl: ${simulators.baseUrls.vllm}
  azure:
    type: azure-openai
    baseUrl: ${simulators.baseUrls.azureOpenai}
    apiKey: ${AZURE_KEY}
models:
  - id: llama-local
    provider: local-llm
    upstreamId: meta-llama/Llama-3.1-8B-Instruct
    contextWindow: 131072
    maxOutputTokens: 8192
    capabilities: { tools: true }
    pricing: { input: 0.1, output: 0.2 }
  - id: qwen-local
    provider: local-llm
    upstreamId: Qwen/Qwen3-8B
    contextWindow: 40960
    maxOutputTokens: 8192
    capabilities: { tools: true, reasoning: true }
    pricing: { input: 0, output: 0 }
  - id: azure-gpt-4o
    provider: azure
    upstreamId: gpt-4o-prod
    contextWindow: 128000
    maxOutputTokens: 16384
    capabilities: { tools: true, vision: true, jsonSchema: true }
    pricing: { input: 2.5, cachedInput: 1.25, output: 10 }
`,
    });
    openai = stack.client('/v1');
  });
  after(() => stack.close());
  beforeEach(() => stack.simulators.reset());

  const cases = [
    { model: 'llama-local', provider: 'vllm' },
    { model: 'azure-gpt-4o', provider: 'azure-openai' },
  ] as const;

  for (const { model, provider } of cases) {
    test(`${model}: a chat completion through the openai client, billed at the YAML prices`, async () => {
      const { data: completion, response } = await openai.chat.completions.create({ model, messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }] }).withResponse();
      assert.ok(completion.choices[0]!.message.content, 'an answer');
      assert.equal(response.headers.get('x-switchyard-model'), model);
      assert.equal(response.headers.get('x-switchyard-deployment'), 'default');
      const upstream = stack.simulators.requests.find((request) => request.provider === provider)!;
      assert.ok(upstream, `the ${provider} simulator was called`);
      assert.equal((upstream.body as { messages: { role: string }[] }).messages[0]!.role, 'system', 'developer goes as system');
      const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
      assert.equal(record.deployment, 'default', 'the usage record names the deployment that answered');
      const pricing = stack.gateway.switchyard.catalog.find(model)!.pricing;
      assert.ok(record.promptTokens! > 0 && record.completionTokens! > 0);
      assert.equal(record.cost, computeCost({ promptTokens: record.promptTokens!, cachedPromptTokens: record.cachedPromptTokens ?? undefined, completionTokens: record.completionTokens! }, pricing));
    });

    test(`${model}: a streamed tool call, then the second turn with its result`, async () => {
      const stream = await openai.chat.completions.create({ model, stream: true, stream_options: { include_usage: true }, tools: [WEATHER_TOOL], tool_choice: 'required', messages: [{ role: 'user', content: 'Weather in Paris?' }] });
      const calls = new Map<number, { id: string; name: string; arguments: string }>();
      let finishReason: string | null = null;
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage;
        for (const choice of chunk.choices) {
          finishReason = choice.finish_reason ?? finishReason;
          for (const delta of choice.delta.tool_calls ?? []) {
            const call = calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
            call.id ||= delta.id ?? '';
            call.name += delta.function?.name ?? '';
            call.arguments += delta.function?.arguments ?? '';
            calls.set(delta.index, call);
          }
        }
      }
      assert.equal(finishReason, 'tool_calls');
      assert.ok(usage && usage.prompt_tokens > 0, 'the usage chunk the client asked for');
      const call = calls.get(0)!;
      assert.equal(call.name, 'get_weather');
      assert.doesNotThrow(() => JSON.parse(call.arguments));

      const second = await openai.chat.completions.create({
        model,
        tools: [WEATHER_TOOL],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }] },
          { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21}' },
        ],
      });
      assert.equal(second.choices[0]!.finish_reason, 'stop');
      assert.ok(second.choices[0]!.message.content);
    });
  }

  test('the wire: no key to the keyless server; Azure gets its deployment path, api-version and api-key header', async () => {
    await openai.chat.completions.create({ model: 'llama-local', messages: [{ role: 'user', content: 'Hi' }] });
    await openai.chat.completions.create({ model: 'azure-gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
    const vllm = stack.simulators.requests.find((request) => request.provider === 'vllm')!;
    assert.equal(vllm.headers.authorization, undefined);
    assert.equal((vllm.body as { model: string }).model, 'meta-llama/Llama-3.1-8B-Instruct');
    const azure = stack.simulators.requests.find((request) => request.provider === 'azure-openai')!;
    assert.equal(azure.path, '/azure/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21');
    assert.equal(azure.headers['api-key'], AZURE_KEY);
    assert.equal(azure.headers.authorization, undefined);
  });

  test("Qwen3 on vLLM: its `reasoning` field reaches chat clients as reasoning_content, and Messages clients as a thinking block", async () => {
    const completion = await openai.chat.completions.create({ model: 'qwen-local', messages: [{ role: 'user', content: 'Why is the sky blue?' }] });
    const message = completion.choices[0]!.message as unknown as Record<string, unknown>;
    assert.ok(typeof message.reasoning_content === 'string' && message.reasoning_content !== '', JSON.stringify(message));
    assert.equal(message.reasoning, undefined);

    let streamedReasoning = '';
    for await (const chunk of await openai.chat.completions.create({ model: 'qwen-local', stream: true, messages: [{ role: 'user', content: 'Why is the sky blue?' }] })) {
      streamedReasoning += ((chunk.choices[0]?.delta ?? {}) as { reasoning_content?: string }).reasoning_content ?? '';
    }
    assert.ok(streamedReasoning.length > 0, 'streamed reasoning too');

    const anthropic = new Anthropic({ baseURL: stack.gateway.url, apiKey: stack.apiKey });
    const answer = await anthropic.messages.create({ model: 'qwen-local', max_tokens: 1024, messages: [{ role: 'user', content: 'Why is the sky blue?' }] });
    assert.deepEqual(answer.content.map((block) => block.type), ['thinking', 'text']);
  });

  test('azure-gpt-4o on the Anthropic Messages surface (translated), through @anthropic-ai/sdk', async () => {
    const anthropic = new Anthropic({ baseURL: stack.gateway.url, apiKey: stack.apiKey });
    const message = await anthropic.messages.create({ model: 'azure-gpt-4o', max_tokens: 256, messages: [{ role: 'user', content: 'Hello' }] });
    assert.equal(message.type, 'message');
    assert.equal(message.content[0]!.type, 'text');
    assert.ok(message.usage.input_tokens > 0);
  });

  test("Azure's content filter refusal is a 400 in the envelope, with Azure's message and no key", async () => {
    const error = await openai.chat.completions.create({ model: 'azure-gpt-4o', messages: [{ role: 'user', content: 'AZURE_CONTENT_FILTER_TRIGGER' }] }).then(
      () => assert.fail('expected a refusal'),
      (thrown: unknown) => thrown as InstanceType<typeof OpenAI.APIError>,
    );
    assert.equal(error.status, 400);
    assert.match(error.message, /content management policy/);
    assert.doesNotMatch(JSON.stringify(error.error), new RegExp(AZURE_KEY));
  });

  test('/v1/models lists them; the admin API shows each provider with its type', async () => {
    const ids = (await openai.models.list()).data.map((model) => model.id);
    assert.ok(ids.includes('llama-local') && ids.includes('azure-gpt-4o'));
    const providers = (await (await fetch(`${stack.gateway.url}/admin/v1/providers`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { data: { id: string; type: string; display_name: string; deployments: { name: string }[] }[] };
    const local = providers.data.find((provider) => provider.id === 'local-llm')!;
    assert.deepEqual([local.type, local.display_name, local.deployments.map((deployment) => deployment.name)], ['openai-compatible', 'Local vLLM', ['default']]);
    assert.equal(providers.data.find((provider) => provider.id === 'azure')!.type, 'azure-openai');
  });
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type OpenAI from 'openai';
import type { ResponseFunctionToolCall, ResponseInputItem } from 'openai/resources/responses/responses';
import { rejection } from '../support/rejection.ts';
import { RESPONSES_WEATHER_TOOL as WEATHER_TOOL } from '../support/responses-weather-tool.ts';
import { startStack, type Stack } from '../support/start-stack.ts';

/** One model per provider family: OpenAI passed through, the others translated. */
const MODELS = { openai: 'gpt-5-mini', anthropic: 'claude-sonnet-4-6', google: 'gemini-2.5-flash', xai: 'grok-4', fireworks: 'accounts/fireworks/models/gpt-oss-120b' } as const;

/** The texts of every message the provider was sent (chat `messages`, Anthropic `messages`, Gemini `contents`, Responses `input`), in order. */
function textsSentUpstream(body: any): string[] {
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') texts.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) if (['content', 'text', 'parts', 'output', 'input'].includes(key)) walk(inner);
  };
  walk(body.messages ?? body.contents ?? body.input);
  return texts;
}

describe('Responses state for every model: store, previous_response_id, item_reference, retrieve, input items, delete', () => {
  let stack: Stack;
  let client: OpenAI;
  let otherOrganization: OpenAI;
  before(async () => {
    stack = await startStack();
    client = stack.client('/v1');
    await stack.gateway.switchyard.accounts.createOrganization('globex');
    const { secret } = await stack.gateway.switchyard.accounts.createApiKey('globex', 'tests');
    otherOrganization = stack.client('/v1', secret);
  });
  after(() => stack.close());
  beforeEach(() => stack.simulators.reset());

  const lastUpstream = () => stack.simulators.requests.filter((request) => request.method === 'POST').at(-1)!;

  for (const [family, model] of Object.entries(MODELS)) {
    test(`${family} (${model}): a stored response is retrieved, continued with previous_response_id, listed and deleted`, async () => {
      const first = await client.responses.create({ model, instructions: 'Be brief.', input: 'My name is Ada. Remember it.' });
      assert.equal((first as unknown as { store: boolean }).store, true, 'stored by default, as OpenAI does');
      const retrieved = await client.responses.retrieve(first.id);
      assert.equal(retrieved.id, first.id);
      assert.equal(retrieved.output_text, first.output_text);

      const second = await client.responses.create({ model, input: 'What is my name?', previous_response_id: first.id });
      assert.equal(second.previous_response_id, first.id);
      const sent = textsSentUpstream(lastUpstream().body);
      if (family === 'openai') {
        assert.equal(lastUpstream().body.previous_response_id, first.id, "OpenAI holds its own responses: the id goes as sent");
      } else {
        assert.ok(sent.some((text) => text.includes('My name is Ada')), `the earlier turn reached ${family}: ${JSON.stringify(sent)}`);
        assert.ok(sent.some((text) => text.includes(first.output_text.slice(0, 20))), 'and so did the earlier answer');
      }
      assert.ok(sent.some((text) => text.includes('What is my name?')));

      const items = await client.responses.inputItems.list(second.id, { order: 'asc' });
      const listed = items.data.map((item) => JSON.stringify(item));
      assert.ok(listed[0]!.includes('My name is Ada'), `the chain's items come first: ${listed.join('\n')}`);
      assert.ok(listed.at(-1)!.includes('What is my name?'), "and this response's own input last");
      assert.ok(items.data.every((item) => typeof item.id === 'string' && item.id !== ''), 'every listed item has an id');

      assert.equal((await rejection(otherOrganization.responses.retrieve(first.id))).status, 404, "another organization never sees it");
      assert.equal((await rejection(otherOrganization.responses.create({ model, input: 'Hi', previous_response_id: first.id }))).status, 400);

      await client.responses.delete(second.id);
      assert.equal((await rejection(client.responses.retrieve(second.id))).status, 404);
    });
  }

  for (const model of [MODELS.anthropic, MODELS.google]) {
    test(`${model}: a tool loop continued with previous_response_id and function_call_output ends in text`, async () => {
      const first = await client.responses.create({ model, input: 'What is the weather in Paris?', tools: [WEATHER_TOOL] });
      const call = first.output.find((item): item is ResponseFunctionToolCall => item.type === 'function_call');
      assert.ok(call, 'the model called the tool');
      const second = await client.responses.create({
        model,
        previous_response_id: first.id,
        tools: [WEATHER_TOOL],
        input: [{ type: 'function_call_output', call_id: call.call_id, output: 'Sunny, 21 °C' }],
      });
      assert.match(second.output_text, /Sunny, 21 °C/);
    });
  }

  test('item_reference on a translated model resolves to the stored item; an unknown one is a 404 and so is another organization\'s', async () => {
    const first = await client.responses.create({ model: MODELS.anthropic, input: 'Say something memorable.' });
    const message = first.output.find((item) => item.type === 'message')!;
    const input: ResponseInputItem[] = [{ role: 'user', content: 'Say something memorable.' }, { type: 'item_reference', id: message.id }, { role: 'user', content: 'Say it again.' }];
    const second = await client.responses.create({ model: MODELS.google, input });
    assert.equal(second.status, 'completed');
    assert.ok(textsSentUpstream(lastUpstream().body).some((text) => text.includes(first.output_text.slice(0, 20))), 'the referenced answer reached Gemini');

    const unknown = await rejection(client.responses.create({ model: MODELS.google, input: [{ type: 'item_reference', id: 'msg_nobody' }] }));
    assert.equal(unknown.status, 404);
    const theirs = await rejection(otherOrganization.responses.create({ model: MODELS.google, input: [{ type: 'item_reference', id: message.id }] }));
    assert.equal(theirs.status, 404, "another organization's item is not found");
  });

  test('a chain switches providers: OpenAI → Claude → OpenAI, each provider sent what it can read', async () => {
    const openai = await client.responses.create({ model: MODELS.openai, input: 'My favourite colour is teal.', reasoning: { effort: 'low' } });
    const claude = await client.responses.create({ model: MODELS.anthropic, input: 'And my favourite number is 7.', previous_response_id: openai.id });
    const toClaude = lastUpstream();
    assert.equal(toClaude.provider, 'anthropic');
    const claudeTexts = textsSentUpstream(toClaude.body);
    assert.ok(claudeTexts.some((text) => text.includes('teal')), 'the OpenAI turn reached Claude');

    await client.responses.create({ model: MODELS.openai, input: 'What do you know about me?', previous_response_id: claude.id });
    const toOpenAI = lastUpstream();
    assert.equal(toOpenAI.provider, 'openai');
    assert.equal(toOpenAI.body.previous_response_id, undefined, 'OpenAI does not hold the Claude response: the chain is written out instead');
    const texts = textsSentUpstream(toOpenAI.body);
    for (const expected of ['teal', 'favourite number is 7', claude.output_text.slice(0, 20), 'What do you know about me?']) {
      assert.ok(texts.some((text) => text.includes(expected)), `${expected} reached OpenAI: ${JSON.stringify(texts)}`);
    }
    const gatewayItems = (toOpenAI.body.input as Record<string, unknown>[]).filter((item) => JSON.stringify(item).includes(claude.output_text.slice(0, 20)));
    assert.ok(gatewayItems.every((item) => item.id === undefined), 'items the gateway made go without ids OpenAI never issued');
  });

  test('a streamed translated response is stored too; store: false is not', async () => {
    const stream = await client.responses.create({ model: MODELS.xai, input: 'Name three colours.', stream: true });
    let id = '';
    for await (const event of stream) if (event.type === 'response.completed') id = event.response.id;
    assert.equal((await client.responses.retrieve(id)).status, 'completed');

    const unstored = await client.responses.create({ model: MODELS.xai, input: 'Hi', store: false });
    assert.equal((unstored as unknown as { store: boolean }).store, false);
    assert.equal((await rejection(client.responses.retrieve(unstored.id))).status, 404);
    assert.equal((await rejection(client.responses.create({ model: MODELS.xai, input: 'Hi', previous_response_id: unstored.id }))).code, 'previous_response_not_found');
  });

  test('Responses answer on the seed base URL /v1/api/openai too', async () => {
    const legacy = stack.client('/v1/api/openai');
    const response = await legacy.responses.create({ model: MODELS.anthropic, input: 'Hi' });
    assert.equal((await legacy.responses.retrieve(response.id)).id, response.id);
  });

  test('an expired response is gone: retrieve and previous_response_id answer not found', async () => {
    const response = await client.responses.create({ model: MODELS.xai, input: 'Hi' });
    const { store } = stack.gateway.switchyard;
    await stack.gateway.switchyard.storedResponses.close();
    const record = (await store.findResponseRecord(response.id))!;
    await store.deleteResponse(response.id);
    await store.insertResponseRecord({ ...record, expiresAt: Date.now() - 1 });
    assert.equal((await rejection(client.responses.retrieve(response.id))).status, 404);
    assert.equal(await store.deleteExpiredResponses(Date.now()), 1);
  });

  describe('background mode on a translated model', () => {
    async function settle(id: string): Promise<OpenAI.Responses.Response> {
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const response = await client.responses.retrieve(id);
        if (!['queued', 'in_progress'].includes(response.status!)) return response;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`response ${id} never finished`);
    }

    test('answered at once as queued, run without a client, polled to completed, billed once when it ends', async () => {
      const startedAt = Date.now();
      const accepted = await client.responses.create({ model: MODELS.anthropic, input: 'Write a haiku.', background: true });
      assert.ok(['queued', 'in_progress'].includes(accepted.status!), accepted.status);
      assert.equal(accepted.background, true);
      const done = await settle(accepted.id);
      assert.equal(done.status, 'completed');
      assert.equal(done.background, true);
      assert.match(done.output_text, /Write a haiku/);
      await settle(accepted.id);
      await stack.gateway.switchyard.usage.flush();
      const records = (await stack.gateway.switchyard.store.listUsageRecords()).filter((record) => record.surface === 'openai-responses' && record.createdAt >= startedAt && record.cost > 0);
      assert.equal(records.length, 1, 'the run is billed once, however often it is polled');
      assert.equal(records[0]!.model, MODELS.anthropic);
    });

    test('a cancel stops the provider call and leaves the response cancelled', async () => {
      stack.simulators.addFault({ provider: 'anthropic', firstByteDelayMs: 10_000 });
      const sent = stack.simulators.requests.length;
      const accepted = await client.responses.create({ model: MODELS.anthropic, input: 'Take your time.', background: true });
      // The run is waiting on Claude once Claude has its request (a fixed pause could end before the run got there on a loaded machine).
      for (const by = Date.now() + 10_000; !stack.simulators.requests.slice(sent).some((request) => request.provider === 'anthropic'); ) {
        assert.ok(Date.now() < by, 'the background run called Claude');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const cancelled = await client.responses.cancel(accepted.id);
      assert.equal(cancelled.status, 'cancelled');
      const upstream = await stack.simulators.waitForRequest((request) => request.provider === 'anthropic' && request.aborted);
      assert.equal(upstream.aborted, true, 'the provider call was aborted');
      assert.equal((await client.responses.retrieve(accepted.id)).status, 'cancelled');
      assert.equal((await client.responses.cancel(accepted.id)).status, 'cancelled', 'cancelling again returns it unchanged');
    });

    test('a run whose instance stopped is failed with a readable error; a synchronous response cannot be cancelled', async () => {
      const accepted = await client.responses.create({ model: MODELS.xai, input: 'Hi', background: true });
      await settle(accepted.id);
      const { store, storedResponses } = stack.gateway.switchyard;
      const record = (await store.findResponseRecord(accepted.id))!;
      await store.deleteResponse(accepted.id);
      await store.insertResponseRecord({ ...record, id: 'resp_stalled', status: 'in_progress', heartbeatAt: Date.now() - 60_000 });
      assert.equal(await storedResponses.failStalledRuns(), 1);
      const failed = await client.responses.retrieve('resp_stalled');
      assert.equal(failed.status, 'failed');
      assert.match(failed.error!.message, /instance running this background response stopped/);

      const synchronous = await client.responses.create({ model: MODELS.xai, input: 'Hi' });
      assert.equal((await rejection(client.responses.cancel(synchronous.id))).status, 400);
    });

    test('background needs store, and is not streamed on a translated model: 400s naming why', async () => {
      const unstored = await rejection(client.responses.create({ model: MODELS.xai, input: 'Hi', background: true, store: false }));
      assert.equal(unstored.status, 400);
      assert.match(unstored.message, /store/);
      const streamed = await rejection(client.responses.create({ model: MODELS.xai, input: 'Hi', background: true, stream: true }));
      assert.equal(streamed.status, 400);
      assert.match(streamed.message, /background mode with stream/);
    });
  });
});

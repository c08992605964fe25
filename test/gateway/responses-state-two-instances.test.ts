import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, type ModelMessage } from 'ai';
import OpenAI from 'openai';
import type { ResponseFunctionToolCall } from 'openai/resources/responses/responses';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { provisionTenant, type FaultRunTenant } from '../support/postgres-fault-run.ts';
import { DEFAULT_TEST_DATABASE_URL, postgresTestSchema, type PostgresTestSchema } from '../support/postgres-test-schema.ts';
import { rejection } from '../support/rejection.ts';
import { skipUnless } from '../support/required-services.ts';
import { startServeProcess, type ServeProcess } from '../support/start-serve-process.ts';

const DATABASE_URL = process.env.SWITCHYARD_TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;

/**
 * Responses state is the store's, not an instance's: two `switchyard serve` processes on one
 * PostgreSQL schema, each turn of a chain served by the other instance — `previous_response_id`
 * and `item_reference` on translated models, a switch of provider midway, retrieve, input items
 * and delete from the instance that did not create the response.
 */
describe('Responses state across two instances on PostgreSQL', { skip: await skipUnless('postgres') }, () => {
  let simulators: Simulators;
  let schema: PostgresTestSchema;
  let tenant: FaultRunTenant;
  const dataDirs = [0, 1].map((index) => mkdtempSync(join(tmpdir(), `switchyard-responses-${index}-`)));
  const instances: ServeProcess[] = [];
  const clients: OpenAI[] = [];

  before(async () => {
    simulators = await startSimulators({ port: 0 });
    schema = postgresTestSchema(DATABASE_URL, 'responses');
    const environment = {
      DATABASE_URL,
      SWITCHYARD_DATABASE_SCHEMA: schema.schema,
      OPENAI_API_KEY: 'sk-responses-openai',
      OPENAI_BASE_URL: simulators.baseUrls.openai,
      ANTHROPIC_API_KEY: 'sk-ant-responses',
      ANTHROPIC_BASE_URL: simulators.baseUrls.anthropic,
      GEMINI_API_KEY: 'AIza-responses-test-key-000000000000',
      GEMINI_BASE_URL: simulators.baseUrls.google,
      PORT: '0',
    };
    tenant = await provisionTenant({ ...environment, SWITCHYARD_DATA_DIR: dataDirs[0]! }, 'responses', 1_000_000_000, ['app']);
    for (const dataDir of dataDirs) instances.push(await startServeProcess({ ...environment, SWITCHYARD_DATA_DIR: dataDir }));
    for (const instance of instances) clients.push(new OpenAI({ baseURL: `${instance.url}/v1`, apiKey: tenant.keys.app!.secret, maxRetries: 0 }));
  });

  after(async () => {
    for (const instance of instances) instance.child.kill('SIGKILL');
    await simulators.close();
    await schema.drop();
    for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
  });

  test('previous_response_id: each turn on the other instance, Claude then Gemini then OpenAI', async () => {
    const [a, b] = clients as [OpenAI, OpenAI];
    const first = await a.responses.create({ model: 'claude-sonnet-4-6', input: 'My name is Ada.' });
    const second = await b.responses.create({ model: 'claude-sonnet-4-6', input: 'I live in Paris.', previous_response_id: first.id });
    const toClaude = JSON.stringify(simulators.requests.at(-1)!.body);
    assert.match(toClaude, /My name is Ada/, 'the first turn, stored by instance A, reached Claude through instance B');
    const third = await a.responses.create({ model: 'gemini-2.5-flash', input: 'Where do I live?', previous_response_id: second.id });
    const toGemini = JSON.stringify(simulators.requests.at(-1)!.body);
    assert.match(toGemini, /My name is Ada/);
    assert.match(toGemini, /I live in Paris/);
    await b.responses.create({ model: 'gpt-5-mini', input: 'And my name?', previous_response_id: third.id });
    const toOpenAI = simulators.requests.at(-1)!.body;
    assert.equal(toOpenAI.previous_response_id, undefined);
    assert.match(JSON.stringify(toOpenAI.input), /My name is Ada[\s\S]*I live in Paris[\s\S]*Where do I live\?[\s\S]*And my name\?/);

    assert.equal((await b.responses.retrieve(first.id)).id, first.id, 'retrieved from the instance that did not create it');
    const listed = await a.responses.inputItems.list(third.id, { order: 'asc' });
    assert.match(JSON.stringify(listed.data[0]), /My name is Ada/);
    await b.responses.delete(first.id);
    assert.equal((await rejection(a.responses.retrieve(first.id))).status, 404, 'deleted for both');
  });

  test('a tool loop whose tool result goes to the other instance', async () => {
    const [a, b] = clients as [OpenAI, OpenAI];
    const tools = [{ type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: null }];
    const first = await a.responses.create({ model: 'claude-sonnet-4-6', input: 'What is the weather in Paris?', tools });
    const call = first.output.find((item): item is ResponseFunctionToolCall => item.type === 'function_call')!;
    const second = await b.responses.create({ model: 'claude-sonnet-4-6', previous_response_id: first.id, tools, input: [{ type: 'function_call_output', call_id: call.call_id, output: 'Sunny, 21 °C' }] });
    assert.match(second.output_text, /Sunny, 21 °C/);
  });

  test("item_reference: the AI SDK's default provider, its second turn on the other instance, on a translated model and on OpenAI", async () => {
    for (const model of ['gemini-2.5-flash', 'gpt-5-mini']) {
      const provider = (index: number) => createOpenAI({ baseURL: `${instances[index]!.url}/v1`, apiKey: tenant.keys.app!.secret });
      const messages: ModelMessage[] = [{ role: 'user', content: 'My name is Ada.' }];
      const first = await generateText({ model: provider(0)(model), messages });
      messages.push(...first.response.messages, { role: 'user', content: 'What is my name?' });
      const second = await generateText({ model: provider(1)(model), messages });
      assert.match(second.text, /What is my name\?/);
      const upstream = simulators.requests.at(-1)!.body;
      if (model === 'gpt-5-mini') {
        assert.ok(upstream.input.some((item: { type?: string }) => item.type === 'item_reference'), 'OpenAI holds its own items: the references go as sent, once checked to be this organization\'s');
      } else {
        assert.ok(JSON.stringify(upstream).includes(JSON.stringify(first.text).slice(1, -1)), `${model}: the referenced answer reached the provider`);
      }
    }
  });

  test('a background run on one instance is polled to completion and cancelled from the other', async () => {
    const [a, b] = clients as [OpenAI, OpenAI];
    const accepted = await a.responses.create({ model: 'claude-sonnet-4-6', input: 'Write a haiku.', background: true });
    let done = await b.responses.retrieve(accepted.id);
    for (let attempt = 0; attempt < 100 && ['queued', 'in_progress'].includes(done.status!); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      done = await b.responses.retrieve(accepted.id);
    }
    assert.equal(done.status, 'completed', 'polled on the instance that did not run it');

    simulators.addFault({ provider: 'anthropic', firstByteDelayMs: 10_000 });
    const sent = simulators.requests.length;
    const slow = await a.responses.create({ model: 'claude-sonnet-4-6', input: 'Take your time.', background: true });
    // Cancelled once the run on instance a is waiting on Claude, i.e. Claude has its request (a fixed pause could end before the run got there on a loaded machine).
    for (const by = Date.now() + 10_000; !simulators.requests.slice(sent).some((request) => request.provider === 'anthropic'); ) {
      assert.ok(Date.now() < by, 'the background run called Claude');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal((await b.responses.cancel(slow.id)).status, 'cancelled');
    const upstream = await simulators.waitForRequest((request) => request.provider === 'anthropic' && request.aborted);
    assert.equal(upstream.aborted, true, 'the instance running it stopped the provider call within its heartbeat');
    assert.equal((await a.responses.retrieve(slow.id)).status, 'cancelled');
    simulators.reset();
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import OpenAI, { toFile } from 'openai';
import { formatMicros } from '../../src/core/format-micros.ts';
import { computeCost } from '../../src/metering/compute-cost.ts';
import { encodeSolidPng } from '../../src/simulators/images/encode-solid-png.ts';
import { startStack, type Stack } from '../support/start-stack.ts';

/**
 * Images through the official `openai` client, as an app calls them: `images.generate` on
 * OpenAI's gpt-image-1 (billed by the token from the usage it sees), dall-e-3 (by the image, by
 * size and quality, URL or base64), xAI's grok-imagine-image (by the image) and Gemini's
 * gemini-2.5-flash-image (by the token); `images.edit` with uploaded files. Every image returned
 * is decoded by Debian's ffmpeg, and its size checked with ffprobe.
 */

const run = promisify(execFile);
type ApiError = InstanceType<typeof OpenAI.APIError>;

let directory: string;
let fileCount = 0;

/** Decodes `bytes` with ffmpeg (exit 0, nothing on stderr) and answers ffprobe's codec and size. */
async function decode(bytes: Buffer): Promise<{ codec: string; width: number; height: number }> {
  fileCount += 1;
  const file = join(directory, `image-${fileCount}`);
  await writeFile(file, bytes);
  const decoded = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']);
  assert.equal(decoded.stderr, '', 'ffmpeg decodes it without a word');
  const probed = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', file]);
  const stream = (JSON.parse(probed.stdout) as { streams: { codec_name: string; width: number; height: number }[] }).streams[0]!;
  return { codec: stream.codec_name, width: stream.width, height: stream.height };
}

async function bytesOf(image: { b64_json?: string; url?: string }): Promise<Buffer> {
  if (image.b64_json) return Buffer.from(image.b64_json, 'base64');
  assert.ok(image.url, 'a url or b64_json');
  const response = await fetch(image.url);
  assert.equal(response.status, 200);
  return Buffer.from(await response.arrayBuffer());
}

describe('images: POST /v1/images/generations and /v1/images/edits', () => {
  let stack: Stack;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'switchyard-images-'));
    stack = await startStack();
  });
  after(async () => {
    await stack.close();
    await rm(directory, { recursive: true, force: true });
  });

  /** The usage record, ledger entry and header of a request agree with `cost`. */
  async function assertBilled(response: Response, cost: number, model: string, provider: string) {
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.equal(record.surface, 'openai-images');
    assert.equal(record.model, model);
    assert.equal(record.provider, provider);
    assert.equal(record.status, 200);
    assert.equal(record.cost, cost);
    assert.equal(response.headers.get('x-switchyard-credits-used'), formatMicros(cost));
    const ledger = await stack.gateway.switchyard.store.listLedgerEntries({ limit: 1_000 });
    assert.equal(ledger.find((entry) => entry.requestId === record.requestId)?.amount, -cost);
    return record;
  }

  for (const [model, size, quality, n] of [
    ['gpt-image-1', '1024x1536', 'high', 1],
    ['gpt-image-1', undefined, undefined, 2],
    ['gpt-image-1-mini', '1536x1024', 'low', 1],
  ] as const) {
    test(`${model} ${size ?? 'auto'} ${quality ?? 'auto'} ×${n}: b64 PNGs of the size asked, billed from the usage the client sees`, async () => {
      const openai = stack.client();
      const { data, response } = await openai.images.generate({ model, prompt: 'A lighthouse at dawn', n, ...(size && { size }), ...(quality && { quality }) }).withResponse();
      assert.equal(data.data!.length, n);
      const [width, height] = (size ?? '1024x1024').split('x').map(Number);
      for (const image of data.data!) assert.deepEqual(await decode(await bytesOf(image)), { codec: 'png', width, height });
      assert.equal(data.size, size ?? '1024x1024');
      const usage = data.usage!;
      assert.ok(usage.input_tokens > 0 && usage.output_tokens > 0);
      const pricing = stack.gateway.switchyard.catalog.find(model)!.pricing;
      const cost = computeCost({ promptTokens: usage.input_tokens, completionTokens: usage.output_tokens }, pricing);
      assert.equal((usage as unknown as { cost: number }).cost, cost / 1_000_000);
      const record = await assertBilled(response, cost, model, 'openai');
      assert.equal(record.promptTokens, usage.input_tokens);
      assert.equal(record.completionTokens, usage.output_tokens);
      const upstream = stack.simulators.requests.filter((request) => request.provider === 'openai').at(-1)!;
      assert.match(upstream.path, /\/openai\/v1\/images\/generations$/);
      assert.equal((upstream.body as { model: string }).model, model);
    });
  }

  test('gpt-image-1 high 1024x1536 bills $0.2496 of output (6,240 tokens at $40/M) plus the prompt', async () => {
    const { data } = await stack.client().images.generate({ model: 'gpt-image-1', prompt: 'x', size: '1024x1536', quality: 'high' }).withResponse();
    assert.equal(data.usage!.output_tokens, 6_240);
    assert.equal((data.usage as unknown as { cost: number }).cost, (6_240 * 40 + data.usage!.input_tokens * 5) / 1_000_000);
  });

  for (const [size, quality, micros] of [
    ['1024x1024', 'standard', 40_000],
    ['1792x1024', 'hd', 120_000],
    ['1024x1792', 'standard', 80_000],
  ] as const) {
    test(`dall-e-3 ${size} ${quality}: billed $${micros / 1e6} an image, URL and base64`, async () => {
      const openai = stack.client();
      const { data, response } = await openai.images.generate({ model: 'dall-e-3', prompt: 'A red fox in snow', size, quality }).withResponse();
      assert.equal(data.data!.length, 1);
      assert.ok(data.data![0]!.url?.startsWith('http'), 'a URL by default');
      assert.match(data.data![0]!.revised_prompt!, /red fox/);
      const [width, height] = size.split('x').map(Number);
      assert.deepEqual(await decode(await bytesOf(data.data![0]!)), { codec: 'png', width, height });
      assert.equal(data.usage, undefined, 'dall-e-3 reports no tokens');
      assert.equal((data as unknown as { cost: number }).cost, micros / 1_000_000);
      const record = await assertBilled(response, micros, 'dall-e-3', 'openai');
      assert.deepEqual(record.units, { unit: 'image', variant: `${size}/${quality}`, count: 1 });

      const b64 = await openai.images.generate({ model: 'dall-e-3', prompt: 'A red fox in snow', size, quality, response_format: 'b64_json' });
      assert.deepEqual(await decode(await bytesOf(b64.data![0]!)), { codec: 'png', width, height });
    });
  }

  test('grok-imagine-image (xAI): JPEGs by URL or base64, $0.02 an image', async () => {
    const openai = stack.client();
    const { data, response } = await openai.images.generate({ model: 'grok-imagine-image', prompt: 'A cat astronaut', n: 2 }).withResponse();
    assert.equal(data.data!.length, 2);
    for (const image of data.data!) assert.deepEqual(await decode(await bytesOf(image)), { codec: 'mjpeg', width: 1024, height: 1024 });
    assert.equal((data as unknown as { cost: number }).cost, 0.04);
    const record = await assertBilled(response, 40_000, 'grok-imagine-image', 'xai');
    assert.deepEqual(record.units, { unit: 'image', variant: 'default', count: 2 });
    const upstream = stack.simulators.requests.filter((request) => request.provider === 'xai').at(-1)!;
    assert.match(upstream.path, /\/xai\/v1\/images\/generations$/);
    const b64 = await openai.images.generate({ model: 'grok-imagine-image', prompt: 'A cat astronaut', response_format: 'b64_json' });
    assert.equal((await decode(await bytesOf(b64.data![0]!))).codec, 'mjpeg');
    // xAI takes no size: its refusal, relayed.
    await assert.rejects(openai.images.generate({ model: 'grok-imagine-image', prompt: 'x', size: '1024x1024' }), (error: ApiError) => error.status === 400 && /size/.test(error.message));
  });

  test('gemini-2.5-flash-image (Google): generateContent asked for an image, a 1024x1024 PNG per image, billed by the token', async () => {
    const openai = stack.client();
    const { data, response } = await openai.images.generate({ model: 'gemini-2.5-flash-image', prompt: 'A bowl of ramen', n: 2 }).withResponse();
    assert.equal(data.data!.length, 2);
    for (const image of data.data!) assert.deepEqual(await decode(await bytesOf(image)), { codec: 'png', width: 1024, height: 1024 });
    const usage = data.usage!;
    assert.equal(usage.output_tokens, 2 * 1_290);
    const cost = computeCost({ promptTokens: usage.input_tokens, completionTokens: usage.output_tokens }, stack.gateway.switchyard.catalog.find('gemini-2.5-flash-image')!.pricing);
    assert.equal(cost, Math.ceil((usage.input_tokens * 300_000 + 2 * 1_290 * 30_000_000) / 1_000_000), '$0.30/M in, $30/M out');
    await assertBilled(response, cost, 'gemini-2.5-flash-image', 'google');
    const upstream = stack.simulators.requests.filter((request) => request.provider === 'google').at(-1)!;
    assert.match(upstream.path, /gemini-2\.5-flash-image:generateContent$/);
    assert.deepEqual((upstream.body as { generationConfig: unknown }).generationConfig, { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '1:1' } });
    await assert.rejects(openai.images.generate({ model: 'gemini-2.5-flash-image', prompt: 'x', size: '1536x1024' }), (error: ApiError) => error.status === 400 && error.param === 'size');
    await assert.rejects(openai.images.generate({ model: 'gemini-2.5-flash-image', prompt: 'x', response_format: 'url' }), (error: ApiError) => error.status === 400 && /response_format/.test(error.message));
  });

  test('the hosted routes: /v1/gateway/images/generate/ and the client on /v1/gateway', async () => {
    const response = await fetch(`${stack.gateway.url}/v1/gateway/images/generate/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-image-1', prompt: 'A tiny house', size: '1024x1024', quality: 'low' }),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { data: { b64_json: string }[]; usage: { output_tokens: number } };
    assert.equal(body.usage.output_tokens, 272);
    assert.equal((await decode(Buffer.from(body.data[0]!.b64_json, 'base64'))).width, 1024);
    const hosted = await stack.client('/v1/gateway').images.generate({ model: 'dall-e-3', prompt: 'x', response_format: 'b64_json' });
    assert.equal(hosted.data!.length, 1);
  });

  test('images.edit: uploaded images (image[]) and a mask go upstream as multipart, billed from the usage', async () => {
    const openai = stack.client();
    const png = encodeSolidPng(512, 512, [200, 30, 30]);
    const { data, response } = await openai.images
      .edit({ model: 'gpt-image-1', prompt: 'Make it blue', image: [await toFile(png, 'a.png', { type: 'image/png' }), await toFile(png, 'b.png', { type: 'image/png' })], mask: await toFile(png, 'mask.png', { type: 'image/png' }), size: '1024x1024', quality: 'low' })
      .withResponse();
    assert.equal(data.data!.length, 1);
    assert.deepEqual(await decode(await bytesOf(data.data![0]!)), { codec: 'png', width: 1024, height: 1024 });
    const usage = data.usage!;
    assert.ok(usage.input_tokens_details.image_tokens > 0, 'input images counted');
    const cost = computeCost({ promptTokens: usage.input_tokens, imagePromptTokens: usage.input_tokens_details.image_tokens, completionTokens: usage.output_tokens }, stack.gateway.switchyard.catalog.find('gpt-image-1')!.pricing);
    // Image input at $10 per million, text at $5 (OpenAI's prices), output at $40.
    const { image_tokens: imageTokens, text_tokens: textTokens } = usage.input_tokens_details;
    assert.equal(cost, imageTokens * 10 + textTokens * 5 + usage.output_tokens * 40, 'each at its price (micro-USD per token = USD per million)');
    await assertBilled(response, cost, 'gpt-image-1', 'openai');
    const upstream = stack.simulators.requests.filter((request) => request.provider === 'openai').at(-1)!;
    assert.match(upstream.path, /\/images\/edits$/);
    assert.match(String(upstream.headers['content-type']), /^multipart\/form-data; boundary=/);
    assert.deepEqual(upstream.body, { prompt: 'Make it blue', size: '1024x1024', quality: 'low', model: 'gpt-image-1', images: 2 });

    const single = await openai.images.edit({ model: 'gpt-image-1', prompt: 'Again', image: await toFile(png, 'one.png', { type: 'image/png' }) });
    assert.equal(single.data!.length, 1);
    await assert.rejects(openai.images.edit({ model: 'dall-e-3', prompt: 'x', image: await toFile(png, 'one.png', { type: 'image/png' }) }), (error: ApiError) => error.status === 400 && /edits/.test(error.message));
    const noImage = await fetch(`${stack.gateway.url}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}` }, body: (() => { const form = new FormData(); form.set('model', 'gpt-image-1'); form.set('prompt', 'x'); return form; })() });
    assert.equal(noImage.status, 422);
    const json = await fetch(`${stack.gateway.url}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body: '{"model":"gpt-image-1","prompt":"x"}' });
    assert.equal(json.status, 415);
    assert.ok(((await json.json()) as { error: { code: string } }).error.code);
  });

  test('partial images streamed (stream: true, gpt-image-1; generate and edit): the provider\'s events relayed as they come, billed after the last with its usage', async () => {
    const openai = stack.client();
    const stream = await openai.images.generate({ model: 'gpt-image-1', prompt: 'A lighthouse at dawn', size: '1024x1024', quality: 'low', stream: true, partial_images: 2 });
    const types: string[] = [];
    let completed: { b64_json: string; usage: { input_tokens: number; output_tokens: number; input_tokens_details: { image_tokens: number } } } | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'image_generation.completed') completed = event as unknown as typeof completed;
    }
    assert.deepEqual(types, ['image_generation.partial_image', 'image_generation.partial_image', 'image_generation.completed']);
    assert.deepEqual(await decode(Buffer.from(completed!.b64_json, 'base64')), { codec: 'png', width: 1024, height: 1024 });
    const pricing = stack.gateway.switchyard.catalog.find('gpt-image-1')!.pricing;
    const upstream = stack.simulators.requests.filter((request) => request.path.endsWith('/images/generations')).at(-1)!;
    assert.equal((upstream.body as { stream: boolean }).stream, true, 'asked of the provider as a stream');
    const records = await stack.gateway.switchyard.usage.flush().then(() => stack.gateway.switchyard.store.listUsageRecords({ limit: 100_000 }));
    const record = records.find((candidate) => candidate.surface === 'openai-images' && candidate.completionTokens === completed!.usage.output_tokens);
    assert.ok(record, 'a usage record with the reported tokens');
    assert.equal(record.usageFlag, null);
    assert.equal(record.cost, computeCost({ promptTokens: completed!.usage.input_tokens, imagePromptTokens: completed!.usage.input_tokens_details.image_tokens, completionTokens: completed!.usage.output_tokens }, pricing));

    const png = encodeSolidPng(256, 256, [10, 20, 30]);
    const edits = await openai.images.edit({ model: 'gpt-image-1', prompt: 'Night', image: await toFile(png, 'in.png', { type: 'image/png' }), stream: true, partial_images: 1 });
    const editTypes: string[] = [];
    for await (const event of edits) editTypes.push(event.type);
    assert.deepEqual(editTypes, ['image_edit.partial_image', 'image_edit.completed']);
  });

  test('edit uploads are bounded: too many files, a file too large, a broken form are 4xx in the envelope, and nothing reaches the provider', async () => {
    const upstreamBefore = stack.simulators.requests.length;
    const send = async (form: FormData | { body: Buffer; contentType: string }) => {
      const authorization = `Bearer ${stack.apiKey}`;
      const init: RequestInit = form instanceof FormData ? { body: form, headers: { authorization } } : { body: new Uint8Array(form.body), headers: { authorization, 'content-type': form.contentType } };
      const response = await fetch(`${stack.gateway.url}/v1/images/edits`, { method: 'POST', ...init });
      return { status: response.status, body: (await response.json()) as { error: { code: string } } };
    };
    const png = encodeSolidPng(16, 16, [1, 2, 3]);
    const many = new FormData();
    many.set('model', 'gpt-image-1');
    many.set('prompt', 'x');
    for (let index = 0; index < 18; index += 1) many.append('image[]', new Blob([new Uint8Array(png)], { type: 'image/png' }), `${index}.png`);
    const tooMany = await send(many);
    assert.equal(tooMany.status, 413);
    assert.equal(tooMany.body.error.code, 'upload_too_large');

    const large = new FormData();
    large.set('model', 'gpt-image-1');
    large.set('prompt', 'x');
    large.set('image', new Blob([new Uint8Array(25 * 1024 * 1024 + 1)], { type: 'image/png' }), 'big.png');
    const tooLarge = await send(large);
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.body.error.code, 'upload_too_large');

    const broken = await send({ body: Buffer.from('--b\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nx'), contentType: 'multipart/form-data; boundary=b' });
    assert.ok(broken.status === 400 || broken.status === 422, String(broken.status));
    assert.ok(broken.body.error.code);
    assert.equal(stack.simulators.requests.length, upstreamBefore, 'no provider call');
  });

  test('a provider failure before the answer is retried, and the request billed once', async () => {
    stack.simulators.addFault({ provider: 'openai', status: 503, times: 1 });
    const before = stack.simulators.requests.length;
    const { data, response } = await stack.client().images.generate({ model: 'dall-e-3', prompt: 'retry me', response_format: 'b64_json' }).withResponse();
    assert.equal(data.data!.length, 1);
    assert.equal(stack.simulators.requests.length - before, 2, 'one failure, one retry');
    await assertBilled(response, 40_000, 'dall-e-3', 'openai');
    const records = (await stack.gateway.switchyard.store.listUsageRecords({ limit: 1_000 })).filter((record) => record.requestId === response.headers.get('x-request-id'));
    assert.equal(records.length, 1);
  });

  test('bad input is a 4xx in the envelope; a chat model here is a 400 naming the route; no credit is a 402', async () => {
    const post = async (body: unknown) => {
      const response = await fetch(`${stack.gateway.url}/v1/images/generations`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string; param: string | null } } };
    };
    const badSize = await post({ model: 'gpt-image-1', prompt: 'x', size: '512x512' });
    assert.equal(badSize.status, 400);
    assert.equal(badSize.body.error.code, 'invalid_value');
    assert.equal(badSize.body.error.param, 'size');
    const twoDalle = await post({ model: 'dall-e-3', prompt: 'x', n: 2 });
    assert.equal(twoDalle.status, 400);
    assert.equal(twoDalle.body.error.param, 'n');
    for (const body of [{ model: 'gpt-image-1' }, { model: 'gpt-image-1', prompt: '' }, { model: 'gpt-image-1', prompt: 'x', n: 11 }, { model: 'gpt-image-1', prompt: 'x', n: '2' }, { model: 'dall-e-3', prompt: 'x', response_format: 'png' }]) {
      const answer = await post(body);
      assert.ok(answer.status === 400 || answer.status === 422, `${JSON.stringify(body)}: ${answer.status}`);
      assert.ok(answer.body.error.code, 'in the envelope');
    }
    const streamed = await post({ model: 'dall-e-3', prompt: 'x', stream: true });
    assert.equal(streamed.status, 400, 'dall-e-3 streams nothing');
    assert.equal(streamed.body.error.param, 'stream');
    // gpt-image models take no response_format: OpenAI's refusal, relayed.
    const format = await post({ model: 'gpt-image-1', prompt: 'x', response_format: 'b64_json' });
    assert.equal(format.status, 400);
    assert.match(format.body.error.message, /response_format/);
    assert.equal((await post({ model: 'no-such-painter', prompt: 'x' })).status, 404);
    assert.equal((await post({ prompt: 'x' })).status, 404, "OpenAI's default model, dall-e-2, is shut down");
    const chatHere = await post({ model: 'gpt-5-mini', prompt: 'x' });
    assert.equal(chatHere.status, 400);
    assert.equal(chatHere.body.error.code, 'unsupported_model_kind');
    const imageOnChat = await fetch(`${stack.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-image-1', messages: [{ role: 'user', content: 'hi' }] }) });
    assert.equal(imageOnChat.status, 400);
    assert.match(((await imageOnChat.json()) as { error: { message: string } }).error.message, /\/v1\/images\/generations/);

    const { switchyard } = stack.gateway;
    await switchyard.accounts.createOrganization('broke-images');
    const broke = stack.client('/v1', (await switchyard.accounts.createApiKey('broke-images', 'tests')).secret);
    await assert.rejects(broke.images.generate({ model: 'dall-e-3', prompt: 'x' }), (error: ApiError) => error.status === 402);
    await assert.rejects(broke.images.generate({ model: 'gpt-image-1', prompt: 'x' }), (error: ApiError) => error.status === 402);

    const models = await stack.client().models.list();
    const kinds = new Map(models.data.map((model) => [model.id, (model as unknown as { kind: string }).kind]));
    for (const model of ['gpt-image-1', 'gpt-image-1-mini', 'dall-e-3', 'grok-imagine-image', 'gemini-2.5-flash-image']) assert.equal(kinds.get(model), 'image', model);
  });
});

describe("the images simulators refuse as OpenAI and xAI do, with the official client pointed at them", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('unknown model 404, dall-e-3 n=2 400, a bad size 400 invalid_value naming size, no prompt 400, response_format on gpt-image 400', async () => {
    const openai = new OpenAI({ baseURL: stack.simulators.baseUrls.openai, apiKey: 'sk-simulated', maxRetries: 0 });
    const refusal = (request: Promise<unknown>) => request.then(() => assert.fail('refused'), (error: ApiError) => error);
    const unknown = await refusal(openai.images.generate({ model: 'dall-e-2', prompt: 'x' }));
    assert.equal(unknown.status, 404);
    assert.equal(unknown.code, 'model_not_found');
    const two = await refusal(openai.images.generate({ model: 'dall-e-3', prompt: 'x', n: 2 }));
    assert.equal(two.status, 400);
    assert.equal(two.param, 'n');
    const size = await refusal(openai.images.generate({ model: 'gpt-image-1', prompt: 'x', size: '512x512' as '1024x1024' }));
    assert.equal(size.status, 400);
    assert.equal(size.code, 'invalid_value');
    assert.equal(size.param, 'size');
    assert.match(size.message, /Supported values are: 'auto', '1024x1024', '1536x1024', and '1024x1536'/);
    const noPrompt = await refusal(openai.images.generate({ model: 'gpt-image-1' } as unknown as { model: string; prompt: string }));
    assert.equal(noPrompt.code, 'missing_required_parameter');
    const format = await refusal(openai.images.generate({ model: 'gpt-image-1', prompt: 'x', response_format: 'b64_json' }));
    assert.match(format.message, /Unknown parameter: 'response_format'/);

    const xai = new OpenAI({ baseURL: stack.simulators.baseUrls.xai, apiKey: 'xai-simulated', maxRetries: 0 });
    const xaiSize = await refusal(xai.images.generate({ model: 'grok-imagine-image', prompt: 'x', size: '1024x1024' }));
    assert.equal(xaiSize.status, 400);
    assert.match(xaiSize.message, /Argument not supported: size/);
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import OpenAI, { toFile } from 'openai';
import { computeCost } from '../../src/metering/compute-cost.ts';
import { encodeSolidPng } from '../../src/simulators/images/encode-solid-png.ts';
import { startStack, type Stack } from '../support/start-stack.ts';

/**
 * Video generation through the official `openai` client, as an app makes a video: `videos.create`
 * (a multipart form), `retrieve` until it completes, `downloadContent`, `list`, `remix`, `delete`
 * — on OpenAI's sora-2 and sora-2-pro and on Google's Veo (translated to `predictLongRunning`), and
 * on the hosted `/v1/gateway/video/generation/` route. A job is billed when it completes (its
 * seconds at its size's price, once, in the ledger), nothing when it fails; its reservation holds
 * the organization's credit while it runs. Every video downloaded is read by Debian's ffprobe.
 */

const run = promisify(execFile);
type ApiError = InstanceType<typeof OpenAI.APIError>;
type Video = Awaited<ReturnType<OpenAI['videos']['retrieve']>>;

let directory: string;
let fileCount = 0;

async function probe(bytes: Buffer): Promise<{ duration: number; width: number; height: number; codec: string }> {
  fileCount += 1;
  const file = join(directory, `video-${fileCount}.mp4`);
  await writeFile(file, bytes);
  const probed = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,width,height', '-of', 'json', file]);
  const parsed = JSON.parse(probed.stdout) as { format: { duration: string }; streams: { codec_name: string; width: number; height: number }[] };
  const video = parsed.streams.find((stream) => stream.width)!;
  return { duration: Number(parsed.format.duration), width: video.width, height: video.height, codec: video.codec_name };
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OpenAI.APIError, String(error));
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('videos: /v1/videos and /v1/gateway/video/generation/', () => {
  let stack: Stack;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'switchyard-videos-'));
    stack = await startStack({ SWITCHYARD_VIDEO_POLL_MS: '40' });
    stack.simulators.setVideoRenderMs(300);
  });
  after(async () => {
    await stack.close();
    await rm(directory, { recursive: true, force: true });
  });

  /** Retrieves until the job ends, as an app polls. */
  async function untilEnded(openai: OpenAI, id: string): Promise<Video> {
    for (let waited = 0; waited < 10_000; waited += 50) {
      const video = await openai.videos.retrieve(id);
      if (video.status === 'completed' || video.status === 'failed') return video;
      await sleep(50);
    }
    assert.fail(`video ${id} did not end`);
  }

  async function ledgerAmountOf(requestId: string): Promise<number | undefined> {
    await stack.gateway.switchyard.usage.flush();
    const ledger = await stack.gateway.switchyard.store.listLedgerEntries({ limit: 10_000 });
    return ledger.find((entry) => entry.requestId === requestId)?.amount;
  }

  function priceOf(model: string, size: string, seconds: number): number {
    const pricing = stack.gateway.switchyard.catalog.find(model)!.pricing;
    return computeCost({ promptTokens: 0, completionTokens: 0, units: { variant: size, count: seconds } }, pricing);
  }

  for (const [model, size, seconds, provider] of [
    ['sora-2', '1280x720', '8', 'openai'],
    ['sora-2-pro', '1024x1792', '4', 'openai'],
    ['veo-3.1-fast-generate-preview', '720x1280', '4', 'google'],
  ] as const) {
    test(`${model} ${size} ${seconds}s: create, poll, download a real MP4 of that length and shape, billed its seconds once it completes`, async () => {
      const openai = stack.client();
      const { data: created, response } = await openai.videos.create({ model, prompt: 'A lighthouse at dawn, waves below', size: size as never, seconds: seconds as never }).withResponse();
      assert.match(created.id, /^video_[0-9a-f]{48}$/);
      assert.equal(created.object, 'video');
      assert.equal(created.model, model);
      assert.equal(created.seconds, seconds);
      assert.equal(created.size, size);
      assert.ok(created.status === 'queued' || created.status === 'in_progress');
      const requestId = response.headers.get('x-request-id')!;
      assert.equal(await ledgerAmountOf(requestId), undefined, 'nothing is billed at creation');

      const ended = await untilEnded(openai, created.id);
      assert.equal(ended.status, 'completed');
      assert.equal(ended.progress, 100);
      assert.ok(ended.completed_at! >= ended.created_at);
      assert.ok(ended.expires_at! > ended.completed_at!);
      const cost = priceOf(model, size, Number(seconds));
      assert.ok(cost > 0);
      const record = await stack.usageRecordOf(requestId);
      assert.deepEqual([record.surface, record.model, record.provider, record.status, record.cost], ['openai-videos', model, provider, 200, cost]);
      assert.equal(await ledgerAmountOf(requestId), -cost);

      const content = await openai.videos.downloadContent(created.id);
      assert.equal(content.headers.get('content-type'), 'video/mp4');
      const video = await probe(Buffer.from(await content.arrayBuffer()));
      assert.equal(video.codec, 'h264');
      assert.ok(Math.abs(video.duration - Number(seconds)) < 0.6, `lasts ${seconds} s (${video.duration})`);
      const [width, height] = size.split('x').map(Number) as [number, number];
      assert.ok(Math.abs(video.width / video.height - width / height) < 0.05, `the shape of ${size} (${video.width}x${video.height})`);
    });
  }

  test('the request the provider got: the SDK\'s form passed to OpenAI as a form, Veo given its aspect ratio, resolution and duration', async () => {
    const openai = stack.client();
    stack.simulators.reset();
    stack.simulators.setVideoRenderMs(300);
    const image = encodeSolidPng(1280, 720, [200, 120, 40]);
    await openai.videos.create({ model: 'sora-2', prompt: 'From this frame', size: '1280x720', input_reference: await toFile(image, 'frame.png', { type: 'image/png' }) });
    await openai.videos.create({ model: 'veo-3.1-generate-preview', prompt: 'From this frame', size: '1920x1080' as never, seconds: '8' as never, input_reference: await toFile(image, 'frame.png', { type: 'image/png' }) });
    const sora = stack.simulators.requests.find((request) => request.path.endsWith('/videos') && request.method === 'POST');
    assert.ok(sora, 'OpenAI got POST /videos');
    const veo = stack.simulators.requests.find((request) => request.path.includes(':predictLongRunning'));
    assert.ok(veo, 'Google got predictLongRunning');
    const body = veo.body as { instances: { prompt: string; image?: { bytesBase64Encoded: string; mimeType: string } }[]; parameters: Record<string, unknown> };
    assert.equal(body.instances[0]!.prompt, 'From this frame');
    assert.equal(body.instances[0]!.image?.mimeType, 'image/png');
    assert.deepEqual(Buffer.from(body.instances[0]!.image!.bytesBase64Encoded, 'base64'), image);
    assert.deepEqual(body.parameters, { aspectRatio: '16:9', resolution: '1080p', durationSeconds: 8 });
  });

  test('a job the provider fails (its moderation) ends failed with the provider\'s error, and costs nothing', async () => {
    const openai = stack.client();
    for (const model of ['sora-2', 'veo-3.1-generate-preview']) {
      const { data: created, response } = await openai.videos.create({ model, prompt: 'Something forbidden [fail]' }).withResponse();
      const ended = await untilEnded(openai, created.id);
      assert.equal(ended.status, 'failed', model);
      assert.ok(ended.error?.code, `${model}: an error code`);
      assert.ok(ended.error?.message);
      const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
      assert.equal(record.cost, 0);
      assert.equal(record.errorCode, ended.error!.code);
      assert.equal(await ledgerAmountOf(record.requestId), undefined);
      assert.equal((await rejection(openai.videos.downloadContent(created.id))).status, 404);
    }
  });

  test('what a model cannot make is a 400 naming it; other kinds of model, a 400 naming the route; a bad form, a 422', async () => {
    const openai = stack.client();
    const seconds = await rejection(openai.videos.create({ model: 'sora-2', prompt: 'x', seconds: '5' as never }));
    assert.deepEqual([seconds.status, seconds.param, (seconds.error as { code?: string }).code], [400, 'seconds', 'unsupported_capability']);
    const size = await rejection(openai.videos.create({ model: 'sora-2', prompt: 'x', size: '1792x1024' }));
    assert.deepEqual([size.status, size.param], [400, 'size']);
    const chat = await rejection(openai.videos.create({ model: 'gpt-4o-mini', prompt: 'x' }));
    assert.equal(chat.status, 400);
    assert.match(chat.message, /\/v1\/chat\/completions/);
    const missing = await rejection(openai.videos.create({ model: 'sora-2', prompt: '' }));
    assert.equal(missing.status, 422);
    const unknown = await rejection(openai.videos.create({ model: 'no-such-video-model', prompt: 'x' }));
    assert.equal(unknown.status, 404);
  });

  test('retrieve, list, content and delete see only the organization\'s own jobs; delete waits for the end', async () => {
    const openai = stack.client();
    stack.simulators.setVideoRenderMs(2_000);
    const running = await openai.videos.create({ model: 'sora-2', prompt: 'A slow one' });
    const early = await rejection(openai.videos.downloadContent(running.id));
    assert.equal(early.status, 404);
    assert.match(early.message, /not ready/);
    assert.equal((await rejection(openai.videos.delete(running.id))).status, 400);
    stack.simulators.setVideoRenderMs(300);

    const other = await stack.gateway.switchyard.accounts.createOrganization('globex');
    await stack.gateway.switchyard.credits.topUp(other.id, 1_000_000_000, 'test');
    const { secret } = await stack.gateway.switchyard.accounts.createApiKey('globex', 'theirs');
    const theirs = stack.client('/v1', secret);
    assert.equal((await rejection(theirs.videos.retrieve(running.id))).status, 404);
    assert.equal((await rejection(theirs.videos.downloadContent(running.id))).status, 404);
    assert.equal((await rejection(theirs.videos.delete(running.id))).status, 404);
    assert.equal((await theirs.videos.list()).data.length, 0);

    const first = await openai.videos.list({ limit: 1 });
    assert.equal(first.data.length, 1);
    assert.equal(first.has_more, true);
    const ids: string[] = [];
    for await (const video of openai.videos.list({ limit: 2 })) ids.push(video.id);
    assert.ok(ids.includes(running.id));
    assert.equal(new Set(ids).size, ids.length, 'pages do not repeat');

    const ended = await untilEnded(openai, running.id);
    assert.equal(ended.status, 'completed');
    assert.deepEqual(await openai.videos.delete(running.id), { id: running.id, object: 'video.deleted', deleted: true });
    assert.equal((await rejection(openai.videos.retrieve(running.id))).status, 404);
  });

  test('a remix of a completed sora video is a new job of the same length and size, billed as such; Veo remixes nothing', async () => {
    const openai = stack.client();
    const source = await untilEnded(openai, (await openai.videos.create({ model: 'sora-2', prompt: 'A red car', seconds: '4' })).id);
    const { data: remix, response } = await openai.videos.remix(source.id, { prompt: 'The same car, blue' }).withResponse();
    assert.equal(remix.remixed_from_video_id, source.id);
    assert.equal(remix.seconds, '4');
    const ended = await untilEnded(openai, remix.id);
    assert.equal(ended.status, 'completed');
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.equal(record.cost, priceOf('sora-2', source.size, 4));
    const veo = await untilEnded(openai, (await openai.videos.create({ model: 'veo-3.1-fast-generate-preview', prompt: 'A boat', seconds: '4' as never })).id);
    const refused = await rejection(openai.videos.remix(veo.id, { prompt: 'Another boat' }));
    assert.equal(refused.status, 400);
  });

  test('the hosted route takes and gives the same shapes (JSON create, retrieve, content)', async () => {
    const headers = { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' };
    const base = `${stack.gateway.url}/v1/gateway/video/generation`;
    const created = await fetch(`${base}/`, { method: 'POST', headers, body: JSON.stringify({ model: 'sora-2', prompt: 'A kite', seconds: 4 }) });
    assert.equal(created.status, 200);
    const video = (await created.json()) as Video;
    assert.equal(video.seconds, '4');
    let status = video.status;
    for (let waited = 0; status !== 'completed' && waited < 10_000; waited += 50) {
      await sleep(50);
      status = ((await (await fetch(`${base}/${video.id}/`, { headers })).json()) as Video).status;
    }
    assert.equal(status, 'completed');
    const content = await fetch(`${base}/${video.id}/content/`, { headers });
    assert.equal(content.status, 200);
    assert.equal((await probe(Buffer.from(await content.arrayBuffer()))).codec, 'h264');
    const thumbnail = await fetch(`${base}/${video.id}/content?variant=thumbnail`, { headers });
    assert.equal(thumbnail.headers.get('content-type'), 'image/webp');
  });

  test('a running job holds its reservation: an organization whose credit it takes is refused the next job (402) until it ends', async () => {
    const switchyard = stack.gateway.switchyard;
    const organization = await switchyard.accounts.createOrganization('initech');
    await switchyard.credits.topUp(organization.id, 1_000_000, 'one credit'); // $1
    const { secret } = await switchyard.accounts.createApiKey('initech', 'video');
    const openai = stack.client('/v1', secret);
    stack.simulators.setVideoRenderMs(1_000);
    const first = await openai.videos.create({ model: 'sora-2', prompt: 'Twelve seconds', seconds: '12' }); // $1.20 reserved
    const refused = await rejection(openai.videos.create({ model: 'sora-2', prompt: 'Another' }));
    assert.equal(refused.status, 402);
    stack.simulators.setVideoRenderMs(300);
    assert.equal((await untilEnded(openai, first.id)).status, 'completed');
    await switchyard.usage.flush();
    const balance = (await switchyard.store.listBalances()).get(organization.id);
    assert.equal(balance, 1_000_000 - priceOf('sora-2', '720x1280', 12));
  });
});

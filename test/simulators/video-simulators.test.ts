import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, beforeEach, describe, it, type TestContext } from 'node:test';
import OpenAI, { toFile } from 'openai';
import type { Video } from 'openai/resources/videos';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';

/** Fast renders for the tests that wait for the end; a test that needs a job to stay unfinished sets a long one. */
const RENDER_MS = 250;
const GOOGLE_KEY = 'AIza-video-simulator-test';
let simulators: Simulators;
let scratch: string;

before(async () => {
  simulators = await startSimulators({ videoRenderMs: RENDER_MS });
  scratch = mkdtempSync(join(tmpdir(), 'video-simulators-'));
});

after(async () => {
  await simulators.close();
  rmSync(scratch, { recursive: true, force: true });
});

beforeEach(() => {
  simulators.reset();
});

const openai = (apiKey = 'sk-video-test') => new OpenAI({ apiKey, baseURL: simulators.baseUrls.openai, maxRetries: 0 });

/** Polls as a client does until the job is over, keeping every state it saw. */
async function pollVideo(client: OpenAI, id: string): Promise<Video[]> {
  const seen: Video[] = [];
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const video = await client.videos.retrieve(id);
    seen.push(video);
    if (video.status === 'completed' || video.status === 'failed') return seen;
    await delay(10);
  }
  throw new Error(`video ${id} never finished`);
}

async function openaiError(promise: Promise<unknown>): Promise<{ status: number; error: any }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return { status: error.status!, error: error.error };
    throw error;
  }
  throw new Error('expected the call to be refused');
}

const hasFfprobe = spawnSync('ffprobe', ['-version']).status === 0;

/** The container's duration and the video stream's size, as Debian's ffprobe reads them. */
function probe(t: TestContext, bytes: Buffer): { duration: number; width: number; height: number } | undefined {
  if (!hasFfprobe) {
    t.diagnostic('ffprobe is not installed (apt-get install ffmpeg): the MP4 was checked for its ftyp box only');
    assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp');
    return undefined;
  }
  const path = join(scratch, `probe-${Math.random().toString(36).slice(2)}.mp4`);
  writeFileSync(path, bytes);
  const result = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=width,height', '-of', 'json', path], { encoding: 'utf8' });
  assert.equal(result.status, 0, `ffprobe refused the file: ${result.stderr}`);
  const report = JSON.parse(result.stdout) as { format: { duration: string }; streams: { width?: number; height?: number }[] };
  const video = report.streams.find((stream) => stream.width !== undefined)!;
  return { duration: Number(report.format.duration), width: video.width!, height: video.height! };
}

function assertShape(t: TestContext, bytes: Buffer, seconds: number, width: number, height: number): void {
  const probed = probe(t, bytes);
  if (!probed) return;
  assert.ok(Math.abs(probed.duration - seconds) < 0.1, `lasts ${probed.duration} s, not ${seconds} s`);
  assert.ok(Math.abs(probed.width / probed.height - width / height) < 0.02, `${probed.width}x${probed.height} is not the shape of ${width}x${height}`);
}

describe('OpenAI Videos simulator (Sora)', () => {
  it('takes the official client’s multipart create and answers a queued video object with every field', async () => {
    const video = await openai().videos.create({ prompt: 'A paper boat on a puddle', model: 'sora-2', seconds: '8', size: '1280x720' });
    assert.match(video.id, /^video_[0-9a-f]{48}$/);
    assert.deepEqual(
      { ...video, id: undefined, created_at: undefined },
      { id: undefined, object: 'video', created_at: undefined, status: 'queued', completed_at: null, error: null, expires_at: null, model: 'sora-2', progress: 0, prompt: 'A paper boat on a puddle', remixed_from_video_id: null, seconds: '8', size: '1280x720' },
    );
    assert.ok(Math.abs(video.created_at - Date.now() / 1000) < 5);
    const recorded = await simulators.waitForRequest((request) => request.method === 'POST' && request.path === '/openai/v1/videos');
    assert.match(String(recorded.headers['content-type']), /^multipart\/form-data; boundary=/);
    assert.deepEqual(recorded.body, { prompt: 'A paper boat on a puddle', model: 'sora-2', seconds: '8', size: '1280x720' });
  });

  it('advances a job from queued through in_progress with rising progress to completed, with completion and expiry times', async () => {
    simulators.setVideoRenderMs(600);
    const client = openai();
    const created = await client.videos.create({ prompt: 'Clouds over a lighthouse' });
    assert.equal(created.status, 'queued');
    const seen = await pollVideo(client, created.id);
    const statuses = [...new Set(seen.map((video) => video.status))];
    assert.deepEqual(statuses.at(-1), 'completed');
    assert.ok(statuses.includes('in_progress'), `saw ${statuses.join(', ')}`);
    const progress = seen.map((video) => video.progress);
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), 'progress never goes back');
    assert.ok(seen.some((video) => video.status === 'in_progress' && video.progress > 0 && video.progress < 100));
    const done = seen.at(-1)!;
    assert.equal(done.progress, 100);
    assert.equal(typeof done.completed_at, 'number');
    assert.equal(done.expires_at, done.completed_at! + 3600);
    assert.equal(done.seconds, '4', 'defaults: 4 seconds');
    assert.equal(done.size, '720x1280', 'defaults: 720x1280');
    assert.equal(done.model, 'sora-2');
  });

  it('serves a real MP4 of the requested length and aspect ratio for every size, a WebP thumbnail and a JPEG spritesheet', async (t) => {
    simulators.setVideoRenderMs(0);
    const client = openai();
    const cases = [
      { model: 'sora-2', size: '720x1280', seconds: '4' },
      { model: 'sora-2-2025-12-08', size: '1280x720', seconds: '12' },
      { model: 'sora-2-pro', size: '1024x1792', seconds: '8' },
      { model: 'sora-2-pro-2025-10-06', size: '1792x1024', seconds: '12' },
    ] as const;
    for (const spec of cases) {
      const video = await client.videos.create({ prompt: `A kite, ${spec.size}`, ...spec });
      assert.equal((await client.videos.retrieve(video.id)).status, 'completed');
      const content = await client.videos.downloadContent(video.id);
      assert.equal(content.headers.get('content-type'), 'video/mp4');
      const bytes = Buffer.from(await content.arrayBuffer());
      assert.ok(bytes.length < 10_000, `${bytes.length} bytes`);
      const [width, height] = spec.size.split('x').map(Number) as [number, number];
      assertShape(t, bytes, Number(spec.seconds), width, height);
    }
    const last = (await client.videos.list({ limit: 1 })).data[0]!;
    const thumbnail = await client.videos.downloadContent(last.id, { variant: 'thumbnail' });
    assert.equal(thumbnail.headers.get('content-type'), 'image/webp');
    const webp = Buffer.from(await thumbnail.arrayBuffer());
    assert.equal(webp.subarray(0, 4).toString('latin1'), 'RIFF');
    assert.equal(webp.subarray(8, 12).toString('latin1'), 'WEBP');
    const spritesheet = await client.videos.downloadContent(last.id, { variant: 'spritesheet' });
    assert.equal(spritesheet.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual([...Buffer.from(await spritesheet.arrayBuffer()).subarray(0, 3)], [0xff, 0xd8, 0xff]);
    const badVariant = await fetch(`${simulators.baseUrls.openai}/videos/${last.id}/content?variant=gif`, { headers: { authorization: 'Bearer sk-video-test' } });
    assert.equal(badVariant.status, 400);
    assert.equal(((await badVariant.json()) as any).error.param, 'variant');
  });

  it('refuses content before the video is completed with OpenAI’s 404', async () => {
    simulators.setVideoRenderMs(60_000);
    const client = openai();
    const video = await client.videos.create({ prompt: 'A slow sunrise' });
    const refused = await openaiError(client.videos.downloadContent(video.id));
    assert.equal(refused.status, 404);
    assert.deepEqual(refused.error, { message: 'Video is not ready yet, use GET /v1/videos/{video_id} to check status.', type: 'invalid_request_error', param: null, code: null });
  });

  it('accepts a JSON create as the real API does, and refuses bad values in OpenAI’s envelope', async () => {
    const post = async (body: unknown, key = 'sk-video-test') => {
      const response = await fetch(`${simulators.baseUrls.openai}/videos`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }) }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as any };
    };
    const accepted = await post({ prompt: 'A red fox in snow', model: 'sora-2-pro', seconds: '12', size: '1792x1024' });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.object, 'video');
    assert.equal(accepted.body.size, '1792x1024');

    const refusals: [unknown, number, string | null, string | null][] = [
      [{ model: 'sora-2' }, 400, 'prompt', 'missing_required_parameter'],
      [{ prompt: 'x', seconds: '5' }, 400, 'seconds', 'invalid_value'],
      [{ prompt: 'x', seconds: 8 }, 400, 'seconds', 'invalid_type'],
      [{ prompt: 'x', size: '1920x1080' }, 400, 'size', 'invalid_value'],
      [{ prompt: 'x', model: 'sora-2', size: '1024x1792' }, 400, 'size', 'invalid_value'],
      [{ prompt: 'x', model: 'sora-3' }, 400, 'model', 'invalid_value'],
      [{ prompt: 'x', quality: 'high' }, 400, 'quality', 'unknown_parameter'],
    ];
    for (const [body, status, param, code] of refusals) {
      const refused = await post(body);
      assert.equal(refused.status, status, JSON.stringify(body));
      assert.equal(refused.body.error.type, 'invalid_request_error');
      assert.equal(refused.body.error.param, param, JSON.stringify(body));
      assert.equal(refused.body.error.code, code, JSON.stringify(body));
      assert.equal(typeof refused.body.error.message, 'string');
    }
    const unauthenticated = await post({ prompt: 'x' }, '');
    assert.equal(unauthenticated.status, 401);
    const sdkRefusal = await openaiError(openai().videos.create({ prompt: 'x', model: 'sora-2', size: '1792x1024' }));
    assert.equal(sdkRefusal.status, 400);
    assert.equal(sdkRefusal.error.param, 'size');
  });

  it('takes an input_reference upload of the video’s size and refuses one of another size', async () => {
    const client = openai();
    const png = (width: number, height: number) => {
      const header = Buffer.alloc(24);
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).copy(header);
      header.writeUInt32BE(width, 16);
      header.writeUInt32BE(height, 20);
      return header;
    };
    const accepted = await client.videos.create({ prompt: 'Animate this', size: '720x1280', input_reference: await toFile(png(720, 1280), 'first.png', { type: 'image/png' }) });
    assert.equal(accepted.status, 'queued');
    const recorded = await simulators.waitForRequest((request) => request.method === 'POST' && request.path === '/openai/v1/videos');
    assert.deepEqual(recorded.body.input_reference, { content_type: 'image/png', bytes: 24 });
    const refused = await openaiError(client.videos.create({ prompt: 'Animate this', size: '1280x720', input_reference: await toFile(png(720, 1280), 'first.png', { type: 'image/png' }) }));
    assert.equal(refused.status, 400);
    assert.equal(refused.error.param, 'input_reference');
  });

  it('lists a key’s videos as a cursor page (limit, after, order) that the client pages through, and hides them from other keys', async () => {
    simulators.setVideoRenderMs(0);
    const client = openai();
    const ids: string[] = [];
    for (const prompt of ['one', 'two', 'three']) ids.push((await client.videos.create({ prompt })).id);
    const first = await client.videos.list({ limit: 2, order: 'asc' });
    assert.deepEqual(first.data.map((video) => video.id), ids.slice(0, 2));
    assert.equal(first.has_more, true);
    const raw = (await (await fetch(`${simulators.baseUrls.openai}/videos?limit=2&order=asc`, { headers: { authorization: 'Bearer sk-video-test' } })).json()) as any;
    assert.deepEqual({ object: raw.object, first_id: raw.first_id, last_id: raw.last_id, has_more: raw.has_more }, { object: 'list', first_id: ids[0], last_id: ids[1], has_more: true });
    const collected: string[] = [];
    for await (const video of client.videos.list({ limit: 1, order: 'asc' })) collected.push(video.id);
    assert.deepEqual(collected, ids);
    assert.deepEqual((await client.videos.list()).data.map((video) => video.id), [...ids].reverse(), 'newest first by default');
    assert.deepEqual((await client.videos.list({ after: ids[2]!, limit: 5 })).data.map((video) => video.id), [ids[1], ids[0]]);

    const stranger = openai('sk-another-project');
    assert.equal((await stranger.videos.list()).data.length, 0);
    assert.equal((await openaiError(stranger.videos.retrieve(ids[0]!))).status, 404);
  });

  it('deletes only finished videos, and forgets them', async () => {
    const client = openai();
    simulators.setVideoRenderMs(60_000);
    const rendering = await client.videos.create({ prompt: 'Still rendering' });
    const refused = await openaiError(client.videos.delete(rendering.id));
    assert.equal(refused.status, 400);
    simulators.setVideoRenderMs(0);
    const finished = await client.videos.create({ prompt: 'Finished' });
    assert.deepEqual(await client.videos.delete(finished.id), { id: finished.id, object: 'video.deleted', deleted: true });
    assert.equal((await openaiError(client.videos.retrieve(finished.id))).status, 404);
    const failed = await client.videos.create({ prompt: 'Broken [fail]' });
    assert.equal((await client.videos.delete(failed.id)).deleted, true, 'a failed video can be deleted');
  });

  it('remixes a completed video into a new job of the same model, size and length, and refuses to remix an unfinished one', async () => {
    simulators.setVideoRenderMs(0);
    const client = openai();
    const source = await client.videos.create({ prompt: 'A dog on a beach', model: 'sora-2-pro', seconds: '12', size: '1024x1792' });
    simulators.setVideoRenderMs(60_000);
    const remix = await client.videos.remix(source.id, { prompt: 'The same dog, at night' });
    assert.notEqual(remix.id, source.id);
    assert.deepEqual(
      { status: remix.status, model: remix.model, size: remix.size, seconds: remix.seconds, prompt: remix.prompt, remixed_from_video_id: remix.remixed_from_video_id },
      { status: 'queued', model: 'sora-2-pro', size: '1024x1792', seconds: '12', prompt: 'The same dog, at night', remixed_from_video_id: source.id },
    );
    const refused = await openaiError(client.videos.remix(remix.id, { prompt: 'Too early' }));
    assert.equal(refused.status, 400);
    assert.equal((await openaiError(client.videos.remix('video_missing', { prompt: 'x' }))).status, 404);
  });

  it('ends a prompt with the [fail] marker failed, with OpenAI’s moderation error, and no content', async () => {
    const client = openai();
    const video = await client.videos.create({ prompt: 'Something the moderator will block [fail]' });
    const done = (await pollVideo(client, video.id)).at(-1)!;
    assert.equal(done.status, 'failed');
    assert.deepEqual(done.error, { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' });
    assert.equal(done.completed_at, null);
    assert.equal((await openaiError(client.videos.downloadContent(video.id))).status, 404);
  });

  it('answers a status fault on the create call in OpenAI’s error shape', async () => {
    simulators.addFault({ provider: 'openai', model: 'sora-2-pro', status: 429, headers: { 'retry-after': '3' } });
    const refused = await openaiError(openai().videos.create({ prompt: 'x', model: 'sora-2-pro' }));
    assert.equal(refused.status, 429);
    assert.equal(refused.error.code, 'rate_limit_exceeded');
    const next = await openai().videos.create({ prompt: 'x', model: 'sora-2-pro' });
    assert.equal(next.status, 'queued', 'the fault applied once');
  });

  it('forgets every job on reset and restores the render time it started with; the control API sets the render time', async () => {
    const client = openai();
    simulators.setVideoRenderMs(60_000);
    const video = await client.videos.create({ prompt: 'Forgotten' });
    simulators.reset();
    assert.equal((await openaiError(client.videos.retrieve(video.id))).status, 404);
    const afterReset = await client.videos.create({ prompt: 'Paced by the start option again' });
    assert.equal((await pollVideo(client, afterReset.id)).at(-1)!.status, 'completed');

    const control = await fetch(`${simulators.url}/__simulator/videos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ renderMs: 0 }) });
    assert.equal(control.status, 204);
    const instant = await client.videos.create({ prompt: 'Instant' });
    assert.equal((await client.videos.retrieve(instant.id)).status, 'completed');
    const badControl = await fetch(`${simulators.url}/__simulator/videos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ renderMs: -1 }) });
    assert.equal(badControl.status, 400);
  });
});

describe('Veo simulator (Gemini API predictLongRunning)', () => {
  const google = async (path: string, body?: unknown, key: string | undefined = GOOGLE_KEY, init: RequestInit = {}) => {
    const response = await fetch(`${simulators.baseUrls.google}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(key !== undefined && { 'x-goog-api-key': key }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      ...init,
    });
    return response;
  };
  const start = async (model: string, instance: Record<string, unknown>, parameters?: Record<string, unknown>, key?: string) => {
    const response = await google(`/v1beta/models/${model}:predictLongRunning`, { instances: [instance], ...(parameters && { parameters }) }, key);
    return { status: response.status, body: (await response.json()) as any };
  };
  const pollOperation = async (name: string, key = GOOGLE_KEY) => {
    const seen: any[] = [];
    for (let attempt = 0; attempt < 400; attempt += 1) {
      const operation = (await (await google(`/v1beta/${name}`, undefined, key)).json()) as any;
      seen.push(operation);
      if (operation.done) return seen;
      await delay(10);
    }
    throw new Error(`operation ${name} never finished`);
  };

  it('answers an operation name, polls as {name} until done, then the generated sample’s file URI in the real response shape', async () => {
    const started = await start('veo-3.1-generate-preview', { prompt: 'A hummingbird at a feeder' }, { aspectRatio: '9:16', durationSeconds: 6, negativePrompt: 'blur', personGeneration: 'allow_all' });
    assert.equal(started.status, 200);
    assert.deepEqual(Object.keys(started.body), ['name']);
    assert.match(started.body.name, /^models\/veo-3\.1-generate-preview\/operations\/[a-z0-9]{12}$/);
    const seen = await pollOperation(started.body.name);
    assert.deepEqual(seen[0], { name: started.body.name }, 'a running operation has no done key');
    const done = seen.at(-1);
    assert.equal(done.done, true);
    assert.equal(done.name, started.body.name);
    assert.equal(done.response['@type'], 'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse');
    const samples = done.response.generateVideoResponse.generatedSamples;
    assert.equal(samples.length, 1);
    assert.match(samples[0].video.uri, /\/gemini\/v1beta\/files\/[a-z0-9]{12}:download\?alt=media$/);
    const recorded = await simulators.waitForRequest((request) => request.path.endsWith(':predictLongRunning'));
    assert.deepEqual(recorded.body.parameters, { aspectRatio: '9:16', durationSeconds: 6, negativePrompt: 'blur', personGeneration: 'allow_all' });
  });

  it('downloads the video with the key through a 302 to a signed link, as a real MP4 of the requested length and shape', async (t) => {
    simulators.setVideoRenderMs(0);
    for (const spec of [
      { model: 'veo-3.1-fast-generate-preview', parameters: { aspectRatio: '9:16', durationSeconds: 6 }, width: 9, height: 16, seconds: 6 },
      { model: 'veo-3.1-generate-preview', parameters: { resolution: '1080p', durationSeconds: 8 }, width: 16, height: 9, seconds: 8 },
      { model: 'veo-3.0-generate-001', parameters: { durationSeconds: 4 }, width: 16, height: 9, seconds: 4 },
    ]) {
      const started = await start(spec.model, { prompt: 'Waves on rocks' }, spec.parameters);
      assert.equal(started.status, 200, JSON.stringify(started.body));
      const uri: string = (await pollOperation(started.body.name)).at(-1).response.generateVideoResponse.generatedSamples[0].video.uri;
      const redirect = await fetch(uri, { headers: { 'x-goog-api-key': GOOGLE_KEY }, redirect: 'manual' });
      assert.equal(redirect.status, 302);
      const location = redirect.headers.get('location')!;
      const media = await fetch(location);
      assert.equal(media.status, 200, 'the signed link needs no key');
      assert.equal(media.headers.get('content-type'), 'video/mp4');
      const followed = await fetch(`${uri}&key=${GOOGLE_KEY}`);
      assert.equal(followed.redirected, true);
      assertShape(t, Buffer.from(await followed.arrayBuffer()), spec.seconds, spec.width, spec.height);
    }
  });

  it('refuses what Veo refuses, in Google’s error envelope', async () => {
    const cases: [string, Record<string, unknown>, Record<string, unknown> | undefined, number, string][] = [
      ['veo-3.1-generate-preview', { prompt: 'x' }, { durationSeconds: 5 }, 400, 'INVALID_ARGUMENT'],
      ['veo-3.1-generate-preview', { prompt: 'x' }, { durationSeconds: 10 }, 400, 'INVALID_ARGUMENT'],
      ['veo-3.1-generate-preview', { prompt: 'x' }, { aspectRatio: '1:1' }, 400, 'INVALID_ARGUMENT'],
      ['veo-3.1-generate-preview', { prompt: 'x' }, { resolution: '1080p', durationSeconds: 4 }, 400, 'INVALID_ARGUMENT'],
      ['veo-3.1-generate-preview', { prompt: 'x' }, { resolution: '480p' }, 400, 'INVALID_ARGUMENT'],
      ['veo-3.0-generate-001', { prompt: 'x' }, { resolution: '4k' }, 400, 'INVALID_ARGUMENT'],
      ['veo-3.1-generate-preview', { prompt: 'x' }, { seed: 7 }, 400, 'INVALID_ARGUMENT'],
      ['veo-3.1-generate-preview', { prompt: 'x' }, { personGeneration: 'allow_adult' }, 400, 'INVALID_ARGUMENT'],
      ['veo-3.1-generate-preview', {}, undefined, 400, 'INVALID_ARGUMENT'],
      ['veo-9-generate', { prompt: 'x' }, undefined, 404, 'NOT_FOUND'],
      ['gemini-2.5-flash', { prompt: 'x' }, undefined, 404, 'NOT_FOUND'],
    ];
    for (const [model, instance, parameters, status, statusName] of cases) {
      const refused = await start(model, instance, parameters);
      assert.equal(refused.status, status, `${model} ${JSON.stringify(parameters)}`);
      assert.equal(refused.body.error.code, status);
      assert.equal(refused.body.error.status, statusName);
      assert.equal(typeof refused.body.error.message, 'string');
    }
    assert.equal((await start('veo-3.1-generate-preview', { prompt: 'x' }, undefined, 'not-a-google-key')).status, 400);
    assert.equal((await start('veo-3.1-generate-preview', { prompt: 'x' })).status, 200, 'default parameters: 8 s, 16:9, 720p');
  });

  it('ends a [fail] prompt with an operation error and a [filtered] prompt with the safety filter’s count and no samples', async () => {
    const failed = await start('veo-3.1-generate-preview', { prompt: 'Explodes [fail]' });
    const failedDone = (await pollOperation(failed.body.name)).at(-1);
    assert.equal(failedDone.done, true);
    assert.equal(failedDone.response, undefined);
    assert.equal(failedDone.error.code, 13);
    assert.equal(typeof failedDone.error.message, 'string');

    const filtered = await start('veo-3.1-generate-preview', { prompt: 'Blocked [filtered]' });
    const filteredDone = (await pollOperation(filtered.body.name)).at(-1);
    assert.equal(filteredDone.error, undefined);
    assert.equal(filteredDone.response.generateVideoResponse.raiMediaFilteredCount, 1);
    assert.equal(filteredDone.response.generateVideoResponse.raiMediaFilteredReasons.length, 1);
    assert.equal(filteredDone.response.generateVideoResponse.generatedSamples, undefined);
  });

  it('keeps operations and files to the key that made them', async () => {
    simulators.setVideoRenderMs(0);
    const started = await start('veo-3.1-generate-preview', { prompt: 'Private' });
    const other = 'AIza-another-project';
    assert.equal((await google(`/v1beta/${started.body.name}`, undefined, other)).status, 404);
    const uri: string = (await pollOperation(started.body.name)).at(-1).response.generateVideoResponse.generatedSamples[0].video.uri;
    const refused = await fetch(uri, { headers: { 'x-goog-api-key': other }, redirect: 'manual' });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as any).error.status, 'PERMISSION_DENIED');
  });

  it('answers a status fault on predictLongRunning in Google’s error shape', async () => {
    simulators.addFault({ provider: 'google', model: 'veo-3.1-fast-generate-preview', status: 503 });
    const refused = await start('veo-3.1-fast-generate-preview', { prompt: 'x' });
    assert.equal(refused.status, 503);
    assert.deepEqual(refused.body, { error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } });
  });

  it('forgets operations on reset', async () => {
    const started = await start('veo-3.1-generate-preview', { prompt: 'Forgotten' });
    simulators.reset();
    assert.equal((await google(`/v1beta/${started.body.name}`)).status, 404);
  });
});

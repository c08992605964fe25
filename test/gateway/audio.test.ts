import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import OpenAI, { toFile } from 'openai';
import { formatMicros } from '../../src/core/format-micros.ts';
import { computeCost } from '../../src/metering/compute-cost.ts';
import { startStack, type Stack } from '../support/start-stack.ts';
import { makeMp3, makeWav } from '../support/make-audio.ts';

/**
 * Speech and transcription through the official `openai` client, against the simulators: every
 * speech model and format, the audio checked by Debian's ffmpeg; transcriptions of WAV and MP3
 * files made here, in each response format; billing exact (per character, second or token);
 * the audio relayed as it comes; reservations bounded by the upload; the routes' refusals.
 */

type APIError = InstanceType<typeof OpenAI.APIError>;

const FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;
/** What ffprobe names each format's container. */
const FORMAT_NAMES: Record<(typeof FORMATS)[number], string> = { mp3: 'mp3', opus: 'ogg', aac: 'aac', flac: 'flac', wav: 'wav', pcm: 's16le' };

describe('audio: /v1/audio/speech and /v1/audio/transcriptions', () => {
  let stack: Stack;
  let directory: string;
  before(async () => {
    stack = await startStack();
    directory = mkdtempSync(join(tmpdir(), 'switchyard-audio-'));
  });
  after(async () => {
    await stack.close();
    rmSync(directory, { recursive: true, force: true });
  });

  /** Decodes the file whole with ffmpeg (exit 0, nothing on stderr) and answers ffprobe's format name. */
  function decode(bytes: Buffer, name: string, format: (typeof FORMATS)[number]): string {
    const file = join(directory, name);
    writeFileSync(file, bytes);
    const input = format === 'pcm' ? ['-f', 's16le', '-ar', '24000', '-ac', '1'] : [];
    const decoded = spawnSync('ffmpeg', ['-v', 'error', ...input, '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
    assert.equal(decoded.status, 0, `ffmpeg decodes ${name}: ${decoded.stderr}`);
    assert.equal(decoded.stderr, '', `ffmpeg decodes ${name} without complaint`);
    return execFileSync('ffprobe', ['-v', 'error', ...input, '-show_entries', 'format=format_name', '-of', 'default=nw=1:nk=1', file], { encoding: 'utf8' }).trim();
  }

  for (const model of ['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts'] as const) {
    test(`speech, ${model}: every format decodes and is billed as priced`, async () => {
      const openai = stack.client();
      for (const format of FORMATS) {
        const input = `Hello from the gateway, in ${format}. ¿Qué tal? 🎧`;
        const response = await openai.audio.speech.create({ model, input, voice: 'alloy', response_format: format, ...(model === 'gpt-4o-mini-tts' && { instructions: 'Speak calmly.' }) });
        const bytes = Buffer.from(await response.arrayBuffer());
        assert.ok(bytes.length > 100, `${format}: audio bytes`);
        assert.match(response.headers.get('content-type') ?? '', /^audio\//);
        assert.equal(decode(bytes, `${model}.${format}`, format), FORMAT_NAMES[format]);

        const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
        const catalogModel = stack.gateway.switchyard.catalog.find(model)!;
        assert.equal(record.surface, 'openai-speech');
        assert.equal(record.status, 200);
        const characters = [...input].length;
        if (model === 'gpt-4o-mini-tts') {
          assert.equal(record.usageFlag, 'usage_estimated', 'audio tokens estimated: a plain audio answer carries no usage');
          assert.ok(record.completionTokens! > 0 && record.promptTokens! > 0);
          assert.equal(record.cost, computeCost({ promptTokens: record.promptTokens!, completionTokens: record.completionTokens! }, catalogModel.pricing));
        } else {
          assert.deepEqual(record.units, { unit: 'character', variant: 'default', count: characters });
          assert.equal(record.usageFlag ?? null, null);
          assert.equal(record.cost, characters * (model === 'tts-1' ? 15 : 30));
        }
        assert.equal(response.headers.get('x-switchyard-credits-used'), formatMicros(record.cost));
        const ledger = await stack.gateway.switchyard.store.listLedgerEntries({ limit: 1_000 });
        assert.equal(ledger.find((entry) => entry.requestId === record.requestId)?.amount, -record.cost);
      }
    });
  }

  test("speech on Gemini's speech models: wav and pcm from its PCM, billed by the tokens it reports; formats that need an encoder are 400s", async () => {
    const openai = stack.client();
    for (const model of ['gemini-2.5-flash-preview-tts', 'gemini-2.5-pro-preview-tts'] as const) {
      for (const format of ['wav', 'pcm'] as const) {
        const response = await openai.audio.speech.create({ model, input: 'Say cheerfully: have a wonderful day!', voice: 'Kore' as 'alloy', response_format: format });
        assert.equal(response.headers.get('content-type'), `audio/${format}`);
        assert.equal(decode(Buffer.from(await response.arrayBuffer()), `${model}.${format}`, format), FORMAT_NAMES[format]);
        const upstream = stack.simulators.requests.filter((request) => request.provider === 'google').at(-1)!;
        assert.match(upstream.path, new RegExp(`/v1beta/models/${model}:generateContent$`));
        const config = (upstream.body as { generationConfig: { responseModalities: string[]; speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: string } } } } }).generationConfig;
        assert.deepEqual(config.responseModalities, ['AUDIO']);
        assert.equal(config.speechConfig.voiceConfig.prebuiltVoiceConfig.voiceName, 'Kore');
        const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
        assert.equal(record.provider, 'google');
        assert.equal(record.usageFlag ?? null, null, 'the usage Gemini reported');
        assert.ok(record.completionTokens! > 0);
        assert.equal(record.cost, computeCost({ promptTokens: record.promptTokens!, completionTokens: record.completionTokens! }, stack.gateway.switchyard.catalog.find(model)!.pricing));
        assert.equal(response.headers.get('x-switchyard-credits-used'), formatMicros(record.cost));
      }
    }
    const before = stack.simulators.requests.length;
    await assert.rejects(openai.audio.speech.create({ model: 'gemini-2.5-flash-preview-tts', input: 'x', voice: 'Kore' as 'alloy' }), (error: APIError) => error.status === 400 && /response_format 'mp3'/.test(error.message));
    await assert.rejects(openai.audio.speech.create({ model: 'gemini-2.5-flash-preview-tts', input: 'x', voice: 'Kore' as 'alloy', response_format: 'wav', speed: 2 }), (error: APIError) => error.status === 400 && /speed/.test(error.message));
    assert.equal(stack.simulators.requests.length, before, 'refused before any provider call');
    await assert.rejects(openai.audio.speech.create({ model: 'gemini-2.5-flash-preview-tts', input: 'x', voice: 'alloy', response_format: 'wav' }), (error: APIError) => error.status === 400 && /kore/.test(error.message));
  });

  test('speech is relayed as it comes: the first bytes reach the client before the provider has finished, and a client that leaves ends the provider call', async () => {
    const input = 'A sentence long enough to take a while to say. '.repeat(4);
    stack.simulators.addFault({ provider: 'openai', model: 'tts-1', chunkDelayMs: 40 });
    const response = await fetch(`${stack.gateway.url}/v1/gateway/audio/speech/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tts-1', input, voice: 'nova' }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'audio/mpeg');
    const reader = response.body!.getReader();
    const first = await reader.read();
    assert.ok(first.value && first.value.length > 0);
    const upstream = stack.simulators.requests.filter((request) => request.path.endsWith('/audio/speech')).at(-1)!;
    assert.equal(upstream.completed, false, 'the provider is still sending when the client has its first bytes');
    // The request is still in flight while its audio streams: its deadline and connection share hold it.
    assert.equal(stack.gateway.switchyard.pipeline.inFlightCount, 1, 'in flight until the audio ends');
    let chunks = 1;
    let received = first.value.length;
    for (let next = await reader.read(); !next.done && chunks < 3; next = await reader.read()) {
      chunks += 1;
      received += next.value.length;
    }
    assert.ok(chunks >= 3 && received > 0, 'several chunks');
    await reader.cancel();
    const ended = await stack.simulators.waitForRequest((request) => request === upstream);
    assert.equal(ended.aborted, true, 'the client leaving aborted the provider call');
    for (let waited = 0; stack.gateway.switchyard.pipeline.inFlightCount > 0 && waited < 2_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(stack.gateway.switchyard.pipeline.inFlightCount, 0, 'released once the client left');
    // Billed in full all the same: characters are what the provider bills, whatever was heard.
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.equal(record.cost, [...input].length * 15);
  });

  test("speech as events (stream_format 'sse', gpt-4o-mini-tts): the provider's events relayed as they come, billed after the last with the usage it reports", async () => {
    const openai = stack.client();
    const input = 'Events carry the audio, and the last one the usage.';
    const response = await openai.audio.speech.create({ model: 'gpt-4o-mini-tts', input, voice: 'alloy', response_format: 'pcm', stream_format: 'sse' });
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const text = await response.text();
    const events = text.split('\n\n').filter((block) => block.startsWith('data: ')).map((block) => JSON.parse(block.slice(6)) as { type: string; audio?: string; usage?: { input_tokens: number; output_tokens: number } });
    const deltas = events.filter((event) => event.type === 'speech.audio.delta');
    assert.ok(deltas.length > 0, 'audio deltas');
    assert.ok(Buffer.concat(deltas.map((event) => Buffer.from(event.audio!, 'base64'))).length > 1_000, 'PCM audio in them');
    const done = events.at(-1)!;
    assert.equal(done.type, 'speech.audio.done');
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.equal(record.surface, 'openai-speech');
    assert.deepEqual([record.promptTokens, record.completionTokens, record.usageFlag], [done.usage!.input_tokens, done.usage!.output_tokens, null], 'the reported usage, not an estimate');
    const pricing = stack.gateway.switchyard.catalog.find('gpt-4o-mini-tts')!.pricing;
    assert.equal(record.cost, computeCost({ promptTokens: done.usage!.input_tokens, completionTokens: done.usage!.output_tokens }, pricing));
    const refused = await openai.audio.speech.create({ model: 'tts-1', input, voice: 'alloy', stream_format: 'sse' }).then(() => undefined, (error: APIError) => error);
    assert.equal(refused?.status, 400, "tts-1 streams no events: OpenAI's 400, relayed");

    // A stream cut off before its last event is billed the estimate, flagged.
    stack.simulators.addFault({ provider: 'openai', model: 'gpt-4o-mini-tts', afterChunks: 2, breakMode: 'disconnect' });
    const cut = await fetch(`${stack.gateway.url}/v1/audio/speech`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini-tts', input: input.repeat(6), voice: 'alloy', stream_format: 'sse' }) });
    await cut.text().catch(() => '');
    const cutRecord = await stack.usageRecordOf(cut.headers.get('x-request-id')!);
    assert.equal(cutRecord.usageFlag, 'usage_estimated');
    assert.ok(cutRecord.cost > 0);
  });

  test('a provider that breaks off midway ends the relayed audio (the client sees a cut, never a hang) and the gateway serves on', async () => {
    stack.simulators.addFault({ provider: 'openai', model: 'tts-1', afterChunks: 2 });
    const response = await fetch(`${stack.gateway.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tts-1', input: 'Long enough for many chunks of audio. '.repeat(8), voice: 'onyx', response_format: 'wav' }),
    });
    assert.equal(response.status, 200);
    await assert.rejects(response.arrayBuffer(), 'the body ends in an error, not as if it were whole');
    const next = await stack.client().audio.speech.create({ model: 'tts-1', input: 'Still here.', voice: 'onyx', response_format: 'wav' });
    assert.equal(decode(Buffer.from(await next.arrayBuffer()), 'after-break.wav', 'wav'), 'wav');
  });

  test('transcriptions: WAV and MP3 uploads in every response format, whisper-1 billed by the second', async () => {
    const openai = stack.client();
    const wav = makeWav(3.5);
    const mp3 = makeMp3(100); // 100 × 1,152 / 44,100 ≈ 2.61 s
    const json = await openai.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(wav, 'speech.wav', { type: 'audio/wav' }) }).withResponse();
    assert.match(json.data.text, /^The quick brown fox/);
    const jsonRecord = await stack.usageRecordOf(json.response.headers.get('x-request-id')!);
    assert.deepEqual(jsonRecord.units, { unit: 'second', variant: 'default', count: 4 });
    assert.equal(jsonRecord.cost, 400);
    assert.equal(jsonRecord.usageFlag ?? null, null, "the provider's own seconds");
    assert.equal(json.response.headers.get('x-switchyard-credits-used'), formatMicros(400));

    const verbose = await openai.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(mp3, 'speech.mp3', { type: 'audio/mpeg' }), response_format: 'verbose_json', timestamp_granularities: ['word', 'segment'] }).withResponse();
    assert.ok(Math.abs(verbose.data.duration - (100 * 1_152) / 44_100) < 0.01, 'the upload read whole');
    assert.ok(verbose.data.segments!.length > 0);
    assert.ok(verbose.data.words!.length > 0);
    const verboseRecord = await stack.usageRecordOf(verbose.response.headers.get('x-request-id')!);
    assert.equal(verboseRecord.units?.count, Math.ceil(verbose.data.duration));
    assert.equal(verboseRecord.cost, Math.ceil(verbose.data.duration) * 100);
    const upstream = stack.simulators.requests.filter((request) => request.path.endsWith('/audio/transcriptions')).at(-1)!;
    assert.equal((upstream.body as Record<string, string>).response_format, 'verbose_json', 'the form forwarded as sent');

    for (const [format, pattern] of [
      ['text', /^The quick brown fox/],
      ['srt', /^1\n00:00:00,000 --> 00:00:0\d,\d{3}\n/],
      ['vtt', /^WEBVTT\n\n00:00:00\.000 --> /],
    ] as const) {
      const { data, response } = await openai.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(wav, 'speech.wav'), response_format: format }).withResponse();
      assert.equal(typeof data, 'string', `${format}: text, as the SDK reads text/plain`);
      assert.match(data as unknown as string, pattern);
      assert.equal(response.headers.get('content-type'), 'text/plain; charset=utf-8');
      const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
      assert.equal(record.cost, 400, `${format}: the duration the gateway read from the WAV header`);
      assert.equal(record.usageFlag, 'usage_estimated');
    }
  });

  test('transcriptions: the gpt-4o models are billed by the tokens they report, estimated when the answer has none', async () => {
    const openai = stack.client();
    const file = await toFile(makeWav(5), 'speech.wav', { type: 'audio/wav' });
    for (const model of ['gpt-4o-transcribe', 'gpt-4o-mini-transcribe'] as const) {
      const { data, response } = await openai.audio.transcriptions.create({ model, file, prompt: 'A pangram.' }).withResponse();
      const usage = data.usage as { type: 'tokens'; input_tokens: number; output_tokens: number };
      assert.equal(usage.type, 'tokens');
      const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
      assert.equal(record.promptTokens, usage.input_tokens);
      assert.equal(record.completionTokens, usage.output_tokens);
      const pricing = stack.gateway.switchyard.catalog.find(model)!.pricing;
      assert.equal(record.cost, computeCost({ promptTokens: usage.input_tokens, completionTokens: usage.output_tokens }, pricing));
      assert.equal(response.headers.get('x-switchyard-credits-used'), formatMicros(record.cost));
    }
    const text = await openai.audio.transcriptions.create({ model: 'gpt-4o-mini-transcribe', file, response_format: 'text' }).withResponse();
    assert.match(text.data as unknown as string, /quick brown fox/);
    assert.equal((await stack.usageRecordOf(text.response.headers.get('x-request-id')!)).usageFlag, 'usage_estimated');
    await assert.rejects(openai.audio.transcriptions.create({ model: 'gpt-4o-transcribe', file, response_format: 'srt' }), (error: APIError) => error.status === 400 && /not compatible/.test(error.message));
  });

  test('transcriptions streamed (stream=true, gpt-4o-mini-transcribe): the events relayed as they come, billed after the last with its usage; whisper-1 answers whole', async () => {
    const openai = stack.client();
    const wav = makeWav(3);
    const { data: stream, response } = await openai.audio.transcriptions.create({ model: 'gpt-4o-mini-transcribe', file: await toFile(wav, 'speech.wav', { type: 'audio/wav' }), stream: true }).withResponse();
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    let text = '';
    let done: { text: string; usage?: { input_tokens: number; output_tokens: number } } | undefined;
    for await (const event of stream) {
      if (event.type === 'transcript.text.delta') text += event.delta;
      if (event.type === 'transcript.text.done') done = event as typeof done;
    }
    assert.ok(done, 'the last event');
    assert.equal(text, done.text, 'the deltas make the transcript');
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.deepEqual([record.surface, record.promptTokens, record.completionTokens, record.usageFlag], ['openai-transcriptions', done.usage!.input_tokens, done.usage!.output_tokens, null]);
    const pricing = stack.gateway.switchyard.catalog.find('gpt-4o-mini-transcribe')!.pricing;
    assert.equal(record.cost, computeCost({ promptTokens: done.usage!.input_tokens, completionTokens: done.usage!.output_tokens }, pricing));

    const whole = await openai.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(wav, 'speech.wav', { type: 'audio/wav' }), stream: true }).withResponse();
    const wholeRecord = await stack.usageRecordOf(whole.response.headers.get('x-request-id')!);
    assert.equal(wholeRecord.units?.count, 3, 'whisper-1 ignores stream and is billed by the second');
  });

  test("a transcription is reserved by its upload's duration: while a long recording is in flight, the organization's small balance admits nothing more", async () => {
    const { switchyard } = stack.gateway;
    /** An organization with 1,000 micro-credits (ten seconds of whisper-1), a request of `seconds` held upstream, and a second request made meanwhile. */
    const whileInFlight = async (name: string, seconds: number) => {
      const organization = await switchyard.accounts.createOrganization(name);
      await switchyard.credits.topUp(organization.id, 1_000, 'ten seconds of whisper');
      const client = stack.client('/v1', (await switchyard.accounts.createApiKey(name, 'tests')).secret);
      stack.simulators.addFault({ provider: 'openai', model: 'whisper-1', firstByteDelayMs: 400 });
      const before = stack.simulators.requests.length;
      const first = client.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(makeWav(seconds, 8_000), 'first.wav') });
      // The first request is admitted (its reservation taken) once it reaches the provider.
      while (stack.simulators.requests.length === before) await new Promise((resolve) => setImmediate(resolve));
      const second = await client.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(makeWav(1, 8_000), 'second.wav') }).then(
        () => 200,
        (error: APIError) => error.status,
      );
      const providerCalls = stack.simulators.requests.length - before;
      await first;
      return { second, providerCalls };
    };
    // 60 s reserves 6,000 micro-credits, more than the balance: the next request is refused before any provider call.
    assert.deepEqual(await whileInFlight('audio-long', 60), { second: 402, providerCalls: 1 });
    // 2 s reserves 200: the next one still fits.
    assert.deepEqual(await whileInFlight('audio-short', 2), { second: 200, providerCalls: 2 });
  });

  test('a provider failure is retried; the hosted paths serve the same operations', async () => {
    stack.simulators.addFault({ provider: 'openai', model: 'tts-1', status: 503 });
    const hosted = stack.client('/v1/gateway');
    const speech = await hosted.audio.speech.create({ model: 'tts-1', input: 'Retried.', voice: 'echo', response_format: 'wav' });
    assert.equal(decode(Buffer.from(await speech.arrayBuffer()), 'retried.wav', 'wav'), 'wav');
    assert.equal(stack.simulators.requests.filter((request) => request.path.endsWith('/audio/speech')).slice(-2).map((request) => request.status).join(','), '503,200');
    stack.simulators.addFault({ provider: 'openai', model: 'whisper-1', status: 500 });
    const transcript = await hosted.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(makeWav(1), 'one.wav') });
    assert.match(transcript.text, /quick/);
  });

  test('an upload over 25 MB is a 413 in the envelope, before any provider call', async () => {
    const before = stack.simulators.requests.length;
    const huge = Buffer.alloc(25 * 1024 * 1024 + 10, 0);
    await assert.rejects(stack.client().audio.transcriptions.create({ model: 'whisper-1', file: await toFile(huge, 'huge.wav') }), (error: APIError) => error.status === 413 && (error.error as { code?: string }).code === 'upload_too_large');
    assert.equal(stack.simulators.requests.length, before);
  });

  test('generated multipart bodies (fields of any name and value, files of any bytes, cut anywhere) are never a 5xx, and every refusal is in the envelope', async () => {
    const boundary = 'fuzzboundary';
    type GeneratedPart = { name: string; value: string } | { name: string; filename: string; bytes: Buffer };
    const part: fc.Arbitrary<GeneratedPart> = fc.oneof(
      fc.record({ name: fc.constantFrom('model', 'response_format', 'language', 'prompt', 'temperature', 'stream', 'timestamp_granularities[]', 'x"y', ''), value: fc.oneof(fc.constantFrom('whisper-1', 'gpt-4o-transcribe', 'tts-1', 'gpt-5-mini', 'json', 'text', 'srt', 'vtt', 'verbose_json', 'true', 'word', '0.5', '-1'), fc.string({ maxLength: 30 })) }),
      fc.record({ name: fc.constantFrom('file', 'file', 'image'), filename: fc.constantFrom('a.wav', 'b.mp3', '', 'c"d'), bytes: fc.oneof(fc.constant(makeWav(0.5, 8_000)), fc.constant(makeMp3(5)), fc.uint8Array({ maxLength: 200 }).map((array): Buffer => Buffer.from(array))) }),
    );
    const cases = fc.sample(fc.record({ parts: fc.oneof({ weight: 3, arbitrary: fc.array(part, { maxLength: 5 }) }, { weight: 1, arbitrary: fc.array(part, { maxLength: 2 }).map((extra): GeneratedPart[] => [{ name: 'model', value: 'whisper-1' }, { name: 'file', filename: 'a.wav', bytes: makeWav(0.5, 8_000) }, ...extra]) }), cut: fc.oneof(fc.constant(undefined), fc.nat({ max: 400 })), contentType: fc.constantFrom(`multipart/form-data; boundary=${boundary}`, `multipart/form-data; boundary=${boundary}`, 'multipart/form-data', 'multipart/mixed; boundary=x') }), { numRuns: 300, seed: 20261130 });
    const statuses = new Map<number, number>();
    for (const { parts, cut, contentType } of cases) {
      const chunks = parts.map((item) =>
        'value' in item
          ? Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${item.name}"\r\n\r\n${item.value}\r\n`)
          : Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${item.name}"; filename="${item.filename}"\r\nContent-Type: audio/wav\r\n\r\n`), item.bytes, Buffer.from('\r\n')]),
      );
      const whole = Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]);
      const body = cut === undefined ? whole : whole.subarray(0, Math.min(cut, whole.length));
      const response = await fetch(`${stack.gateway.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': contentType }, body: new Uint8Array(body) });
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      assert.ok(response.status < 500, `${response.status}: ${text.slice(0, 200)}`);
      if (response.status >= 400) assert.equal(typeof (JSON.parse(text) as { error: { message: unknown } }).error.message, 'string', text.slice(0, 200));
    }
    assert.ok((statuses.get(200) ?? 0) > 0, `some reach the provider: ${JSON.stringify([...statuses])}`);
  });

  test('bad input is a 4xx in the envelope; other kinds of model are 400s naming the route', async () => {
    const postJson = async (path: string, body: unknown) => {
      const response = await fetch(`${stack.gateway.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    };
    const postForm = async (fields: Record<string, string>, file?: Buffer) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      if (file) form.append('file', new Blob([new Uint8Array(file)]), 'speech.wav');
      const response = await fetch(`${stack.gateway.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}` }, body: form });
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    };
    for (const body of [{ model: 'tts-1', voice: 'alloy' }, { model: 'tts-1', input: 'x' }, { model: 'tts-1', input: 'x'.repeat(4_097), voice: 'alloy' }, { model: 'tts-1', input: 'x', voice: 'alloy', response_format: 'ogg' }, { model: 'tts-1', input: 'x', voice: 'alloy', speed: 9 }]) {
      const answer = await postJson('/v1/audio/speech', body);
      assert.ok(answer.status === 422 || answer.status === 400, `${JSON.stringify(body).slice(0, 80)}: ${answer.status}`);
      assert.ok(answer.body.error.code, 'in the envelope');
    }
    const voice = await postJson('/v1/audio/speech', { model: 'tts-1', input: 'x', voice: 'robot' });
    assert.equal(voice.status, 400);
    assert.match(voice.body.error.message, /alloy/, "the provider's list of voices");
    assert.equal((await postJson('/v1/audio/speech', { model: 'no-such-voice-model', input: 'x', voice: 'alloy' })).status, 404);
    const sseOnGemini = await postJson('/v1/audio/speech', { model: 'gemini-2.5-flash-preview-tts', input: 'x', voice: 'Kore', response_format: 'wav', stream_format: 'sse' });
    assert.equal(sseOnGemini.status, 400);
    assert.match(sseOnGemini.body.error.message, /stream_format/);
    const chatOnSpeech = await postJson('/v1/audio/speech', { model: 'gpt-5-mini', input: 'x', voice: 'alloy' });
    assert.equal(chatOnSpeech.status, 400);
    assert.equal(chatOnSpeech.body.error.code, 'unsupported_model_kind');
    const speechOnChat = await postJson('/v1/chat/completions', { model: 'tts-1', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(speechOnChat.status, 400);
    assert.match(speechOnChat.body.error.message, /a speech model.*\/v1\/audio\/speech/);

    const wav = makeWav(1);
    assert.equal((await postForm({ model: 'whisper-1' })).status, 422, 'no file');
    assert.equal((await postForm({}, wav)).status, 422, 'no model');
    assert.equal((await postForm({ model: 'whisper-1', response_format: 'mp4' }, wav)).status, 422);
    const chatOnTranscriptions = await postForm({ model: 'gpt-5-mini' }, wav);
    assert.equal(chatOnTranscriptions.status, 400);
    assert.equal(chatOnTranscriptions.body.error.code, 'unsupported_model_kind');
    assert.equal((await postForm({ model: 'whisper-1' }, Buffer.from('not audio at all'))).status, 400, "the provider's refusal of a file it cannot read");
    const json = await postJson('/v1/audio/transcriptions', { model: 'whisper-1' });
    assert.equal(json.status, 415);
    assert.equal(json.body.error.code, 'unsupported_media_type');
  });
});

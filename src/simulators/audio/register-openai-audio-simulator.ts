import { setTimeout as delay, setImmediate } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { applySimulatorFault } from '../apply-simulator-fault.ts';
import { openaiError, openaiSimulatorProfile as profile } from '../openai-simulator-profile.ts';
import type { Exchange, SimulatorContext } from '../simulator-context.ts';
import { hasSimulatorCredentials } from '../simulator-credentials.ts';
import type { SimulatorError } from '../simulator-error.ts';
import type { SimulatorFault } from '../simulator-fault.ts';
import { readAudioFileDuration } from './read-audio-file-duration.ts';
import { readMultipartForm } from './read-multipart-form.ts';
import { SPEECH_CONTENT_TYPES, SPEECH_FORMATS, type SpeechFormat, synthesizeSpeechAudio } from './synthesize-speech-audio.ts';
import { renderTranscription } from './render-transcription.ts';

const SPEECH_MODELS = ['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts', 'gpt-4o-mini-tts-2025-12-15'];
const VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'onyx', 'nova', 'sage', 'shimmer', 'verse', 'marin', 'cedar'];
const MAX_INPUT_CHARACTERS = 4_096;
/** How fast the simulated voice speaks at speed 1. */
const CHARACTERS_PER_SECOND = 15;
/** gpt-4o-mini-tts: $12 per million audio tokens ≈ $0.015 a minute, so about 20.8 tokens a second. */
const AUDIO_TOKENS_PER_SECOND = 20.8;
/** The size of the chunks a speech answer is written in. */
const CHUNK_BYTES = 8 * 1024;
const TRANSCRIPTION_MODELS = ['whisper-1', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe', 'gpt-4o-mini-transcribe-2025-12-15'];
const TRANSCRIPTION_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'];

/**
 * OpenAI's audio endpoints: `POST /audio/speech` (JSON in; the audio's bytes out in chunks, or
 * `speech.audio.delta`/`speech.audio.done` events with `stream_format: "sse"` on the gpt-4o models)
 * and `POST /audio/transcriptions` (a multipart upload; a deterministic transcript as long as the
 * file plays, in each `response_format`). The audio is real: a decoder reads every format.
 * @see https://platform.openai.com/docs/api-reference/audio
 */
export function registerOpenAIAudioSimulator(app: FastifyInstance, context: SimulatorContext): void {
  app.post(`${profile.basePath}/audio/speech`, (request, reply) => handleSpeech(context, request, reply));
  // Uploads are read as bytes in this scope only; everything else stays text for the other simulators.
  void app.register(async (scope) => {
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.post(`${profile.basePath}/audio/transcriptions`, (request, reply) => handleTranscription(context, request, reply));
  });
}

interface SpeechBody {
  model?: unknown;
  input?: unknown;
  voice?: unknown;
  instructions?: unknown;
  response_format?: unknown;
  speed?: unknown;
  stream_format?: unknown;
}

async function handleSpeech(context: SimulatorContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const exchange = context.beginExchange('openai', request, reply);
  const headers = profile.responseHeaders(undefined, false);
  const send = (error: SimulatorError) => sendJson(exchange, error.status, error.body, { ...headers, ...error.headers });
  if (!hasSimulatorCredentials(profile.credentials, request.headers)) return send(profile.authenticationError());
  if (!exchange.body.ok) return send(profile.invalidJsonError());
  const body = (exchange.body.value ?? {}) as SpeechBody;
  const preamble = await applySimulatorFault(context, exchange, body.model, { sendError: send, faultError: (status) => profile.faultError(status) });
  if (preamble.answered) return;
  for (const field of ['model', 'input', 'voice'] as const) {
    if (body[field] === undefined) return send(openaiError(400, `Missing required parameter: '${field}'.`, 'invalid_request_error', field, 'missing_required_parameter'));
  }
  if (typeof body.model !== 'string' || !SPEECH_MODELS.includes(body.model)) return send(profile.unknownModelError(String(body.model)));
  if (typeof body.input !== 'string') return send(invalidType('input', 'a string'));
  const characters = [...body.input].length;
  if (characters > MAX_INPUT_CHARACTERS) {
    return send(openaiError(400, `Invalid 'input': string too long. Expected a string with maximum length ${MAX_INPUT_CHARACTERS}, but got a string with length ${characters} instead.`, 'invalid_request_error', 'input', 'string_above_max_length'));
  }
  const customVoice = typeof body.voice === 'object' && body.voice !== null && typeof (body.voice as { id?: unknown }).id === 'string';
  if (!customVoice && (typeof body.voice !== 'string' || !VOICES.includes(body.voice))) {
    return send(openaiError(400, `Invalid value: '${String(body.voice)}'. Supported values are: ${VOICES.map((voice) => `'${voice}'`).join(', ')}.`, 'invalid_request_error', 'voice', 'invalid_value'));
  }
  const format = (body.response_format ?? 'mp3') as SpeechFormat;
  if (!SPEECH_FORMATS.includes(format)) {
    return send(openaiError(400, `Invalid value: '${String(format)}'. Supported values are: ${SPEECH_FORMATS.map((value) => `'${value}'`).join(', ')}.`, 'invalid_request_error', 'response_format', 'invalid_value'));
  }
  const speed = body.speed ?? 1;
  if (typeof speed !== 'number' || speed < 0.25 || speed > 4) return send(openaiError(400, `Invalid 'speed': expected a number from 0.25 to 4.0.`, 'invalid_request_error', 'speed', 'invalid_value'));
  const classic = body.model.startsWith('tts-1');
  if (classic && body.instructions !== undefined) return send(openaiError(400, `Instructions are not supported for model ${body.model}.`, 'invalid_request_error', 'instructions', 'unsupported_parameter'));
  const streamFormat = body.stream_format ?? 'audio';
  if (streamFormat !== 'audio' && streamFormat !== 'sse') return send(openaiError(400, `Invalid value: '${String(streamFormat)}'. Supported values are: 'audio' and 'sse'.`, 'invalid_request_error', 'stream_format', 'invalid_value'));
  if (classic && streamFormat === 'sse') return send(openaiError(400, `stream_format 'sse' is not supported for model ${body.model}.`, 'invalid_request_error', 'stream_format', 'unsupported_value'));

  const seconds = Math.max(0.5, characters / CHARACTERS_PER_SECOND / speed);
  const audio = synthesizeSpeechAudio(format, seconds);
  const chunks = Array.from({ length: Math.ceil(audio.length / CHUNK_BYTES) }, (_, index) => audio.subarray(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES));
  exchange.record.status = 200;
  if (streamFormat === 'sse') {
    const instructions = typeof body.instructions === 'string' ? body.instructions : '';
    const inputTokens = Math.ceil((body.input.length + instructions.length) / 4);
    const outputTokens = Math.ceil(seconds * AUDIO_TOKENS_PER_SECOND);
    const events = [
      ...chunks.map((chunk) => ({ type: 'speech.audio.delta', audio: chunk.toString('base64') })),
      { type: 'speech.audio.done', usage: { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens } },
    ];
    exchange.response.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', ...preamble.fault?.headers });
    await writeChunks(exchange, events.map((event) => `data: ${JSON.stringify(event)}\n\n`), preamble.fault);
    return;
  }
  exchange.response.writeHead(200, { ...headers, 'content-type': SPEECH_CONTENT_TYPES[format], 'transfer-encoding': 'chunked', ...preamble.fault?.headers });
  await writeChunks(exchange, chunks, preamble.fault);
}

/** Writes the answer chunk by chunk (`chunkDelayMs` apart when a fault asks), waiting for `drain`; stops when the client leaves. */
async function writeChunks(exchange: Exchange, chunks: (Buffer | string)[], fault: SimulatorFault | undefined): Promise<void> {
  const { response } = exchange;
  for (const [index, chunk] of chunks.entries()) {
    if (exchange.clientClosed.aborted) return;
    if (fault?.afterChunks !== undefined && index >= fault.afterChunks) {
      exchange.markBroken();
      response.destroy();
      return;
    }
    if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
    try {
      if (fault?.chunkDelayMs) await delay(fault.chunkDelayMs, undefined, { signal: exchange.clientClosed });
      else await setImmediate();
    } catch {
      return;
    }
  }
  response.end();
}

async function handleTranscription(context: SimulatorContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const exchange = context.beginExchange('openai', request, reply);
  const headers = profile.responseHeaders(undefined, false);
  const send = (error: SimulatorError) => sendJson(exchange, error.status, error.body, { ...headers, ...error.headers });
  if (!hasSimulatorCredentials(profile.credentials, request.headers)) return send(profile.authenticationError());
  const parts = Buffer.isBuffer(request.body) ? readMultipartForm(request.body, request.headers['content-type']) : undefined;
  if (!parts) return send(openaiError(400, 'Invalid Content-Type header. Expected multipart/form-data.', 'invalid_request_error', null, null));
  const fields = Object.fromEntries(parts.filter((part) => part.filename === undefined).map((part) => [part.name, part.data.toString('utf8')]));
  exchange.record.body = fields;
  const preamble = await applySimulatorFault(context, exchange, fields.model, { sendError: send, faultError: (status) => profile.faultError(status) });
  if (preamble.answered) return;
  const file = parts.find((part) => part.name === 'file' && part.filename !== undefined);
  if (!file) return send(openaiError(400, '1 validation error for Request\nbody -> file\n  field required (type=value_error.missing)', 'invalid_request_error', null, null));
  const model = fields.model;
  if (model === undefined) return send(openaiError(400, '1 validation error for Request\nbody -> model\n  field required (type=value_error.missing)', 'invalid_request_error', null, null));
  if (!TRANSCRIPTION_MODELS.includes(model)) return send(profile.unknownModelError(model));
  const format = fields.response_format ?? 'json';
  if (!TRANSCRIPTION_FORMATS.includes(format)) {
    return send(openaiError(400, `Invalid value: '${format}'. Supported values are: ${TRANSCRIPTION_FORMATS.map((value) => `'${value}'`).join(', ')}.`, 'invalid_request_error', 'response_format', 'invalid_value'));
  }
  const tokenModel = model !== 'whisper-1';
  if (tokenModel && format !== 'json' && format !== 'text') {
    return send(openaiError(400, `response_format '${format}' is not compatible with model '${model}'. Use 'json' or 'text' instead.`, 'invalid_request_error', 'response_format', 'unsupported_value'));
  }
  const duration = readAudioFileDuration(file.data);
  if (duration === undefined) {
    return send(openaiError(400, "Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']", 'invalid_request_error', null, null));
  }
  const granularities = parts.filter((part) => part.name === 'timestamp_granularities[]').map((part) => part.data.toString('utf8'));
  const answer = renderTranscription({ model, format, duration, prompt: fields.prompt ?? '', words: granularities.includes('word') });
  // `stream=true` on a gpt-4o model: the transcript as `transcript.text.delta` events, then `transcript.text.done` with the usage (whisper-1 ignores it, as OpenAI says).
  if (fields.stream === 'true' && tokenModel) {
    const whole = renderTranscription({ model, format: 'json', duration, prompt: fields.prompt ?? '', words: false });
    const { text, usage } = JSON.parse(whole.body) as { text: string; usage: unknown };
    const deltas = text.split(/(?<= )/).map((delta) => ({ type: 'transcript.text.delta', delta }));
    exchange.record.status = 200;
    exchange.record.streamed = true;
    exchange.response.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', ...preamble.fault?.headers });
    await writeChunks(exchange, [...deltas, { type: 'transcript.text.done', text, usage }].map((event) => `data: ${JSON.stringify(event)}\n\n`), preamble.fault);
    return;
  }
  exchange.record.status = 200;
  exchange.response.writeHead(200, { ...headers, 'content-type': answer.contentType, ...preamble.fault?.headers });
  exchange.response.end(answer.body);
}

function invalidType(param: string, expected: string): SimulatorError {
  return openaiError(400, `Invalid type for '${param}': expected ${expected}.`, 'invalid_request_error', param, 'invalid_type');
}

function sendJson(exchange: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  exchange.record.status = status;
  exchange.response.writeHead(status, { 'content-type': 'application/json', ...headers });
  exchange.response.end(JSON.stringify(body));
}

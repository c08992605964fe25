import type { Readable } from 'node:stream';
import { countTokens } from '../../usage/count-tokens.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import { readInputOutputUsage, type TokenUsage } from '../../core/usage.ts';
import type { ModelOperation } from '../../gateway/model-operation.ts';
import { readUpstreamText } from '../../providers/upstream-client.ts';
import { usageOfEvent } from '../../streaming/usage-of-event.ts';
import { watchStreamUsage } from '../../gateway/watch-stream-usage.ts';
import { encodeOpenAIError } from '../openai-chat/encode-openai-error.ts';
import { throwOpenAIFailure } from '../openai-speech/throw-openai-failure.ts';
import { encodeMultipartForm } from '../../providers/encode-multipart-form.ts';
import { readAudioDuration } from './read-audio-duration.ts';
import type { TranscriptionRequest } from './transcription-request.ts';

/**
 * Audio tokens a second of input, for the gpt-4o transcribe models: OpenAI prices them at about
 * $0.006 a minute at $6 per million, 1,000 tokens a minute; the reservation allows 20 a second,
 * and an answer without usage (`text`) is estimated at the published rate.
 */
const BOUND_AUDIO_TOKENS_PER_SECOND = 20;
const ESTIMATED_AUDIO_TOKENS_PER_MINUTE = 1_000;

export interface TranscriptionAnswer {
  /** The answer whole, or its events as the provider sends them (`stream=true`). */
  text: string | Readable;
  contentType: string;
}

/**
 * OpenAI's speech to text (`/v1/audio/transcriptions`): the client's form forwarded to OpenAI (the
 * file and every field as sent, the model renamed to the provider's id), the answer relayed as it
 * came — JSON, or `text/plain` for `text`, `srt` and `vtt` (the SDKs pick their parser from the
 * content type). Reserved before any provider call by the upload's duration, read from its WAV or
 * MP3 header, else bounded by its size (read-audio-duration.ts). Billed: whisper-1 by the second,
 * from the provider's `duration` or `usage.seconds`, else the duration the gateway read (flagged
 * estimated); the gpt-4o models by the `usage` tokens they report, input tokens (audio and the
 * prompt's text) at the catalog's one input price, else estimated. With `stream=true` (the gpt-4o
 * models; whisper-1 ignores it and answers whole) the events are relayed as they come and the
 * request is settled after the last, with the usage `transcript.text.done` reports.
 */
export const openAITranscriptionsOperation: ModelOperation<TranscriptionRequest, TranscriptionAnswer> = {
  id: 'openai-transcriptions',
  kind: 'transcription',
  describe: (body) => ({ model: body.model }),
  bound(body, model) {
    const { seconds } = readAudioDuration(body.file.data);
    // At least a second: what a provider bills for the shortest clip.
    if (model.pricing.perUnit) return { promptTokens: 0, completionTokens: 0, units: { variant: 'default', count: Math.max(1, Math.ceil(seconds)) } };
    return { promptTokens: Math.ceil(seconds * BOUND_AUDIO_TOKENS_PER_SECOND) + Buffer.byteLength(body.prompt), completionTokens: model.maxOutputTokens };
  },
  async call(adapter, body, { model, signal, onAttempt }) {
    if (!adapter.forward) throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'transcriptions', 'model');
    const fields = body.fields.map((field) => (field.name === 'model' ? { name: 'model', value: model.upstreamId } : field));
    const form = encodeMultipartForm(fields, [{ field: 'file', ...body.file }]);
    const response = await adapter.forward({ method: 'POST', path: '/audio/transcriptions', headers: { 'content-type': form.contentType, accept: 'application/json' }, body: form.body, signal, onAttempt, timeouts: model.timeouts });
    if (response.status >= 400) return throwOpenAIFailure(adapter, model.provider, response, signal);
    const contentType = String(response.headers['content-type'] ?? '');
    if (body.stream && /^text\/event-stream/i.test(contentType)) {
      // Relayed as the provider writes the events; billed after the last, `transcript.text.done`, with its usage.
      const { events, finalUsage } = await watchStreamUsage(model.provider, response, (event) => usageOfEvent(event.data, 'transcript.text.done'));
      // Should the stream end without its usage, the estimate for the upload's length (flagged) is billed.
      return { result: { text: events, contentType }, ...tokenUsage(body, undefined, ''), finalUsage, deployment: response.deployment };
    }
    const text = await readUpstreamText(model.provider, response, signal);
    const json = body.responseFormat === 'json' || body.responseFormat === 'verbose_json';
    const answer = json ? readJsonAnswer(model.provider, text) : undefined;
    const { usage, usageEstimated } = model.pricing.perUnit ? secondsUsage(body, answer) : tokenUsage(body, answer, json ? undefined : text);
    return { result: { text, contentType: json ? 'application/json' : 'text/plain; charset=utf-8' }, usage, usageEstimated, deployment: response.deployment };
  },
  encode: (answer) => ({ status: 200, contentType: answer.contentType, body: answer.text }),
  encodeError: encodeOpenAIError,
};

/** A transcription's JSON answer, as far as billing reads it. */
interface TranscriptionJson {
  text?: unknown;
  duration?: unknown;
  usage?: { type?: unknown; seconds?: unknown; input_tokens?: unknown; output_tokens?: unknown };
}

function readJsonAnswer(provider: string, text: string): TranscriptionJson {
  const parsed = parseJson<TranscriptionJson>(text);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || typeof parsed.value.text !== 'string') throw GATEWAY_ERRORS.upstreamInvalidAnswer(provider, 'the response is not a transcription');
  return parsed.value;
}

/** whisper-1: the provider's duration (verbose_json), its `usage.seconds`, else the upload's as the gateway read it; whole seconds, rounded up. */
function secondsUsage(body: TranscriptionRequest, answer: TranscriptionJson | undefined): { usage: TokenUsage; usageEstimated: boolean } {
  const reported = countOf(answer?.duration) ?? (answer?.usage?.type === 'duration' ? countOf(answer.usage.seconds) : undefined);
  const seconds = reported ?? readAudioDuration(body.file.data).seconds;
  return { usage: { promptTokens: 0, completionTokens: 0, units: { variant: 'default', count: Math.ceil(seconds) } }, usageEstimated: reported === undefined };
}

/** The gpt-4o models: the reported tokens, else the upload's duration at the published rate and the transcript's o200k tokens. */
function tokenUsage(body: TranscriptionRequest, answer: TranscriptionJson | undefined, plainText: string | undefined): { usage: TokenUsage; usageEstimated: boolean } {
  const reported = readInputOutputUsage(answer?.usage);
  if (reported) return { usage: reported, usageEstimated: false };
  const { seconds } = readAudioDuration(body.file.data);
  const transcript = typeof answer?.text === 'string' ? answer.text : (plainText ?? '');
  return {
    usage: { promptTokens: Math.ceil((seconds * ESTIMATED_AUDIO_TOKENS_PER_MINUTE) / 60) + countTokens(body.prompt), completionTokens: countTokens(transcript) },
    usageEstimated: true,
  };
}

function countOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}


import type { Readable } from 'node:stream';
import { countTokens } from '../../usage/count-tokens.ts';
import type { CatalogModel } from '../../catalog/catalog-model.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import type { TokenUsage } from '../../core/usage.ts';
import type { ModelOperation } from '../../gateway/model-operation.ts';
import { usageOfEvent } from '../../streaming/usage-of-event.ts';
import { watchStreamUsage } from '../../gateway/watch-stream-usage.ts';
import { encodeOpenAIError } from '../openai-chat/encode-openai-error.ts';
import { callGeminiSpeech } from './call-gemini-speech.ts';
import type { SpeechFormat, SpeechRequest } from './speech-request-schema.ts';
import { throwOpenAIFailure } from './throw-openai-failure.ts';

/** What each format is sent as when the provider names no content type. */
const CONTENT_TYPES: Record<SpeechFormat, string> = { mp3: 'audio/mpeg', opus: 'audio/opus', aac: 'audio/aac', flac: 'audio/flac', wav: 'audio/wav', pcm: 'audio/pcm' };

/**
 * A token-priced speech model's audio tokens, estimated (the audio answer carries no usage, and the
 * gateway relays it as it comes, so it is billed before its end): about 15 characters of input a
 * second at speed 1, and 1,250 audio tokens a minute — OpenAI's $0.015 a minute for gpt-4o-mini-tts
 * at $12 per million audio tokens.
 */
const CHARACTERS_PER_SECOND = 15;
const AUDIO_TOKENS_PER_MINUTE = 1_250;

export interface SpeechAnswer {
  body: Readable;
  contentType: string;
}

/**
 * OpenAI's text to speech (`/v1/audio/speech`), passed through to OpenAI: the audio's bytes are
 * relayed chunk by chunk as the provider sends them, never held whole (a client that leaves
 * destroys the body, which ends the provider's request). Billed before the first byte: tts-1 and
 * tts-1-hd by the input's characters (exact: what the provider bills), gpt-4o-mini-tts by the
 * input's tokens and the audio tokens estimated from the input's length and `speed` (flagged on
 * the usage record). With `stream_format: "sse"` (gpt-4o-mini-tts) the provider's events are
 * relayed as they come and the request is settled after the last, with the usage
 * `speech.audio.done` reports (the estimate, flagged, if the stream ends without it). Gemini's speech models
 * are asked through `generateContent` (call-gemini-speech.ts): wav or pcm, billed by their tokens.
 */
export const openAISpeechOperation: ModelOperation<SpeechRequest, SpeechAnswer> = {
  id: 'openai-speech',
  kind: 'speech',
  describe: (body) => ({ model: body.model }),
  bound(body, model) {
    if (model.pricing.perUnit) return { promptTokens: 0, completionTokens: 0, units: { variant: 'default', count: characters(body.input) } };
    // Text tokens: at most the input's bytes (and a separator); audio: the estimate billed (OpenAI), or the model's output limit (Gemini reports its count).
    return { promptTokens: Buffer.byteLength(body.input) + Buffer.byteLength(body.instructions ?? '') + 2, completionTokens: Math.max(estimateAudioTokens(body), model.maxOutputTokens) };
  },
  async call(adapter, body, context) {
    const { model, signal, onAttempt } = context;
    if (!adapter.forward) throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'speech', 'model');
    // A provider that speaks the Gemini API gets generateContent with audio out; the others, OpenAI's /audio/speech.
    if (adapter.nativeSurfaces.includes('gemini-generate-content')) return callGeminiSpeech(adapter, body, context);
    const response = await adapter.forward({
      method: 'POST',
      path: '/audio/speech',
      headers: { 'content-type': 'application/json', accept: 'application/octet-stream' },
      body: JSON.stringify({ ...body, model: model.upstreamId }),
      signal,
      onAttempt,
      timeouts: model.timeouts,
    });
    if (response.status >= 400) return throwOpenAIFailure(adapter, model.provider, response, signal);
    const contentType = String(response.headers['content-type'] ?? CONTENT_TYPES[body.response_format ?? 'mp3']);
    // A JSON 200 is not audio (a garbled or misrouted answer): the provider's failure, not relayed or billed.
    if (/json/i.test(contentType)) {
      await response.body.dump();
      throw GATEWAY_ERRORS.upstreamInvalidAnswer(model.provider, 'the answer is JSON, not audio');
    }
    if (body.stream_format === 'sse') {
      // The events are relayed as the provider writes them; the usage of the last, `speech.audio.done`, is what is billed.
      const { events, finalUsage } = await watchStreamUsage(model.provider, response, (event) => usageOfEvent(event.data, 'speech.audio.done'));
      return { result: { body: events, contentType }, ...usageOf(body, model), finalUsage, deployment: response.deployment };
    }
    return { result: { body: response.body, contentType }, ...usageOf(body, model), deployment: response.deployment };
  },
  encode: (answer) => ({ status: 200, contentType: answer.contentType, body: answer.body }),
  encodeError: encodeOpenAIError,
};

function usageOf(body: SpeechRequest, model: CatalogModel): { usage: TokenUsage; usageEstimated: boolean } {
  if (model.pricing.perUnit) return { usage: { promptTokens: 0, completionTokens: 0, units: { variant: 'default', count: characters(body.input) } }, usageEstimated: false };
  const promptTokens = countTokens(body.input) + (body.instructions ? countTokens(body.instructions) : 0);
  return { usage: { promptTokens, completionTokens: estimateAudioTokens(body) }, usageEstimated: true };
}

/** Characters as OpenAI counts them (and the schema's `maxLength`): code points. */
function characters(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function estimateAudioTokens(body: SpeechRequest): number {
  const seconds = Math.max(0.5, characters(body.input) / CHARACTERS_PER_SECOND / (body.speed ?? 1));
  return Math.ceil((seconds * AUDIO_TOKENS_PER_MINUTE) / 60);
}

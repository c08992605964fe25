import { Readable } from 'node:stream';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import type { OperationContext, OperationResult } from '../../gateway/model-operation.ts';
import { throwGeminiFailure } from '../../providers/google/throw-gemini-failure.ts';
import type { ProviderAdapter } from '../../providers/provider-adapter.ts';
import { readUpstreamText } from '../../providers/upstream-client.ts';
import type { SpeechAnswer } from './openai-speech-operation.ts';
import type { SpeechRequest } from './speech-request-schema.ts';
import { wrapPcmInWav } from './wrap-pcm-in-wav.ts';

/** Gemini counts audio at 32 tokens a second (its token guide): the estimate when an answer reports no usage. */
const AUDIO_TOKENS_PER_SECOND = 32;

interface GeminiSpeechResponse {
  candidates?: { content?: { parts?: { inlineData?: { mimeType?: unknown; data?: unknown } }[] } }[];
  usageMetadata?: { promptTokenCount?: unknown; candidatesTokenCount?: unknown };
}

/**
 * An OpenAI speech request on a Gemini speech model: `generateContent` with audio out and the
 * voice by name (`instructions` before the input, as Gemini's guide steers style in the prompt).
 * Gemini answers headerless 24 kHz PCM, whole, with its usage — so the answer is exact — and the
 * gateway serves it as `pcm` or, with a RIFF header, `wav`; formats that need an encoder (mp3, opus,
 * aac, flac), `speed` and custom voices are refused (400) before the call.
 * @see https://ai.google.dev/gemini-api/docs/speech-generation
 */
export async function callGeminiSpeech(adapter: ProviderAdapter, body: SpeechRequest, { model, signal, onAttempt }: OperationContext): Promise<OperationResult<SpeechAnswer>> {
  const format = body.response_format ?? 'mp3';
  if (format !== 'wav' && format !== 'pcm') throw GATEWAY_ERRORS.unsupportedCapability(model.id, `response_format '${format}' (its audio is 24 kHz PCM: ask for wav or pcm)`, 'response_format');
  if (body.speed !== undefined && body.speed !== 1) throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'speed', 'speed');
  if (typeof body.voice !== 'string') throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'custom voices', 'voice');
  if (body.stream_format === 'sse') throw GATEWAY_ERRORS.unsupportedCapability(model.id, "stream_format 'sse' (its audio comes whole: ask for 'audio')", 'stream_format');
  const text = body.instructions ? `${body.instructions}: ${body.input}` : body.input;
  const request = { contents: [{ parts: [{ text }] }], generationConfig: { responseModalities: ['AUDIO'], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: body.voice } } } } };
  const response = await adapter.forward!({ method: 'POST', path: `/v1beta/models/${model.upstreamId}:generateContent`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(request), signal, onAttempt, timeouts: model.timeouts });
  if (response.status >= 400) return throwGeminiFailure(adapter, model.provider, response, signal);
  const parsed = parseJson<GeminiSpeechResponse>(await readUpstreamText(model.provider, response, signal));
  const audio = parsed.ok ? parsed.value?.candidates?.[0]?.content?.parts?.find((part) => typeof part.inlineData?.data === 'string')?.inlineData : undefined;
  const mimeType = String(audio?.mimeType ?? '');
  const rate = Number(/rate=(\d+)/.exec(mimeType)?.[1] ?? 24_000);
  if (!audio || !/^audio\/L16\b/i.test(mimeType) || !Number.isInteger(rate) || rate <= 0) throw GATEWAY_ERRORS.upstreamInvalidAnswer(model.provider, 'the response holds no 16-bit PCM audio');
  const pcm = Buffer.from(audio.data as string, 'base64');
  const usage = parsed.ok ? parsed.value.usageMetadata : undefined;
  const promptTokens = typeof usage?.promptTokenCount === 'number' ? usage.promptTokenCount : undefined;
  const completionTokens = typeof usage?.candidatesTokenCount === 'number' ? usage.candidatesTokenCount : undefined;
  const bytes = format === 'wav' ? wrapPcmInWav(pcm, rate) : pcm;
  return {
    result: { body: Readable.from([bytes]), contentType: format === 'wav' ? 'audio/wav' : 'audio/pcm' },
    ...(promptTokens !== undefined && completionTokens !== undefined
      ? { usage: { promptTokens, completionTokens } }
      : { usage: { promptTokens: Buffer.byteLength(text), completionTokens: Math.ceil((pcm.length / (rate * 2)) * AUDIO_TOKENS_PER_SECOND) }, usageEstimated: true }),
    deployment: response.deployment,
  };
}

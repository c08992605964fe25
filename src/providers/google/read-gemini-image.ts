import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';

/** One generated image of a `generateContent` answer, and the answer's token counts. */
export interface GeminiImage {
  data: string;
  mimeType: string;
  promptTokens: number;
  outputTokens: number;
}

interface GenerateContentAnswer {
  candidates?: { content?: { parts?: { inlineData?: { mimeType?: unknown; data?: unknown } }[] }; finishReason?: unknown }[];
  promptFeedback?: { blockReason?: unknown };
  usageMetadata?: { promptTokenCount?: unknown; candidatesTokenCount?: unknown; thoughtsTokenCount?: unknown };
}

/**
 * The image of an image model's `generateContent` answer (its first `inlineData` part) and its
 * usage: output tokens are the candidates' and thoughts' tokens, as Google bills them. An answer
 * without an image (a blocked prompt, a finish for safety) is the provider's refusal, with its reason.
 * @see https://ai.google.dev/gemini-api/docs/image-generation
 */
export function readGeminiImage(text: string): GeminiImage {
  const parsed = parseJson<GenerateContentAnswer>(text);
  const answer = parsed.ok && typeof parsed.value === 'object' && parsed.value !== null ? parsed.value : undefined;
  if (!answer) throw GATEWAY_ERRORS.upstreamInvalidAnswer('google', 'the response is not a GenerateContentResponse');
  const candidate = Array.isArray(answer.candidates) ? answer.candidates[0] : undefined;
  const parts = Array.isArray(candidate?.content?.parts) ? candidate.content.parts : [];
  const image = parts.map((part) => part?.inlineData).find((inline) => typeof inline?.data === 'string' && typeof inline.mimeType === 'string' && inline.mimeType.startsWith('image/'));
  if (!image) {
    const reason = answer.promptFeedback?.blockReason ?? candidate?.finishReason ?? 'none';
    throw GATEWAY_ERRORS.upstreamInvalidAnswer('google', `the answer has no image (reason: ${String(reason)})`);
  }
  const usage = answer.usageMetadata ?? {};
  return { data: image.data as string, mimeType: image.mimeType as string, promptTokens: count(usage.promptTokenCount), outputTokens: count(usage.candidatesTokenCount) + count(usage.thoughtsTokenCount) };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : 0;
}

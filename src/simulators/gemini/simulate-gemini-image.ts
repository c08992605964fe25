import { createHash } from 'node:crypto';
import { estimateTokens } from '../estimate-tokens.ts';
import { colourOf, encodeSolidPng } from '../images/encode-solid-png.ts';
import type { SimulatorError } from '../simulator-error.ts';
import { GEMINI_SIMULATOR_ERRORS as ERRORS } from './gemini-simulator-errors.ts';
import { geminiPromptText } from './gemini-prompt-text.ts';

/** Gemini's native image models ("Nano Banana"). */
const IMAGE_MODELS = ['gemini-2.5-flash-image'];
/**
 * Pixels of each aspect ratio, every one 1,290 output tokens.
 * @see https://ai.google.dev/gemini-api/docs/image-generation#aspect_ratios
 */
const ASPECT_RATIOS: Record<string, [number, number]> = {
  '1:1': [1024, 1024],
  '2:3': [832, 1248],
  '3:2': [1248, 832],
  '3:4': [864, 1184],
  '4:3': [1184, 864],
  '9:16': [768, 1344],
  '16:9': [1344, 768],
  '21:9': [1536, 672],
};
const TOKENS_PER_IMAGE = 1_290;
const MODALITIES = new Set(['TEXT', 'IMAGE']);

interface ImageRequest {
  contents?: { parts?: { text?: unknown }[] }[];
  generationConfig?: { responseModalities?: unknown; candidateCount?: unknown; imageConfig?: { aspectRatio?: unknown } };
}

/**
 * `models/gemini-2.5-flash-image:generateContent` as the Gemini API answers it: one candidate
 * whose parts are a PNG (`inlineData`) of a colour drawn from the prompt, at the aspect ratio's
 * size, after a short text part unless `responseModalities` is `["IMAGE"]`; usage with the image's
 * 1,290 tokens in `candidatesTokensDetails`. Undefined for any other model (the chat simulator's).
 * @see https://ai.google.dev/gemini-api/docs/image-generation
 */
export function simulateGeminiImage(modelName: string, method: string, body: unknown): { ok: true; answer: unknown } | { ok: false; error: SimulatorError } | undefined {
  const id = modelName.replace(/^models\//, '');
  if (!IMAGE_MODELS.includes(id)) return undefined;
  if (method !== 'generateContent') return { ok: false, error: ERRORS.unknownModel(id, method) };
  const request = (typeof body === 'object' && body !== null ? body : {}) as ImageRequest;
  const text = geminiPromptText(request.contents);
  if (text === '') return { ok: false, error: ERRORS.requestValidation(['contents: contents is not specified']) };
  const config = request.generationConfig ?? {};
  const modalities = config.responseModalities ?? ['TEXT', 'IMAGE'];
  if (!Array.isArray(modalities) || modalities.some((modality) => !MODALITIES.has(modality as string))) {
    return { ok: false, error: ERRORS.status(400, `* GenerateContentRequest.generation_config.response_modalities: unsupported modality`) };
  }
  if (config.candidateCount !== undefined && config.candidateCount !== 1) return { ok: false, error: ERRORS.notEnabled('Multiple candidates', id) };
  const aspectRatio = config.imageConfig?.aspectRatio ?? '1:1';
  const pixels = ASPECT_RATIOS[aspectRatio as string];
  if (!pixels) return { ok: false, error: ERRORS.status(400, `* GenerateContentRequest.generation_config.image_config.aspect_ratio: unsupported aspect ratio: ${String(aspectRatio)}\n`) };
  const caption = modalities.includes('TEXT') ? `Here is an image of ${text.slice(0, 60)}.` : undefined;
  const captionTokens = caption === undefined ? 0 : estimateTokens(caption);
  const promptTokens = estimateTokens(text);
  const png = encodeSolidPng(pixels[0], pixels[1], colourOf(text));
  return {
    ok: true,
    answer: {
      candidates: [{ content: { parts: [...(caption === undefined ? [] : [{ text: caption }]), { inlineData: { mimeType: 'image/png', data: png.toString('base64') } }], role: 'model' }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: promptTokens,
        candidatesTokenCount: TOKENS_PER_IMAGE + captionTokens,
        totalTokenCount: promptTokens + TOKENS_PER_IMAGE + captionTokens,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
        candidatesTokensDetails: [{ modality: 'IMAGE', tokenCount: TOKENS_PER_IMAGE }, ...(captionTokens > 0 ? [{ modality: 'TEXT', tokenCount: captionTokens }] : [])],
      },
      modelVersion: id,
      responseId: createHash('sha256').update(text).digest('base64url').slice(0, 22),
    },
  };
}

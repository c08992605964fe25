import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import type { ImageResult, ImagesUsage } from '../image-call.ts';

/** Fields of an OpenAI images answer shown to the client besides `data` and `usage` (gpt-image models). */
const DETAIL_FIELDS = ['background', 'output_format', 'quality', 'size'];

/**
 * An `ImagesResponse` (OpenAI's; xAI's is the same with its own `usage`) read into the adapter's
 * result: every image a `b64_json` or `url` string, token usage kept only when it has OpenAI's
 * counts (xAI's `cost_in_usd_ticks` is not a token count: its images are billed by the image).
 * @see https://platform.openai.com/docs/api-reference/images/object
 */
export function readImagesAnswer(provider: string, text: string): ImageResult {
  const parsed = parseJson<Record<string, unknown>>(text);
  const answer = parsed.ok && typeof parsed.value === 'object' && parsed.value !== null ? parsed.value : undefined;
  if (!answer || !Array.isArray(answer.data)) throw GATEWAY_ERRORS.upstreamInvalidAnswer(provider, 'the response is not an images response');
  const images = answer.data.map((item: unknown) => {
    const image = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof image.b64_json !== 'string' && typeof image.url !== 'string') throw GATEWAY_ERRORS.upstreamInvalidAnswer(provider, 'an image has neither b64_json nor url');
    return {
      ...(typeof image.b64_json === 'string' && { b64_json: image.b64_json }),
      ...(typeof image.url === 'string' && { url: image.url }),
      ...(typeof image.revised_prompt === 'string' && { revised_prompt: image.revised_prompt }),
    };
  });
  const details = Object.fromEntries(DETAIL_FIELDS.filter((field) => typeof answer[field] === 'string').map((field) => [field, answer[field]]));
  return { created: typeof answer.created === 'number' ? answer.created : Math.floor(Date.now() / 1000), images, usage: readImagesUsage(answer.usage), details };
}

/** OpenAI's image token usage, its counts finite non-negative integers; undefined when it has none. */
export function readImagesUsage(value: unknown): ImagesUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const usage = value as Record<string, unknown>;
  const input = count(usage.input_tokens);
  const output = count(usage.output_tokens);
  if (input === undefined || output === undefined) return undefined;
  return {
    input_tokens: input,
    ...(details(usage.input_tokens_details) && { input_tokens_details: details(usage.input_tokens_details) }),
    output_tokens: output,
    total_tokens: input + output,
    ...(details(usage.output_tokens_details) && { output_tokens_details: details(usage.output_tokens_details) }),
  };
}

function details(value: unknown): { image_tokens?: number; text_tokens?: number } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const image = count(record.image_tokens);
  const text = count(record.text_tokens);
  return { ...(image !== undefined && { image_tokens: image }), ...(text !== undefined && { text_tokens: text }) };
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : undefined;
}

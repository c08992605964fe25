/**
 * The image models the OpenAI and xAI simulators serve, with what each takes on the real API.
 * @see https://platform.openai.com/docs/api-reference/images/create
 * @see https://docs.x.ai/docs/guides/image-generations
 */
export interface SimulatedImageModel {
  id: string;
  /** `gpt-image`: token usage, always b64_json, `response_format` refused; `dall-e`: per image, url or b64_json; `grok`: JPEG, no size. */
  family: 'gpt-image' | 'dall-e' | 'grok';
  /** Sizes `size` may take (the first is the default); none: the model takes no `size` (grok). */
  sizes: readonly string[];
  /** Qualities `quality` may take (the first is the default). */
  qualities: readonly string[];
  maxImages: number;
  maxPromptCharacters: number;
}

const GPT_IMAGE_SIZES = ['auto', '1024x1024', '1536x1024', '1024x1536'];
const GPT_IMAGE_QUALITIES = ['auto', 'low', 'medium', 'high'];

export const OPENAI_IMAGE_MODELS: readonly SimulatedImageModel[] = [
  { id: 'gpt-image-1', family: 'gpt-image', sizes: GPT_IMAGE_SIZES, qualities: GPT_IMAGE_QUALITIES, maxImages: 10, maxPromptCharacters: 32_000 },
  { id: 'gpt-image-1-mini', family: 'gpt-image', sizes: GPT_IMAGE_SIZES, qualities: GPT_IMAGE_QUALITIES, maxImages: 10, maxPromptCharacters: 32_000 },
  { id: 'dall-e-3', family: 'dall-e', sizes: ['1024x1024', '1792x1024', '1024x1792'], qualities: ['standard', 'hd'], maxImages: 1, maxPromptCharacters: 4_000 },
];

export const XAI_IMAGE_MODELS: readonly SimulatedImageModel[] = [{ id: 'grok-imagine-image', family: 'grok', sizes: [], qualities: [], maxImages: 10, maxPromptCharacters: 8_000 }];

/**
 * Output tokens of one gpt-image-1 image by quality and size, from OpenAI's image generation guide
 * ("auto" answers as medium at 1024x1024).
 * @see https://platform.openai.com/docs/guides/image-generation#cost-and-latency
 */
export const GPT_IMAGE_OUTPUT_TOKENS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  low: { '1024x1024': 272, '1024x1536': 408, '1536x1024': 400 },
  medium: { '1024x1024': 1_056, '1024x1536': 1_584, '1536x1024': 1_568 },
  high: { '1024x1024': 4_160, '1024x1536': 6_240, '1536x1024': 6_208 },
};

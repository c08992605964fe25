import type { ImageFile } from '../../providers/image-call.ts';

/**
 * `POST /v1/images/generations` as OpenAI documents it: `prompt` required, `n` 1–10, the other
 * fields the model's own (`size`, `quality`, `response_format`, `style`, gpt-image's `background`,
 * `output_format`, …), left to the provider as OpenAI's own surface leaves them.
 * @see https://platform.openai.com/docs/api-reference/images/create
 */
export interface ImagesGenerateRequest {
  model?: string;
  prompt: string;
  n?: number;
  size?: string;
  quality?: string;
  response_format?: 'url' | 'b64_json';
  stream?: boolean;
  [field: string]: unknown;
}

/** `POST /v1/images/edits`: the form's text fields (numbers and booleans read as such) and its files. */
export interface ImagesEditRequest {
  fields: ImagesGenerateRequest;
  files: ImageFile[];
  /** What the request log keeps of it: the fields, and of each file its name, type and size (never its bytes). */
  toJSON?(): unknown;
}

export const imagesGenerateRequestSchema = {
  type: 'object',
  required: ['prompt'],
  properties: {
    model: { type: 'string', minLength: 1 },
    prompt: { type: 'string', minLength: 1, maxLength: 32_000 },
    n: { type: 'integer', minimum: 1, maximum: 10 },
    size: { type: 'string' },
    quality: { type: 'string' },
    response_format: { enum: ['url', 'b64_json'] },
    style: { type: 'string' },
    stream: { type: 'boolean' },
    partial_images: { type: 'integer', minimum: 0, maximum: 3 },
    user: { type: 'string' },
  },
};

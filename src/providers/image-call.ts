import type { CatalogModel } from '../catalog/catalog-model.ts';
import type { AttemptObserver } from './provider-adapter.ts';

/** One uploaded file of an image edit, as the client sent it. */
export interface ImageFile {
  /** The multipart field: `image` (one image), `image[]` (several), `mask`. */
  field: 'image' | 'image[]' | 'mask';
  filename: string;
  contentType: string;
  data: Buffer;
}

/**
 * One image call as an adapter receives it, in the terms of OpenAI's images API (the gateway's
 * image surface), tenant-free: a generation, or an edit of uploaded images.
 */
export interface ImageCall {
  model: CatalogModel;
  operation: 'generate' | 'edit';
  /** The request's fields in OpenAI's names, `model` excluded: `prompt`, `n`, `size`, `quality`, `response_format`, … */
  fields: Record<string, unknown>;
  /** An edit's images and mask, in the order sent. */
  files?: ImageFile[];
  signal: AbortSignal;
  requestId: string;
  onAttempt?: AttemptObserver;
}

/** OpenAI's `usage` of an images answer, as the provider reported it (counts, read as such). */
export interface ImagesUsage {
  input_tokens: number;
  input_tokens_details?: { image_tokens?: number; text_tokens?: number };
  output_tokens: number;
  total_tokens: number;
  output_tokens_details?: { image_tokens?: number; text_tokens?: number };
}

export interface ImageResult {
  /** `created` as the provider set it (Unix seconds). */
  created: number;
  /** The images in order: base64, or a URL the provider serves them at for a while. */
  images: { b64_json?: string; url?: string; revised_prompt?: string }[];
  /** Token usage, for models billed by the token (gpt-image, Gemini). */
  usage?: ImagesUsage;
  /** The answer's other fields the client sees (gpt-image's `background`, `output_format`, `quality`, `size`). */
  details?: Record<string, unknown>;
  deployment?: string;
}

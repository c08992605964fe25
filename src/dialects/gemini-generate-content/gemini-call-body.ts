import type { GeminiGenerateContentRequest } from '../../providers/google/gemini-api.ts';

/**
 * A Gemini API request as the pipeline gets it: the client's body (a GenerateContentRequest, or a
 * countTokens body) with `model` set by the route from the URL (`models/{model}:generateContent`),
 * since Gemini names the model in the path, not the body. The route's own `model` wins over any in
 * the body; it never reaches Google (the pass-through names the model in its path).
 */
export interface GeminiCallBody extends Partial<GeminiGenerateContentRequest> {
  model: string;
  /** countTokens only: a whole request to count instead of `contents`. */
  generateContentRequest?: GeminiGenerateContentRequest & { model?: string };
  [field: string]: unknown;
}

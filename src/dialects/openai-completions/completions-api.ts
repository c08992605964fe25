/**
 * Wire types of OpenAI's legacy Completions API, as its documentation and the `openai` SDK
 * (`resources/completions.d.ts`) spell them.
 * @see https://platform.openai.com/docs/api-reference/completions
 */
export interface CompletionsRequest {
  model: string;
  /** Text, one text per prompt, or token ids (one list, or one list per prompt). */
  prompt: string | string[] | number[] | number[][];
  suffix?: string | null;
  /** OpenAI's default is 16. */
  max_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean; [field: string]: unknown } | null;
  logprobs?: number | null;
  echo?: boolean | null;
  stop?: string | string[] | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  best_of?: number | null;
  logit_bias?: Record<string, number> | null;
  seed?: number | null;
  user?: string;
  [field: string]: unknown;
}

export type CompletionFinishReason = 'stop' | 'length' | 'content_filter';

export interface CompletionChoice {
  text: string;
  index: number;
  logprobs: null;
  finish_reason: CompletionFinishReason | null;
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
  /** Not OpenAI's: what the request cost, in credits. */
  cost?: number;
}

/** A whole answer, and each chunk of a stream (`finish_reason` null until a choice's last chunk; the usage chunk has no choices). */
export interface TextCompletion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: CompletionChoice[];
  system_fingerprint?: string;
  usage?: CompletionUsage;
}

import type { Adjustment } from '../../core/adjustment.ts';
import type { ChatRequest } from '../../core/chat-types.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import type { CompletionsRequest } from './completions-api.ts';
import { readCompletionsPrompt } from './read-completions-prompt.ts';

/** OpenAI's `max_tokens` when a request sets none. @see https://platform.openai.com/docs/api-reference/completions/create#completions-create-max_tokens */
const DEFAULT_MAX_TOKENS = 16;

/** Fields with the same name and meaning in chat completions: copied as sent. */
const COPIED_FIELDS = ['temperature', 'top_p', 'n', 'stop', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'seed', 'user'] as const;

/** Fields of the Completions API, read here or by the encoders (`echo`); any other field is dropped and reported. */
const COMPLETIONS_FIELDS = new Set<string>([...COPIED_FIELDS, 'model', 'prompt', 'suffix', 'max_tokens', 'stream', 'stream_options', 'logprobs', 'echo', 'best_of']);

/**
 * A legacy Completions request as the hub chat request: the prompt → one user message;
 * `max_tokens` → `max_tokens` (16 when unset, as OpenAI); sampling, penalties, `stop`, `n`,
 * `logit_bias`, `seed`, `user`, `stream` and `stream_options` copied; `echo` is the encoders'
 * (the prompt written before each choice's text). Refused by name (400), as chat cannot carry
 * them: token-id prompts and several prompts (read-completions-prompt.ts), `logprobs`, a non-empty
 * `suffix`, and a `best_of` other than `n`. Unknown fields are dropped and reported.
 * @see https://platform.openai.com/docs/api-reference/completions/create
 */
export function decodeCompletionsRequest(body: CompletionsRequest): { request: ChatRequest; adjustments: Adjustment[] } {
  const prompt = readCompletionsPrompt(body.prompt);
  if (body.logprobs !== undefined && body.logprobs !== null) {
    throw GATEWAY_ERRORS.completionsFeatureNotTranslated('logprobs (log probabilities of the completion tokens)', 'logprobs', 'Leave logprobs unset.');
  }
  if (typeof body.suffix === 'string' && body.suffix !== '') {
    throw GATEWAY_ERRORS.completionsFeatureNotTranslated('suffix (text to insert the completion before)', 'suffix', 'Leave suffix unset.');
  }
  const choices = body.n ?? 1;
  if (body.best_of !== undefined && body.best_of !== null && body.best_of !== choices) {
    throw GATEWAY_ERRORS.completionsFeatureNotTranslated('best_of other than n (choosing the best of several candidates)', 'best_of', 'Leave best_of unset, or equal to n.');
  }

  const adjustments: Adjustment[] = [];
  for (const field of Object.keys(body)) {
    if (COMPLETIONS_FIELDS.has(field) || body[field] === undefined || body[field] === null) continue;
    adjustments.push({ parameter: field, action: 'dropped', reason: 'not a parameter of the Completions API' });
  }

  const request: ChatRequest = { model: body.model, messages: [{ role: 'user', content: prompt }], max_tokens: body.max_tokens ?? DEFAULT_MAX_TOKENS };
  for (const field of COPIED_FIELDS) {
    if (body[field] !== undefined && body[field] !== null) (request as Record<string, unknown>)[field] = body[field];
  }
  if (body.stream === true) {
    request.stream = true;
    if (body.stream_options) request.stream_options = body.stream_options;
  }
  return { request, adjustments };
}

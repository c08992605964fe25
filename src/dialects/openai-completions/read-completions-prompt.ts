import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import type { CompletionsRequest } from './completions-api.ts';

/**
 * The one text prompt of a legacy Completions request. Refused by name (400):
 * - token ids (`number[]`, `number[][]`): they mean something only in the tokenizer they were made
 *   with, and the gateway serves every model through chat, with the model's own tokenizer —
 *   decoding them with one OpenAI vocabulary would send other models a different prompt than meant;
 * - more than one prompt: OpenAI answers each with its own choices, and the gateway serves a request
 *   as one chat completion, admitted, billed and recorded once.
 */
export function readCompletionsPrompt(prompt: CompletionsRequest['prompt']): string {
  if (typeof prompt === 'string') return prompt;
  if (typeof prompt[0] === 'number' || Array.isArray(prompt[0])) {
    throw GATEWAY_ERRORS.completionsFeatureNotTranslated('A prompt of token ids', 'prompt', 'Send the prompt as text: token ids belong to one tokenizer, and each model reads text with its own.');
  }
  if (prompt.length > 1) {
    throw GATEWAY_ERRORS.completionsFeatureNotTranslated('More than one prompt in a request', 'prompt', 'Send one request per prompt.');
  }
  return prompt[0] as string;
}

import type { CompletionFinishReason } from './completions-api.ts';

/**
 * A hub finish reason as one of the three the Completions API has: `length` and `content_filter`
 * keep their meaning; any other end of a choice (`stop`, a tool call, a provider's own reason) is
 * `stop`. Null (not finished yet) stays null.
 * @see https://platform.openai.com/docs/api-reference/completions/object#completions/object-choices
 */
export function mapFinishReasonToCompletion(reason: string | null | undefined): CompletionFinishReason | null {
  if (reason === undefined || reason === null) return null;
  return reason === 'length' || reason === 'content_filter' ? reason : 'stop';
}

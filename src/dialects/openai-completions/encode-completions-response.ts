import type { ChatCompletion, ChatMessage } from '../../core/chat-types.ts';
import type { TokenUsage } from '../../core/usage.ts';
import type { TextCompletion } from './completions-api.ts';
import { encodeCompletionsUsage } from './encode-completions-usage.ts';
import { mapFinishReasonToCompletion } from './map-finish-reason-to-completion.ts';
import { newCompletionId } from './new-completion-id.ts';

/**
 * A hub chat completion as a `text_completion`: each choice's message text (after `echo`, the
 * prompt written before it), `logprobs` null, the finish reason in Completions terms, and the
 * billed usage with the gateway's `cost`. Reasoning is not part of a completion's text.
 * @see https://platform.openai.com/docs/api-reference/completions/object
 */
export function encodeCompletionsResponse(completion: ChatCompletion, options: { model: string; echo: string; usage: TokenUsage | undefined; cost: number }): TextCompletion {
  const encoded: TextCompletion = {
    id: newCompletionId(),
    object: 'text_completion',
    created: typeof completion.created === 'number' ? completion.created : Math.floor(Date.now() / 1000),
    model: options.model,
    choices: (Array.isArray(completion.choices) ? completion.choices : []).map((choice, position) => ({
      text: options.echo + messageText(choice.message),
      index: typeof choice.index === 'number' ? choice.index : position,
      logprobs: null,
      finish_reason: mapFinishReasonToCompletion(choice.finish_reason) ?? 'stop',
    })),
    usage: encodeCompletionsUsage(options.usage, options.cost),
  };
  if (typeof completion.system_fingerprint === 'string') encoded.system_fingerprint = completion.system_fingerprint;
  return encoded;
}

/** The text of an answer's message: its content, or its text parts joined. */
function messageText(message: ChatMessage | undefined): string {
  const content = message?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (part.type === 'text' && 'text' in part && typeof part.text === 'string' ? part.text : '')).join('');
}

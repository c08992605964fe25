import type { ChatStreamEvent } from '../../core/chat-types.ts';
import type { TokenUsage } from '../../core/usage.ts';
import type { ChatStreamEncoder } from '../../streaming/chat-stream-encoder.ts';
import { formatSseEvent } from '../../streaming/format-sse-event.ts';
import { encodeOpenAIStreamError } from '../openai-chat/encode-openai-error.ts';
import type { CompletionChoice, TextCompletion } from './completions-api.ts';
import { encodeCompletionsUsage } from './encode-completions-usage.ts';
import { mapFinishReasonToCompletion } from './map-finish-reason-to-completion.ts';
import { newCompletionId } from './new-completion-id.ts';

interface CompletionsStreamState {
  id: string;
  /** The first chunk's `created`, kept for every chunk after it. */
  created: number | undefined;
  /** Choices whose first chunk went out (after `echo`, with the prompt before its text). */
  started: Set<number>;
}

/**
 * A hub chat stream as Completions chunks, as OpenAI streams them: every chunk a whole
 * `text_completion` object (no deltas) whose choices carry the new `text` and a `finish_reason`
 * that stays null until the choice's last chunk; reasoning is not written. With `echo`, each
 * choice's first chunk starts with the prompt. With `stream_options.include_usage`, a last chunk
 * with empty `choices` and the billed usage (the gateway's `cost` in it); then `data: [DONE]`.
 * @see https://platform.openai.com/docs/api-reference/completions/create#completions-create-stream
 */
export function createCompletionsStreamEncoder(options: { model: string; echo: string; includeUsage: boolean }): ChatStreamEncoder {
  const state: CompletionsStreamState = { id: newCompletionId(), created: undefined, started: new Set() };
  const completionChunk = (choices: CompletionChoice[], usage?: TextCompletion['usage']): string => {
    const chunk: TextCompletion = { id: state.id, object: 'text_completion', created: state.created ?? Math.floor(Date.now() / 1000), model: options.model, choices };
    if (usage) chunk.usage = usage;
    return formatSseEvent(JSON.stringify(chunk));
  };
  return {
    chunk({ chunk }: ChatStreamEvent) {
      if (state.created === undefined && typeof chunk.created === 'number') state.created = chunk.created;
      const choices: CompletionChoice[] = [];
      for (const [position, choice] of (Array.isArray(chunk.choices) ? chunk.choices : []).entries()) {
        const index = typeof choice?.index === 'number' ? choice.index : position;
        const content = choice?.delta?.content;
        let text = typeof content === 'string' ? content : '';
        const finishReason = mapFinishReasonToCompletion(choice?.finish_reason);
        if (text === '' && finishReason === null) continue;
        if (!state.started.has(index)) {
          state.started.add(index);
          text = options.echo + text;
        }
        choices.push({ text, index, logprobs: null, finish_reason: finishReason });
      }
      return choices.length > 0 ? completionChunk(choices) : '';
    },
    end(usage: TokenUsage | undefined, cost?: number) {
      const usageChunk = options.includeUsage && usage ? completionChunk([], encodeCompletionsUsage(usage, cost)) : '';
      return `${usageChunk}${formatSseEvent('[DONE]')}`;
    },
    error: (error) => formatSseEvent(encodeOpenAIStreamError(error)),
  };
}

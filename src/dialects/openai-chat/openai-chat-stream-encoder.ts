import type { ChatCompletionChunk } from '../../core/chat-types.ts';
import { creditsAsNumber } from '../../core/credits-as-number.ts';
import type { ChatStreamEncoder } from '../../streaming/chat-stream-encoder.ts';
import { formatSseEvent } from '../../streaming/format-sse-event.ts';
import { encodeOpenAIStreamError } from './encode-openai-error.ts';

/**
 * OpenAI chat streams, written as OpenAI defines them: the provider's own bytes when nothing needs
 * changing; usage only when the client asked (`stream_options.include_usage`), once, in a final
 * chunk with empty `choices` — wherever the provider put it (a final chunk: OpenAI; the finish
 * chunk: Fireworks; every chunk: Perplexity), with the gateway's `cost` (credits) added; then
 * `data: [DONE]`.
 */
export function createOpenAIChatStreamEncoder(options: {
  includeUsage: boolean;
  /** Also write the cost as a top-level `credits` beside `usage` in the final chunk (the chatbot route's answer). */
  credits?: boolean;
}): ChatStreamEncoder {
  let lastUsageChunk: ChatCompletionChunk | undefined;
  return {
    chunk(event, usage) {
      // The provider's bytes when it sent them (a plain delta is never parsed here).
      if (!usage) return formatSseEvent(event.raw ?? JSON.stringify(event.chunk));
      const { chunk } = event;
      lastUsageChunk = chunk;
      const { usage: _held, ...rest } = chunk;
      return Array.isArray(chunk.choices) && chunk.choices.length > 0 ? formatSseEvent(JSON.stringify(rest)) : '';
    },
    end(_usage, cost) {
      const usage = options.includeUsage && lastUsageChunk ? formatSseEvent(usageChunk(lastUsageChunk, cost, options.credits === true)) : '';
      return `${usage}${formatSseEvent('[DONE]')}`;
    },
    error: (error) => formatSseEvent(encodeOpenAIStreamError(error)),
  };
}

/** OpenAI's final usage chunk: empty `choices`, the provider's usage object as it sent it (extra fields kept) and the request's cost. */
function usageChunk(source: ChatCompletionChunk, cost: number | undefined, credits: boolean): string {
  const usage = cost === undefined ? source.usage : { ...source.usage, cost: creditsAsNumber(cost) };
  const chunk = { id: source.id, object: 'chat.completion.chunk', created: source.created, model: source.model, choices: [], usage };
  return JSON.stringify(credits && cost !== undefined ? { ...chunk, credits: creditsAsNumber(cost) } : chunk);
}

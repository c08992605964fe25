import type { AnthropicStopReason } from './anthropic-api.ts';

export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/**
 * Anthropic's `stop_reason` as OpenAI's `finish_reason`. `pause_turn` (a server tool's long turn,
 * to be resumed) has no OpenAI counterpart and reads as `stop`; so does a reason added after this
 * table was written.
 * @see https://docs.anthropic.com/en/api/handling-stop-reasons
 */
export function mapAnthropicStopReason(stopReason: AnthropicStopReason | null | undefined): ChatFinishReason {
  if (stopReason === null || stopReason === undefined) return 'stop';
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default: {
      const later: never = stopReason;
      void later;
      return 'stop';
    }
  }
}

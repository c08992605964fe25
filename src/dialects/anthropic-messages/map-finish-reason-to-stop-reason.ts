import type { MessagesStopReason } from './messages-api.ts';

/**
 * A hub finish reason as a Messages stop reason.
 * @see https://docs.anthropic.com/en/api/messages#response-stop-reason
 */
export function mapFinishReasonToStopReason(finishReason: string | null | undefined): MessagesStopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/**
 * Gemini's finish reasons in OpenAI's terms. `STOP` after function calls is `tool_calls` (Gemini has
 * no reason of its own for it); every block by a filter (safety, recitation, blocklist, prohibited
 * content, personal data, image safety) is `content_filter`; what OpenAI has no word for ends as
 * `stop`, and the raw reason always travels beside it as `native_finish_reason`.
 * @see https://ai.google.dev/api/generate-content#FinishReason
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */
const FINISH_REASONS: Record<string, 'stop' | 'length' | 'content_filter'> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
  IMAGE_RECITATION: 'content_filter',
  LANGUAGE: 'stop',
  OTHER: 'stop',
  FINISH_REASON_UNSPECIFIED: 'stop',
  MALFORMED_FUNCTION_CALL: 'stop',
  UNEXPECTED_TOOL_CALL: 'stop',
  TOO_MANY_TOOL_CALLS: 'stop',
  IMAGE_OTHER: 'stop',
  NO_IMAGE: 'stop',
};

export function mapGeminiFinishReason(finishReason: string, hasToolCalls: boolean): 'stop' | 'length' | 'content_filter' | 'tool_calls' {
  const mapped = FINISH_REASONS[finishReason] ?? 'stop';
  return mapped === 'stop' && finishReason === 'STOP' && hasToolCalls ? 'tool_calls' : mapped;
}

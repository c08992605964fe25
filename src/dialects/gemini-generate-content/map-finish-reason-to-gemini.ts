/**
 * Hub finish reasons as Gemini's. Gemini has no reason of its own for function calls: a turn that
 * calls functions ends `STOP`. A reason Gemini has no word for is `OTHER`.
 * @see https://ai.google.dev/api/generate-content#FinishReason
 */
const FINISH_REASONS: Record<string, string> = {
  stop: 'STOP',
  tool_calls: 'STOP',
  function_call: 'STOP',
  length: 'MAX_TOKENS',
  content_filter: 'SAFETY',
};

export function mapFinishReasonToGemini(finishReason: string | null | undefined): string {
  return finishReason ? (FINISH_REASONS[finishReason] ?? 'OTHER') : 'STOP';
}

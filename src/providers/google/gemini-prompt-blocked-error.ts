import { GatewayError } from '../../core/gateway-error.ts';
import type { GeminiPromptFeedback } from './gemini-api.ts';

/**
 * Gemini answers a prompt its filters block with 200, no candidates and `promptFeedback.blockReason`.
 * Nothing was generated, so the client gets a 400 that says so rather than an empty answer.
 * @see https://ai.google.dev/api/generate-content#PromptFeedback
 */
export function geminiPromptBlockedError(feedback: GeminiPromptFeedback): GatewayError {
  const categories = (feedback.safetyRatings ?? []).filter((rating) => rating.blocked).map((rating) => rating.category);
  return new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    code: 'prompt_blocked',
    message: `Provider 'google' blocked the prompt (blockReason: ${feedback.blockReason ?? 'unspecified'}${categories.length > 0 ? `; ${categories.join(', ')}` : ''}) and generated nothing`,
    upstream: { provider: 'google', status: 200 },
  });
}

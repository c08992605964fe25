import { readOpenAIError } from '../openai-compatible/read-openai-error.ts';
import type { OpenAICompatibleProfile } from '../openai-compatible/openai-compatible-profile.ts';

/**
 * Perplexity's Sonar API: OpenAI-shaped, with `citations` and `search_results` in its answers
 * (relayed to the client as they come) and strictly alternating user/assistant turns.
 * @see https://docs.perplexity.ai/api-reference/chat-completions-post
 */
export const perplexityProfile: OpenAICompatibleProfile = {
  descriptor: {
    id: 'perplexity',
    displayName: 'Perplexity',
    apiKeyEnv: ['PERPLEXITY_API_KEY', 'PPLX_API_KEY'],
    baseUrlEnv: ['PERPLEXITY_BASE_URL'],
    defaultBaseUrl: 'https://api.perplexity.ai',
  },
  nativeSurfaces: ['openai-chat'],
  chatPath: '/chat/completions',
  acceptsDeveloperRole: false,
  streamUsageOption: false,
  requiresAlternatingRoles: true,
  reasoningTokensInCompletion: true,
  reasoningInThinkTags: true,
  readError: readOpenAIError,
};

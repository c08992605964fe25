import { readOpenAIError } from '../openai-compatible/read-openai-error.ts';
import type { OpenAICompatibleProfile } from '../openai-compatible/openai-compatible-profile.ts';

/**
 * xAI's API is OpenAI-compatible; its error body is `{"code": "...", "error": "message"}`.
 * @see https://docs.x.ai/docs/api-reference
 */
export const xaiProfile: OpenAICompatibleProfile = {
  descriptor: {
    id: 'xai',
    displayName: 'xAI',
    apiKeyEnv: ['XAI_API_KEY'],
    baseUrlEnv: ['XAI_BASE_URL'],
    defaultBaseUrl: 'https://api.x.ai/v1',
  },
  nativeSurfaces: ['openai-chat'],
  chatPath: '/chat/completions',
  acceptsDeveloperRole: true,
  streamUsageOption: true,
  requiresAlternatingRoles: false,
  // grok reports reasoning tokens beside completion_tokens, not inside them (total_tokens adds both).
  reasoningTokensInCompletion: false,
  reasoningInThinkTags: false,
  readError: readOpenAIError,
};

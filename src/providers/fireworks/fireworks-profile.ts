import { readOpenAIError } from '../openai-compatible/read-openai-error.ts';
import type { OpenAICompatibleProfile } from '../openai-compatible/openai-compatible-profile.ts';

/**
 * Fireworks serves open models behind an OpenAI-compatible API.
 * @see https://docs.fireworks.ai/api-reference/post-chatcompletions
 */
export const fireworksProfile: OpenAICompatibleProfile = {
  descriptor: {
    id: 'fireworks',
    displayName: 'Fireworks',
    apiKeyEnv: ['FIREWORKS_API_KEY'],
    baseUrlEnv: ['FIREWORKS_BASE_URL'],
    defaultBaseUrl: 'https://api.fireworks.ai/inference/v1',
  },
  nativeSurfaces: ['openai-chat'],
  chatPath: '/chat/completions',
  acceptsDeveloperRole: true,
  streamUsageOption: true,
  requiresAlternatingRoles: false,
  reasoningTokensInCompletion: true,
  reasoningInThinkTags: false,
  readError: readOpenAIError,
};

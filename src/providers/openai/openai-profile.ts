import { readOpenAIError } from '../openai-compatible/read-openai-error.ts';
import type { OpenAICompatibleProfile } from '../openai-compatible/openai-compatible-profile.ts';

/** @see https://platform.openai.com/docs/api-reference/chat */
export const openaiProfile: OpenAICompatibleProfile = {
  descriptor: {
    id: 'openai',
    displayName: 'OpenAI',
    apiKeyEnv: ['OPENAI_API_KEY'],
    baseUrlEnv: ['OPENAI_BASE_URL'],
    defaultBaseUrl: 'https://api.openai.com/v1',
  },
  nativeSurfaces: ['openai-chat', 'openai-responses'],
  chatPath: '/chat/completions',
  acceptsDeveloperRole: true,
  streamUsageOption: true,
  requiresAlternatingRoles: false,
  // "Invalid 'messages[1].tool_calls[0].id': string too long. Expected a string with maximum length 40"
  toolCallIds: { maxLength: 40 },
  reasoningTokensInCompletion: true,
  reasoningInThinkTags: false,
  readError: readOpenAIError,
};

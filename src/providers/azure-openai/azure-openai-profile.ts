import { DEFAULT_AZURE_API_VERSION } from '../../config/load-config.ts';
import type { OpenAICompatibleProfile } from '../openai-compatible/openai-compatible-profile.ts';
import { readOpenAIError } from '../openai-compatible/read-openai-error.ts';

/**
 * Azure OpenAI (YAML `type: azure-openai`): OpenAI's Chat Completions behind a path per deployment
 * (`/openai/deployments/{deployment}/chat/completions?api-version=…`, the deployment name being the
 * model's `upstreamId`), authenticated with the `api-key` header. `developer` messages go as `system`:
 * the generally available API versions do not know the role. Answers carry Azure's content-filter
 * annotations (`prompt_filter_results`, a first stream chunk without choices), which pass through.
 * @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference
 */
export function azureOpenAIProfile(id: string, displayName: string): OpenAICompatibleProfile {
  return {
    descriptor: { id, displayName, apiKeyEnv: [], baseUrlEnv: [], defaultBaseUrl: '' },
    nativeSurfaces: ['openai-chat'],
    chatPath: '/chat/completions',
    chatUrl: (deployment, upstreamModel) =>
      `${deployment.baseUrl}/openai/deployments/${encodeURIComponent(upstreamModel)}/chat/completions?api-version=${encodeURIComponent(deployment.apiVersion ?? DEFAULT_AZURE_API_VERSION)}`,
    authenticate: (apiKey) => ({ 'api-key': apiKey }),
    acceptsDeveloperRole: false,
    streamUsageOption: true,
    requiresAlternatingRoles: false,
    // "Invalid 'messages[1].tool_calls[0].id': string too long. Expected a string with maximum length 40", as at OpenAI.
    toolCallIds: { maxLength: 40 },
    reasoningTokensInCompletion: true,
    reasoningInThinkTags: false,
    readError: readOpenAIError,
  };
}

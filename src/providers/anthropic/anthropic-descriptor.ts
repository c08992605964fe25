import type { ProviderDescriptor } from '../provider-adapter.ts';

/**
 * Anthropic's Messages API. The base URL is the API root, as in Anthropic's SDKs (`/v1/messages` is appended).
 * @see https://docs.anthropic.com/en/api/messages
 */
export const anthropicDescriptor: ProviderDescriptor = {
  id: 'anthropic',
  displayName: 'Anthropic',
  apiKeyEnv: ['ANTHROPIC_API_KEY'],
  baseUrlEnv: ['ANTHROPIC_BASE_URL'],
  defaultBaseUrl: 'https://api.anthropic.com',
};

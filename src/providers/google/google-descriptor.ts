import type { ProviderDescriptor } from '../provider-adapter.ts';

/**
 * Google's Gemini API (Gemini and Gemma models). The base URL is the API root, as in Google's
 * SDKs (`/v1beta/models/{model}:generateContent` is appended).
 * @see https://ai.google.dev/api/generate-content
 */
export const googleDescriptor: ProviderDescriptor = {
  id: 'google',
  displayName: 'Google',
  apiKeyEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  baseUrlEnv: ['GEMINI_BASE_URL'],
  defaultBaseUrl: 'https://generativelanguage.googleapis.com',
};

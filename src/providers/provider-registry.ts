import type { SwitchyardConfig } from '../config/load-config.ts';
import { AnthropicAdapter } from './anthropic/anthropic-adapter.ts';
import { anthropicDescriptor } from './anthropic/anthropic-descriptor.ts';
import { googleDescriptor } from './google/google-descriptor.ts';
import { GoogleAdapter } from './google/google-adapter.ts';
import { OpenAICompatibleAdapter } from './openai-compatible/openai-compatible-adapter.ts';
import type { ProviderAdapter } from './provider-adapter.ts';
import { OPENAI_COMPATIBLE_PROFILES } from './provider-descriptors.ts';
import type { UpstreamClient } from './upstream-client.ts';

/** Adapters for the providers that have an API key: a provider without one is off. */
export function createProviderAdapters(config: SwitchyardConfig, client: UpstreamClient): Map<string, ProviderAdapter> {
  const adapters = new Map<string, ProviderAdapter>();
  for (const profile of OPENAI_COMPATIBLE_PROFILES) {
    const settings = config.providers[profile.descriptor.id];
    if (settings?.apiKey) adapters.set(profile.descriptor.id, new OpenAICompatibleAdapter(profile, settings, client));
  }
  const anthropic = config.providers[anthropicDescriptor.id];
  if (anthropic?.apiKey) adapters.set(anthropicDescriptor.id, new AnthropicAdapter(anthropic, client));
  const google = config.providers[googleDescriptor.id];
  if (google?.apiKey) adapters.set(googleDescriptor.id, new GoogleAdapter(google, client, { allowPrivateImageUrls: config.allowPrivateImageUrls, maxImagesPerRequest: config.maxImageUrlsPerRequest, maxImageBytesPerRequest: config.maxImageBytesPerRequest }));
  return adapters;
}

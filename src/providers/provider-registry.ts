import type { SwitchyardConfig } from '../config/load-config.ts';
import { AnthropicAdapter } from './anthropic/anthropic-adapter.ts';
import { anthropicDescriptor } from './anthropic/anthropic-descriptor.ts';
import { fireworksProfile } from './fireworks/fireworks-profile.ts';
import { googleDescriptor } from './google/google-descriptor.ts';
import { GoogleAdapter } from './google/google-adapter.ts';
import { OpenAICompatibleAdapter } from './openai-compatible/openai-compatible-adapter.ts';
import type { OpenAICompatibleProfile } from './openai-compatible/openai-compatible-profile.ts';
import { openaiProfile } from './openai/openai-profile.ts';
import { perplexityProfile } from './perplexity/perplexity-profile.ts';
import type { ProviderAdapter, ProviderDescriptor } from './provider-adapter.ts';
import type { UpstreamClient } from './upstream-client.ts';
import { xaiProfile } from './xai/xai-profile.ts';

const OPENAI_COMPATIBLE_PROFILES: OpenAICompatibleProfile[] = [openaiProfile, xaiProfile, fireworksProfile, perplexityProfile];

/** Every provider this build can talk to, for configuration and start-up messages. */
export const PROVIDER_DESCRIPTORS: ProviderDescriptor[] = [
  ...OPENAI_COMPATIBLE_PROFILES.map((profile) => profile.descriptor),
  anthropicDescriptor,
  googleDescriptor,
];

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
  if (google?.apiKey) adapters.set(googleDescriptor.id, new GoogleAdapter(google, client, { allowPrivateImageUrls: config.allowPrivateImageUrls }));
  return adapters;
}

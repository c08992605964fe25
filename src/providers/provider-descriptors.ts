import { anthropicDescriptor } from './anthropic/anthropic-descriptor.ts';
import { fireworksProfile } from './fireworks/fireworks-profile.ts';
import { googleDescriptor } from './google/google-descriptor.ts';
import type { OpenAICompatibleProfile } from './openai-compatible/openai-compatible-profile.ts';
import { openaiProfile } from './openai/openai-profile.ts';
import { perplexityProfile } from './perplexity/perplexity-profile.ts';
import type { ProviderDescriptor } from './provider-adapter.ts';
import { xaiProfile } from './xai/xai-profile.ts';

/** The providers served through the one OpenAI-compatible adapter, each a profile. */
export const OPENAI_COMPATIBLE_PROFILES: OpenAICompatibleProfile[] = [openaiProfile, xaiProfile, fireworksProfile, perplexityProfile];

/**
 * Every provider this build can talk to, for configuration and start-up messages. Data only: the
 * CLI's one-shot commands read their settings without loading an adapter or an HTTP client.
 */
export const PROVIDER_DESCRIPTORS: ProviderDescriptor[] = [...OPENAI_COMPATIBLE_PROFILES.map((profile) => profile.descriptor), anthropicDescriptor, googleDescriptor];

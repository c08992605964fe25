import type { DeploymentSettings, ProviderSettings, SwitchyardConfig } from '../config/load-config.ts';
import { BalancedAdapter } from './balanced-adapter.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { AnthropicAdapter } from './anthropic/anthropic-adapter.ts';
import { anthropicDescriptor } from './anthropic/anthropic-descriptor.ts';
import { googleDescriptor } from './google/google-descriptor.ts';
import { GoogleAdapter } from './google/google-adapter.ts';
import { azureOpenAIProfile } from './azure-openai/azure-openai-profile.ts';
import { OpenAICompatibleAdapter } from './openai-compatible/openai-compatible-adapter.ts';
import type { OpenAICompatibleProfile } from './openai-compatible/openai-compatible-profile.ts';
import { openAICompatibleServerProfile } from './openai-compatible/openai-compatible-server-profile.ts';
import type { ProviderAdapter } from './provider-adapter.ts';
import { OPENAI_COMPATIBLE_PROFILES } from './provider-descriptors.ts';
import type { UpstreamClient } from './upstream-client.ts';

/**
 * Adapters for the providers that have an API key: a provider without one is off. A provider with
 * several deployments (YAML `deployments`) is one BalancedAdapter over an adapter per deployment
 * (one deployment too, so every answer names the deployment that served it); a deployment without
 * a key is left out, except on an OpenAI-compatible server of the operator's own (a local vLLM or
 * Ollama needs none). Providers declared in YAML with a `type` are the shared adapter over a
 * profile of that type.
 */
export function createProviderAdapters(
  config: SwitchyardConfig,
  client: UpstreamClient,
  onUpstreamFailure?: (provider: string, deployment: string, kind: string) => void,
): Map<string, ProviderAdapter> {
  const builders = new Map<string, (deployment: DeploymentSettings) => ProviderAdapter>();
  for (const profile of OPENAI_COMPATIBLE_PROFILES) builders.set(profile.descriptor.id, (deployment) => new OpenAICompatibleAdapter(profile, deployment, client.withTimeouts(deployment.timeouts)));
  builders.set(anthropicDescriptor.id, (deployment) => new AnthropicAdapter(deployment, client.withTimeouts(deployment.timeouts)));
  const imageLimits = { allowPrivateImageUrls: config.allowPrivateImageUrls, maxImagesPerRequest: config.maxImageUrlsPerRequest, maxImageBytesPerRequest: config.maxImageBytesPerRequest };
  builders.set(googleDescriptor.id, (deployment) => new GoogleAdapter(deployment, client.withTimeouts(deployment.timeouts), imageLimits));
  for (const [id, settings] of Object.entries(config.providers)) {
    if (!settings.custom) continue;
    const { type, displayName } = settings.custom;
    const profile: OpenAICompatibleProfile = type === 'azure-openai' ? azureOpenAIProfile(id, displayName) : openAICompatibleServerProfile(id, displayName);
    builders.set(id, (deployment) => new OpenAICompatibleAdapter(profile, deployment, client.withTimeouts(deployment.timeouts)));
  }

  const adapters = new Map<string, ProviderAdapter>();
  for (const [id, build] of builders) {
    const settings = config.providers[id];
    if (!settings) continue;
    const deployments = servedDeployments(settings);
    if (deployments.length === 0) continue;
    const balanced = deployments.map((deployment) => ({ settings: deployment, adapter: build(deployment), breaker: new CircuitBreaker(settings.circuitBreaker) }));
    adapters.set(id, new BalancedAdapter(balanced, Math.random, settings.strategy, onUpstreamFailure && ((deployment, kind) => onUpstreamFailure(id, deployment, kind))));
  }
  return adapters;
}

/** The deployments of a provider that get traffic: those with a key, every one of a keyless-capable server of the operator's own. */
export function servedDeployments(settings: ProviderSettings): DeploymentSettings[] {
  const keyless = settings.custom?.type === 'openai-compatible';
  return settings.deployments.filter((deployment) => keyless || deployment.apiKey);
}

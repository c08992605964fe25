import type { DeploymentSettings } from '../../config/load-config.ts';
import type { ToolCallIdRule } from '../portable-tool-call-ids.ts';
import type { SurfaceId } from '../../core/surface-id.ts';
import type { ProviderDescriptor } from '../provider-adapter.ts';

/**
 * What one OpenAI-compatible provider does differently. xAI, Fireworks, Perplexity and OpenAI
 * itself are this configuration over the one shared adapter.
 */
export interface OpenAICompatibleProfile {
  descriptor: ProviderDescriptor;
  /** Surfaces relayed as they are: every profile speaks OpenAI chat; OpenAI also the Responses API. */
  nativeSurfaces: readonly SurfaceId[];
  /** Path of Chat Completions under the base URL. */
  chatPath: string;
  /** Where a chat completion goes when it is not base URL + `chatPath` (Azure OpenAI: a path per deployment name, with `api-version`). */
  chatUrl?(deployment: DeploymentSettings, upstreamModel: string): string;
  /** The headers that authenticate a call when they are not `Authorization: Bearer <key>` (Azure OpenAI: `api-key`). */
  authenticate?(apiKey: string): Record<string, string>;
  /** When false, `developer` messages are sent as `system` (and the client is told). */
  acceptsDeveloperRole: boolean;
  /** When true, stream usage must be asked for with stream_options.include_usage; otherwise the provider always sends it. */
  streamUsageOption: boolean;
  /** After the system messages, user and assistant turns must alternate (Perplexity). */
  requiresAlternatingRoles: boolean;
  /** The tool call ids the provider accepts; others (another provider's) are made portable (portable-tool-call-ids.ts). */
  toolCallIds?: ToolCallIdRule;
  /**
   * When false, the provider's `completion_tokens` leaves reasoning tokens out (xAI): the gateway
   * adds them, so every provider's usage means what OpenAI's means (total = prompt + completion).
   */
  reasoningTokensInCompletion: boolean;
  /** Reasoning models write a `<think>` section at the start of the content (Perplexity); moved to `reasoning_content`. */
  reasoningInThinkTags: boolean;
  /** The provider names the reasoning field `reasoning` (current vLLM, Ollama); renamed to the `reasoning_content` the gateway reads. */
  reasoningNamedReasoning?: boolean;
  /** The human-readable message (and parameter) of the provider's error body. */
  readError(body: unknown): { message?: string; param?: string | null };
}

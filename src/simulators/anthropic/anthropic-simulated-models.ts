/** A Claude model the Anthropic simulator serves. */
export interface AnthropicSimulatedModel {
  /** The id clients send (an alias, or a dated snapshot). */
  id: string;
  /** The `model` Anthropic writes in its answers: aliases answer with their dated snapshot. */
  responseModel: string;
  displayName: string;
  /** RFC 3339, as `GET /v1/models` shows it. */
  createdAt: string;
  maxOutputTokens: number;
  contextWindow: number;
  /** Prompts shorter than this are never cached, with no error. */
  minimumCacheableTokens: number;
  /** Takes `thinking: {type: "adaptive"}` (Claude 4.6 models). */
  adaptiveThinking: boolean;
}

/**
 * The Claude models the simulator knows, newest first as `GET /v1/models` lists them. Output limits
 * and cache minimums from Anthropic's models overview and prompt-caching guide.
 * @see https://docs.anthropic.com/en/docs/about-claude/models/overview
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#cache-limitations
 */
export const anthropicSimulatedModels: readonly AnthropicSimulatedModel[] = [
  // Claude Opus 4.8 (Claude Code's default model): 1M context, 128K output, adaptive thinking. @see https://platform.claude.com/docs/en/models/opus-4-8/overview
  { ...model('claude-opus-4-8', 'claude-opus-4-8', 'Claude Opus 4.8', '2026-05-28T00:00:00Z', 4_096, true), maxOutputTokens: 128_000, contextWindow: 1_000_000 },
  // Claude Sonnet 4.6: a 1M-token context window and 128K output tokens. @see https://platform.claude.com/docs/en/models/sonnet-4-6/overview
  { ...model('claude-sonnet-4-6', 'claude-sonnet-4-6', 'Claude Sonnet 4.6', '2026-02-17T00:00:00Z', 1_024, true), maxOutputTokens: 128_000, contextWindow: 1_000_000 },
  model('claude-opus-4-5', 'claude-opus-4-5-20251101', 'Claude Opus 4.5', '2025-11-24T00:00:00Z', 4_096, false),
  model('claude-opus-4-5-20251101', 'claude-opus-4-5-20251101', 'Claude Opus 4.5', '2025-11-24T00:00:00Z', 4_096, false),
  model('claude-haiku-4-5', 'claude-haiku-4-5-20251001', 'Claude Haiku 4.5', '2025-10-15T00:00:00Z', 4_096, false),
  model('claude-haiku-4-5-20251001', 'claude-haiku-4-5-20251001', 'Claude Haiku 4.5', '2025-10-15T00:00:00Z', 4_096, false),
  model('claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5', '2025-09-29T00:00:00Z', 1_024, false),
  model('claude-sonnet-4-5-20250929', 'claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5', '2025-09-29T00:00:00Z', 1_024, false),
];

function model(id: string, responseModel: string, displayName: string, createdAt: string, minimumCacheableTokens: number, adaptiveThinking: boolean): AnthropicSimulatedModel {
  return { id, responseModel, displayName, createdAt, maxOutputTokens: 64_000, contextWindow: 200_000, minimumCacheableTokens, adaptiveThinking };
}

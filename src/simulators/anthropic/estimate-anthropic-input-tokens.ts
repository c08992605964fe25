import { estimatePromptTokens } from '../estimate-tokens.ts';
import { adaptAnthropicRequest } from './adapt-anthropic-request.ts';
import type { AnthropicSimulatedRequest } from './check-anthropic-request.ts';

/**
 * All input tokens of a request (system, tools, messages, images), as both /v1/messages and
 * /v1/messages/count_tokens report them: the shared four-characters-a-token estimate, so the two
 * endpoints agree with each other, as Anthropic's do.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/token-counting
 */
export function estimateAnthropicInputTokens(request: AnthropicSimulatedRequest): number {
  return estimatePromptTokens(adaptAnthropicRequest(request)).promptTokens;
}

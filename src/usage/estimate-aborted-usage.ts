import { countTokens } from './count-tokens.ts';
import type { TokenUsage } from '../core/usage.ts';

/**
 * The usage of a stream that ended early (the client left, the provider failed): what the
 * provider reported, if anything, with the output never counted below what was relayed; else the
 * prompt estimated and the relayed output (text, reasoning, tool arguments) counted with a real
 * tokenizer (o200k). Counting waits until a stream actually ends early: a complete stream costs
 * no tokenizer time.
 */
export function estimateAbortedUsage(reported: TokenUsage | undefined, relayedOutput: string, estimatePromptTokens: () => number): TokenUsage {
  const outputTokens = relayedOutput === '' ? 0 : countTokens(relayedOutput);
  if (reported) return { ...reported, completionTokens: Math.max(reported.completionTokens, outputTokens) };
  return { promptTokens: estimatePromptTokens(), completionTokens: outputTokens };
}

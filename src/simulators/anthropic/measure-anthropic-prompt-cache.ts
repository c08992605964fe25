import { estimateTokens } from '../estimate-tokens.ts';
import type { PromptCache } from '../prompt-cache.ts';
import type { AnthropicSimulatedModel } from './anthropic-simulated-models.ts';
import type { AnthropicSimulatedRequest, SimulatedBlock } from './check-anthropic-request.ts';

export interface AnthropicCacheUsage {
  cacheReadTokens: number;
  cacheCreationTokens: number;
  /** The TTL of the entry written: `5m` unless the breakpoint asked for `1h`. */
  ttl: '5m' | '1h';
}

interface PromptPiece {
  text: string;
  cacheControl?: { ttl?: string };
}

/**
 * Anthropic's prompt caching, simplified to what metering tests need: the prompt prefix up to the
 * last `cache_control` breakpoint (tools, then system, then messages; a top-level `cache_control`
 * puts it on the last block) is written to the cache the first time and read from it when a later
 * request repeats that prefix exactly. Prefixes under the model's minimum are never cached.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
 */
export function measureAnthropicPromptCache(request: AnthropicSimulatedRequest, model: AnthropicSimulatedModel, promptCache: PromptCache, promptTokens: number): AnthropicCacheUsage {
  const pieces = promptPieces(request);
  let breakpoint = -1;
  pieces.forEach((piece, index) => {
    if (piece.cacheControl) breakpoint = index;
  });
  if (request.cache_control && pieces.length > 0) breakpoint = pieces.length - 1;
  if (breakpoint < 0) return { cacheReadTokens: 0, cacheCreationTokens: 0, ttl: '5m' };

  const ttl = (request.cache_control ?? pieces[breakpoint]!.cacheControl)?.ttl === '1h' ? '1h' : '5m';
  const prefix = pieces.slice(0, breakpoint + 1).map((piece) => piece.text).join('\n');
  const prefixTokens = Math.min(estimateTokens(prefix), promptTokens);
  if (prefixTokens < model.minimumCacheableTokens) return { cacheReadTokens: 0, cacheCreationTokens: 0, ttl };
  // PromptCache counts whole four-character tokens of a shared prefix; padding the prefix to a
  // whole number of tokens makes "the same prefix again" count as every one of its tokens.
  const padded = prefix.padEnd(prefixTokens * 4, '\u0000');
  const shared = promptCache.prefixCachedTokens(`anthropic:${model.responseModel}`, padded, prefixTokens);
  return shared >= prefixTokens ? { cacheReadTokens: prefixTokens, cacheCreationTokens: 0, ttl } : { cacheReadTokens: 0, cacheCreationTokens: prefixTokens, ttl };
}

function promptPieces(request: AnthropicSimulatedRequest): PromptPiece[] {
  const pieces: PromptPiece[] = [];
  for (const tool of request.tools ?? []) {
    const { cache_control: cacheControl, ...definition } = tool;
    pieces.push({ text: JSON.stringify(definition), cacheControl });
  }
  if (typeof request.system === 'string') pieces.push({ text: request.system });
  else for (const block of request.system ?? []) pieces.push(blockPiece(block));
  for (const message of request.messages) {
    if (typeof message.content === 'string') pieces.push({ text: `${message.role}:${message.content}` });
    else for (const block of message.content) pieces.push(blockPiece(block));
  }
  return pieces;
}

function blockPiece(block: SimulatedBlock): PromptPiece {
  const cacheControl = block.cache_control as PromptPiece['cacheControl'];
  const { cache_control: _breakpoint, ...content } = block;
  return { text: JSON.stringify(content), cacheControl };
}

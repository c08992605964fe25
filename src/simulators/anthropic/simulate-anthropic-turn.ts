import { createHash } from 'node:crypto';
import { deterministicId } from '../deterministic-id.ts';
import { estimateTokens } from '../estimate-tokens.ts';
import { generateSimulatedAnswer } from '../generate-simulated-answer.ts';
import type { PromptCache } from '../prompt-cache.ts';
import { adaptAnthropicRequest } from './adapt-anthropic-request.ts';
import type { AnthropicSimulatedModel } from './anthropic-simulated-models.ts';
import type { AnthropicSimulatedRequest } from './check-anthropic-request.ts';
import { estimateAnthropicInputTokens } from './estimate-anthropic-input-tokens.ts';
import { measureAnthropicPromptCache } from './measure-anthropic-prompt-cache.ts';

export type AnthropicResponseBlock =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

/** The answer as the Messages API returns it. @see https://docs.anthropic.com/en/api/messages#response */
export interface AnthropicResponseMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicResponseBlock[];
  stop_reason: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';
  stop_sequence: string | null;
  usage: {
    input_tokens: number;
    cache_creation_input_tokens: number;
    cache_read_input_tokens: number;
    cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
    output_tokens: number;
    service_tier: 'standard';
  };
}

/**
 * Claude's deterministic answer to an accepted request, from the shared answer generator:
 * - with `thinking` on, a thinking block (with a signature) first, capped by `budget_tokens`;
 * - tool calls when tools are offered and `tool_choice` allows, each a `tool_use` block (two for
 *   "parallel"); unless `tool_choice` forces a tool, Claude first writes a short text block, as it
 *   does — the text that shifts content-block indexes away from tool-call positions;
 * - otherwise text (a JSON document for structured outputs), cut at the first stop sequence
 *   (`stop_reason` stop_sequence) or at `max_tokens`, thinking counted first (max_tokens).
 * Usage splits input into uncached, cache-written and cache-read tokens.
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use
 */
export function simulateAnthropicTurn(request: AnthropicSimulatedRequest, model: AnthropicSimulatedModel, context: { sequence: number; promptCache: PromptCache }): AnthropicResponseMessage {
  const { sequence } = context;
  const chat = adaptAnthropicRequest(request);
  const allowToolCalls = (chat.tools?.length ?? 0) > 0 && request.tool_choice?.type !== 'none';
  const answer = generateSimulatedAnswer(chat, { allowToolCalls, citationMarkers: false });

  const content: AnthropicResponseBlock[] = [];
  let remaining = request.max_tokens;
  let outputTokens = 0;
  let stopReason: AnthropicResponseMessage['stop_reason'] = 'end_turn';
  let stopSequence: string | null = null;

  const thinking = request.thinking;
  if (thinking?.type === 'enabled' || thinking?.type === 'adaptive') {
    const cap = Math.min(thinking.type === 'enabled' ? thinking.budget_tokens : remaining, remaining);
    const text = estimateTokens(answer.reasoning) > cap ? answer.reasoning.slice(0, cap * 4) : answer.reasoning;
    content.push({ type: 'thinking', thinking: text, signature: signature(sequence) });
    remaining -= estimateTokens(text);
    outputTokens += estimateTokens(text);
  }

  const forced = request.tool_choice?.type === 'any' || request.tool_choice?.type === 'tool';
  const preface = answer.toolCalls.length > 0 && !forced ? toolPreface(answer.toolCalls.map((call) => call.name)) : null;
  const toolTokens = answer.toolCalls.reduce((total, call) => total + estimateTokens(call.name + call.arguments) + 3, preface ? estimateTokens(preface) : 0);
  if (answer.toolCalls.length > 0 && toolTokens <= remaining) {
    if (preface) content.push({ type: 'text', text: preface });
    for (const [index, call] of answer.toolCalls.entries()) {
      content.push({ type: 'tool_use', id: `toolu_01${deterministicId(`anthropic-tool:${sequence}:${index}`, 22)}`, name: call.name, input: JSON.parse(call.arguments) as unknown });
    }
    stopReason = 'tool_use';
    outputTokens += toolTokens;
  } else {
    let text = answer.toolCalls.length > 0 ? (preface ?? '') : (answer.content ?? '');
    const cut = cutAtStopSequence(text, request.stop_sequences);
    if (cut) {
      text = cut.text;
      stopReason = 'stop_sequence';
      stopSequence = cut.sequence;
    }
    if (answer.toolCalls.length > 0 || estimateTokens(text) > remaining) {
      text = text.slice(0, Math.max(0, remaining) * 4);
      stopReason = 'max_tokens';
      stopSequence = null;
    }
    if (text !== '') content.push({ type: 'text', text });
    outputTokens += estimateTokens(text);
  }

  const promptTokens = estimateAnthropicInputTokens(request);
  const cache = measureAnthropicPromptCache(request, model, context.promptCache, promptTokens);
  return {
    id: `msg_01${deterministicId(`anthropic-message:${sequence}`, 22)}`,
    type: 'message',
    role: 'assistant',
    model: model.responseModel,
    content,
    stop_reason: stopReason,
    stop_sequence: stopSequence,
    usage: {
      input_tokens: promptTokens - cache.cacheReadTokens - cache.cacheCreationTokens,
      cache_creation_input_tokens: cache.cacheCreationTokens,
      cache_read_input_tokens: cache.cacheReadTokens,
      cache_creation: {
        ephemeral_5m_input_tokens: cache.ttl === '5m' ? cache.cacheCreationTokens : 0,
        ephemeral_1h_input_tokens: cache.ttl === '1h' ? cache.cacheCreationTokens : 0,
      },
      // "output_tokens will be non-zero, even for an empty string response from Claude."
      output_tokens: Math.max(1, outputTokens),
      service_tier: 'standard',
    },
  };
}

function toolPreface(names: string[]): string {
  return names.length === 1 ? `I'll use the ${names[0]} tool to help with that.` : `I'll call ${names.join(' and ')} in parallel.`;
}

function cutAtStopSequence(text: string, sequences: string[] | undefined): { text: string; sequence: string } | undefined {
  let found: { text: string; sequence: string } | undefined;
  for (const sequence of sequences ?? []) {
    const position = sequence === '' ? -1 : text.indexOf(sequence);
    if (position >= 0 && (found === undefined || position < found.text.length)) found = { text: text.slice(0, position), sequence };
  }
  return found;
}

/** An opaque, stable stand-in for the signature Anthropic puts on thinking blocks. */
function signature(sequence: number): string {
  const digest = Buffer.concat([0, 1, 2].map((round) => createHash('sha256').update(`anthropic-thinking:${sequence}:${round}`).digest()));
  return `EqQBCkgIBxABGAIiQ${digest.toString('base64')}`;
}

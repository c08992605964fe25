import { createHash } from 'node:crypto';
import type { ChatMessage } from '../core/chat-types.ts';

/** What a provider accepts as a tool call id. */
export interface ToolCallIdRule {
  pattern?: RegExp;
  maxLength?: number;
}

/**
 * A conversation may carry tool calls another provider made (after a model switch or a fallback),
 * with ids the receiving provider refuses: a Gemini id carrying its thought signature is ~156
 * characters where OpenAI takes 40; `functions.get_weather:0` is not an Anthropic id. Such an id
 * is replaced by `call_` and a hash of it — the same for a call and its result, so they still
 * pair — and ids the provider accepts are sent as they are. The client keeps its own ids (a
 * Gemini signature survives the detour); the provider's answer carries ids of its own making.
 */
export function portableToolCallId(id: string, rule: ToolCallIdRule): string {
  if ((rule.maxLength === undefined || id.length <= rule.maxLength) && (rule.pattern === undefined || rule.pattern.test(id))) return id;
  return `call_${createHash('sha256').update(id).digest('base64url').slice(0, 24)}`;
}

/** The messages with every tool call id (assistant calls and tool results) made portable; the same array when none needed it. */
export function withPortableToolCallIds(messages: ChatMessage[], rule: ToolCallIdRule): ChatMessage[] {
  let changed = false;
  const portable = (id: string) => {
    const mapped = portableToolCallId(id, rule);
    changed ||= mapped !== id;
    return mapped;
  };
  const mapped = messages.map((message) => {
    if (message.role === 'assistant' && message.tool_calls?.length) return { ...message, tool_calls: message.tool_calls.map((call) => ({ ...call, id: portable(call.id) })) };
    if (message.role === 'tool' && typeof message.tool_call_id === 'string') return { ...message, tool_call_id: portable(message.tool_call_id) };
    return message;
  });
  return changed ? mapped : messages;
}

import { randomBytes } from 'node:crypto';
import type { ChatCompletion } from '../../core/chat-types.ts';
import type { TokenUsage } from '../../core/usage.ts';
import { parseJson } from '../../core/parse-json.ts';
import { encodeMessagesUsage } from './encode-messages-usage.ts';
import { mapFinishReasonToStopReason } from './map-finish-reason-to-stop-reason.ts';
import type { MessagesContentBlock, MessagesResponse } from './messages-api.ts';

/**
 * A hub chat completion as a Messages response: reasoning as a thinking block, then the text, then
 * one tool_use block per tool call (arguments parsed back into `input`).
 * @see https://docs.anthropic.com/en/api/messages#response-content
 */
export function encodeMessagesResponse(completion: ChatCompletion, options: { model: string; usage: TokenUsage | undefined; cost?: number }): MessagesResponse {
  const choice = completion.choices[0];
  const message = choice?.message;
  const content: MessagesContentBlock[] = [];
  const reasoning = message?.reasoning_content;
  if (typeof reasoning === 'string' && reasoning !== '') content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  if (typeof message?.content === 'string' && message.content !== '') content.push({ type: 'text', text: message.content });
  for (const call of message?.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseToolInput(call.function.arguments) });
  }
  return {
    id: newMessageId(),
    type: 'message',
    role: 'assistant',
    model: options.model,
    content,
    stop_reason: mapFinishReasonToStopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: encodeMessagesUsage(options.usage, options.cost),
  };
}

/** Tool arguments as the `input` object Messages clients expect; arguments that are not a JSON object stay visible under `_raw`. */
export function parseToolInput(argumentsText: string): unknown {
  if (argumentsText.trim() === '') return {};
  const parsed = parseJson(argumentsText);
  return parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value) ? parsed.value : { _raw: argumentsText };
}

export function newMessageId(): string {
  return `msg_${randomBytes(12).toString('base64url')}`;
}

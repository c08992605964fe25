import type { ChatCompletion, ChatMessage, ToolCall } from '../../core/chat-types.ts';
import type { AnthropicMessage, AnthropicRedactedThinkingBlock, AnthropicThinkingBlock } from './anthropic-api.ts';
import { convertAnthropicUsage } from './convert-anthropic-usage.ts';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.ts';

/**
 * A Messages API answer as an OpenAI chat completion:
 * - `text` blocks → `content` (joined; `null` when the answer is only tool calls, as OpenAI does);
 * - `tool_use` → `tool_calls`, in block order, `arguments` the JSON text of `input`;
 * - `thinking` → `reasoning_content`, and every thinking block (signature included) in
 *   `thinking_blocks`, so a client that sends the message back keeps Claude's signed reasoning;
 * - blocks of other types (server tools, …) are left out.
 * @see https://docs.anthropic.com/en/api/messages#response-content
 */
export function convertAnthropicResponse(message: AnthropicMessage, options: { created: number }): ChatCompletion {
  const texts: string[] = [];
  const reasoning: string[] = [];
  const thinkingBlocks: (AnthropicThinkingBlock | AnthropicRedactedThinkingBlock)[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    switch (block.type) {
      case 'text':
        texts.push(block.text);
        break;
      case 'thinking':
        reasoning.push(block.thinking);
        thinkingBlocks.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
        break;
      case 'redacted_thinking':
        thinkingBlocks.push({ type: 'redacted_thinking', data: block.data });
        break;
      case 'tool_use':
        toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
        break;
      default: {
        const later: never = block;
        void later;
      }
    }
  }

  const chatMessage: ChatMessage = {
    role: 'assistant',
    content: texts.length > 0 ? texts.join('') : toolCalls.length > 0 ? null : '',
    refusal: null,
  };
  if (reasoning.length > 0) chatMessage.reasoning_content = reasoning.join('');
  if (thinkingBlocks.length > 0) chatMessage.thinking_blocks = thinkingBlocks;
  if (toolCalls.length > 0) chatMessage.tool_calls = toolCalls;

  const completion: ChatCompletion = {
    id: message.id,
    object: 'chat.completion',
    created: options.created,
    model: message.model,
    choices: [{ index: 0, message: chatMessage, logprobs: null, finish_reason: mapAnthropicStopReason(message.stop_reason) }],
  };
  const usage = convertAnthropicUsage(message.usage);
  if (usage) completion.usage = usage;
  return completion;
}

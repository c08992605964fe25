import type { ChatMessage, ChatRequest, ContentPart, ToolCall } from '../../core/chat-types.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import type { Adjustment } from '../../core/adjustment.ts';
import { compileTranslatedBodyCheck } from '../check-translated-body.ts';
import { messagesRequestSchema } from './messages-request-schema.ts';
import type { MessagesContentBlock, MessagesImageBlock, MessagesRequest, MessagesTextBlock, MessagesToolResultBlock, MessagesToolUseBlock } from './messages-api.ts';

const checkTranslatedMessages = compileTranslatedBodyCheck(messagesRequestSchema);

/**
 * Thinking budgets to the nearest `reasoning_effort`: the other providers take an effort, not a budget.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking
 */
const EFFORT_BY_BUDGET: { below: number; effort: string }[] = [
  { below: 4_096, effort: 'low' },
  { below: 16_384, effort: 'medium' },
  { below: Number.POSITIVE_INFINITY, effort: 'high' },
];

/**
 * A Messages request as the hub chat request, for models that do not speak Messages (checked
 * against the full Messages schema first): `system`, and `system` messages in the list, become
 * system messages, `tool_use` blocks tool calls, `tool_result` blocks tool messages (each
 * right after the assistant turn that asked), images image parts. What has no equivalent is
 * refused with a 400 naming it, or dropped and reported.
 */
export function decodeMessagesRequest(request: MessagesRequest): { request: ChatRequest; adjustments: Adjustment[] } {
  checkTranslatedMessages(request);
  const adjustments: Adjustment[] = [];
  const messages: ChatMessage[] = [];
  const system = typeof request.system === 'string' ? request.system : request.system?.map((block) => textOf(block, 'system')).join('\n\n');
  if (system) messages.push({ role: 'system', content: system });

  let droppedThinking = false;
  request.messages.forEach((message, index) => {
    const blocks: MessagesContentBlock[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    if (message.role === 'system') {
      messages.push({ role: 'system', content: blocks.map((block) => textOf(block, `messages.${index}.content`)).join('\n\n') });
    } else if (message.role === 'assistant') {
      droppedThinking ||= blocks.some((block) => block.type === 'thinking' || block.type === 'redacted_thinking');
      messages.push(decodeAssistantTurn(blocks, index));
    } else {
      messages.push(...decodeUserTurn(blocks, index));
    }
  });
  if (droppedThinking) adjustments.push({ parameter: 'messages', action: 'dropped', reason: 'thinking blocks of earlier turns: only Claude models take them back' });

  const chat: ChatRequest = { model: request.model, messages, max_tokens: request.max_tokens };
  if (request.stream) chat.stream = true;
  if (request.temperature !== undefined) chat.temperature = request.temperature;
  if (request.top_p !== undefined) chat.top_p = request.top_p;
  if (request.stop_sequences?.length) chat.stop = request.stop_sequences;
  if (request.metadata?.user_id) chat.user = request.metadata.user_id;
  if (request.top_k !== undefined) adjustments.push({ parameter: 'top_k', action: 'dropped', reason: 'only Claude models take it' });

  if (request.tools?.length) {
    chat.tools = request.tools.map((tool) => {
      if (tool.type && tool.type !== 'custom') throw unsupported(`server tool '${tool.type}'`, 'tools');
      return { type: 'function' as const, function: { name: tool.name, description: tool.description, parameters: tool.input_schema ?? { type: 'object', properties: {} } } };
    });
  }
  if (request.tool_choice) {
    const choice = request.tool_choice;
    chat.tool_choice = choice.type === 'any' ? 'required' : choice.type === 'tool' ? { type: 'function', function: { name: choice.name } } : choice.type;
    if (choice.disable_parallel_tool_use) chat.parallel_tool_calls = false;
  }
  if (request.thinking?.type === 'enabled' && typeof request.thinking.budget_tokens === 'number') {
    const budget = request.thinking.budget_tokens;
    chat.reasoning_effort = EFFORT_BY_BUDGET.find((step) => budget < step.below)!.effort;
    adjustments.push({ parameter: 'thinking', action: 'mapped', reason: `budget_tokens ${budget} sent as reasoning_effort '${chat.reasoning_effort}'` });
  }
  return { request: chat, adjustments };
}

function decodeAssistantTurn(blocks: MessagesContentBlock[], index: number): ChatMessage {
  const text: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'text':
        text.push((block as MessagesTextBlock).text);
        break;
      case 'tool_use': {
        const toolUse = block as MessagesToolUseBlock;
        toolCalls.push({ id: toolUse.id, type: 'function', function: { name: toolUse.name, arguments: JSON.stringify(toolUse.input ?? {}) } });
        break;
      }
      case 'thinking':
      case 'redacted_thinking':
        break;
      default:
        throw unsupported(`content block '${block.type}' in an assistant turn`, `messages.${index}.content`);
    }
  }
  const message: ChatMessage = { role: 'assistant', content: text.length > 0 ? text.join('') : null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

/** A user turn: its tool results first, as tool messages, then what the user wrote. */
function decodeUserTurn(blocks: MessagesContentBlock[], index: number): ChatMessage[] {
  const toolMessages: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'text':
        parts.push({ type: 'text', text: (block as MessagesTextBlock).text });
        break;
      case 'image':
        parts.push(imagePart(block as MessagesImageBlock, index));
        break;
      case 'tool_result': {
        const result = block as MessagesToolResultBlock;
        const content = typeof result.content === 'string' ? result.content : (result.content ?? []).filter((part) => part.type === 'text').map((part) => (part as MessagesTextBlock).text).join('\n');
        // Images a tool returned travel on in the user turn that follows: tool messages carry text only.
        for (const part of typeof result.content === 'string' ? [] : (result.content ?? [])) if (part.type === 'image') parts.push(imagePart(part as MessagesImageBlock, index));
        toolMessages.push({ role: 'tool', tool_call_id: result.tool_use_id, content: result.is_error ? `Error: ${content}` : content });
        break;
      }
      default:
        throw unsupported(`content block '${block.type}'`, `messages.${index}.content`);
    }
  }
  if (parts.length === 0) return toolMessages;
  const onlyText = parts.every((part) => part.type === 'text');
  const content = onlyText ? parts.map((part) => (part as { text: string }).text).join('\n\n') : parts;
  return [...toolMessages, { role: 'user', content }];
}

function imagePart(block: MessagesImageBlock, index: number): ContentPart {
  const source = block.source;
  if (source?.type === 'base64') return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } };
  if (source?.type === 'url') return { type: 'image_url', image_url: { url: source.url } };
  throw unsupported(`image source '${(source as { type?: string })?.type}'`, `messages.${index}.content`);
}

function textOf(block: { type: string; text?: string }, field: string): string {
  if (block.type !== 'text' || typeof block.text !== 'string') throw unsupported(`block '${block.type}' in ${field}`, field);
  return block.text;
}

function unsupported(what: string, param: string): GatewayError {
  return new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    code: 'unsupported_on_translation',
    param,
    message: `${what} is only supported for Claude models on this surface`,
  });
}

import type { ChatMessage, ContentPart } from '../../core/chat-types.ts';
import { parseJson } from '../../core/parse-json.ts';
import type { Adjustment } from '../../core/adjustment.ts';
import { portableToolCallId } from '../portable-tool-call-ids.ts';
import type {
  AnthropicCacheControl,
  AnthropicContentBlockParam,
  AnthropicImageBlockParam,
  AnthropicMessageParam,
  AnthropicTextBlockParam,
  AnthropicToolResultBlockParam,
} from './anthropic-api.ts';

/** Anthropic's tool ids: `tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'`; another provider's ids are made portable. */
const ANTHROPIC_TOOL_IDS = { pattern: /^[a-zA-Z0-9_-]+$/ };

export interface AnthropicPrompt {
  system?: AnthropicTextBlockParam[];
  messages: AnthropicMessageParam[];
  adjustments: Adjustment[];
}

/**
 * OpenAI chat messages as Anthropic's prompt:
 * - `system` and `developer` messages → the top-level `system` text blocks (a late one is moved
 *   ahead of the conversation, and the client is told);
 * - user text and `image_url` parts → text and image blocks (a data URL becomes a base64 source,
 *   an http(s) URL a url source); `cache_control` on a part is kept;
 * - assistant `tool_calls` → `tool_use` blocks after the text; `thinking_blocks` (signed thinking
 *   this gateway returned earlier) → thinking blocks before it;
 * - consecutive `tool` messages → one user turn of `tool_result` blocks;
 * - neighbouring turns of one role → one turn, which is what Anthropic does with them anyway.
 * @see https://docs.anthropic.com/en/api/messages#body-messages
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#handling-tool-use-and-tool-result-content-blocks
 */
export function convertToAnthropicMessages(messages: ChatMessage[]): AnthropicPrompt {
  const system: AnthropicTextBlockParam[] = [];
  const turns: AnthropicMessageParam[] = [];
  const adjustments = new AdjustmentList();
  let conversationStarted = false;

  for (const [index, message] of messages.entries()) {
    if (typeof message.name === 'string' && message.name !== '') {
      adjustments.add({ parameter: 'messages[].name', action: 'dropped', reason: 'Anthropic messages carry no participant name' });
    }
    switch (message.role) {
      case 'system':
      case 'developer': {
        if (conversationStarted) {
          adjustments.add({ parameter: 'messages', action: 'rewritten', reason: `${message.role} message ${index} sent in Anthropic's top-level system prompt, which precedes the whole conversation` });
        }
        system.push(...systemBlocks(message.content, adjustments));
        break;
      }
      case 'user':
        conversationStarted = true;
        appendTurn(turns, 'user', userContent(message.content, adjustments), index, adjustments);
        break;
      case 'assistant':
        conversationStarted = true;
        appendTurn(turns, 'assistant', assistantContent(message, index, adjustments), index, adjustments);
        break;
      case 'tool':
        conversationStarted = true;
        appendTurn(turns, 'user', [toolResult(message, adjustments)], index, adjustments);
        break;
      case 'function':
        adjustments.add({ parameter: 'messages', action: 'dropped', reason: `function message ${index}: the deprecated function role has no Anthropic counterpart; use tool messages` });
        break;
      default: {
        const unknown: never = message.role;
        adjustments.add({ parameter: 'messages', action: 'dropped', reason: `message ${index} has role '${String(unknown)}', which Anthropic does not know` });
      }
    }
  }
  return { system: system.length > 0 ? system : undefined, messages: turns, adjustments: adjustments.list };
}

/** Collects adjustments once each, however many messages cause them. */
class AdjustmentList {
  readonly list: Adjustment[] = [];
  add(adjustment: Adjustment): void {
    if (!this.list.some((known) => known.parameter === adjustment.parameter && known.reason === adjustment.reason)) this.list.push(adjustment);
  }
}

/** Adds a turn, merged into the previous one when it has the same role; an empty turn is left out (Anthropic refuses them). */
function appendTurn(turns: AnthropicMessageParam[], role: 'user' | 'assistant', content: string | AnthropicContentBlockParam[], index: number, adjustments: AdjustmentList): void {
  if (content === '' || (Array.isArray(content) && content.length === 0)) {
    adjustments.add({ parameter: 'messages', action: 'dropped', reason: `${role} message ${index} has no content; Anthropic refuses empty messages` });
    return;
  }
  const previous = turns[turns.length - 1];
  if (previous?.role !== role) {
    turns.push({ role, content });
    return;
  }
  previous.content = [...asBlocks(previous.content), ...asBlocks(content)];
}

function asBlocks(content: string | AnthropicContentBlockParam[]): AnthropicContentBlockParam[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

function systemBlocks(content: ChatMessage['content'], adjustments: AdjustmentList): AnthropicTextBlockParam[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: AnthropicTextBlockParam[] = [];
  for (const part of content ?? []) {
    if (part.type === 'text' && typeof part.text === 'string') {
      if (part.text !== '') blocks.push(withCacheControl({ type: 'text', text: part.text }, part));
    } else {
      adjustments.add({ parameter: `messages[].content[].${part.type}`, action: 'dropped', reason: `Anthropic's system prompt takes text only` });
    }
  }
  return blocks;
}

function userContent(content: ChatMessage['content'], adjustments: AdjustmentList): string | AnthropicContentBlockParam[] {
  if (typeof content === 'string' || content === null || content === undefined) return content ?? '';
  return contentBlocks(content, adjustments);
}

/** Text and image parts as blocks; parts Anthropic cannot take through this gateway are reported. */
function contentBlocks(parts: ContentPart[], adjustments: AdjustmentList): (AnthropicTextBlockParam | AnthropicImageBlockParam)[] {
  const blocks: (AnthropicTextBlockParam | AnthropicImageBlockParam)[] = [];
  for (const part of parts) {
    if (part.type === 'text' && typeof part.text === 'string') {
      // Anthropic refuses empty text blocks; an empty part says nothing.
      if (part.text !== '') blocks.push(withCacheControl({ type: 'text', text: part.text }, part));
    } else if (part.type === 'image_url') {
      const image = imageBlock(part as ContentPart & { image_url?: { url?: unknown; detail?: unknown } }, adjustments);
      if (image) blocks.push(image);
    } else {
      adjustments.add({ parameter: `messages[].content[].${part.type}`, action: 'dropped', reason: `${part.type} parts are not translated to Anthropic` });
    }
  }
  return blocks;
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** @see https://docs.anthropic.com/en/docs/build-with-claude/vision#base64-encoded-image-example */
function imageBlock(part: { image_url?: { url?: unknown; detail?: unknown } }, adjustments: AdjustmentList): AnthropicImageBlockParam | undefined {
  const url = part.image_url?.url;
  if (part.image_url?.detail !== undefined && part.image_url.detail !== 'auto') {
    adjustments.add({ parameter: 'image_url.detail', action: 'dropped', reason: 'Anthropic has no image detail setting' });
  }
  if (typeof url !== 'string') return undefined;
  const dataUrl = DATA_URL.exec(url);
  if (dataUrl) return withCacheControl({ type: 'image', source: { type: 'base64', media_type: dataUrl[1], data: dataUrl[2] } }, part);
  if (/^https?:\/\//i.test(url)) return withCacheControl({ type: 'image', source: { type: 'url', url } }, part);
  adjustments.add({ parameter: 'image_url.url', action: 'dropped', reason: 'Anthropic takes images as base64 data URLs or http(s) URLs only' });
  return undefined;
}

function assistantContent(message: ChatMessage, index: number, adjustments: AdjustmentList): AnthropicContentBlockParam[] {
  const blocks: AnthropicContentBlockParam[] = [...thinkingBlocks(message.thinking_blocks)];
  if (typeof message.content === 'string') {
    if (message.content !== '') blocks.push({ type: 'text', text: message.content });
  } else if (Array.isArray(message.content)) {
    for (const part of message.content) {
      if (part.type === 'text' && typeof part.text === 'string' && part.text !== '') blocks.push({ type: 'text', text: part.text });
    }
  }
  for (const call of message.tool_calls ?? []) {
    blocks.push({ type: 'tool_use', id: portableToolCallId(call.id, ANTHROPIC_TOOL_IDS), name: call.function.name, input: toolInput(call.function.arguments, call.id, index, adjustments) });
  }
  return blocks;
}

/**
 * Anthropic wants a tool call's input as an object. Arguments that are not a JSON object (a call cut
 * off by max_tokens, a client that rewrote them) are sent as `{}` and reported: refusing the whole
 * conversation would leave the client stuck on a history OpenAI itself accepts.
 */
function toolInput(argumentsText: string, callId: string, index: number, adjustments: AdjustmentList): Record<string, unknown> {
  if (argumentsText === '') return {};
  const parsed = parseJson(argumentsText);
  if (parsed.ok && parsed.value !== null && typeof parsed.value === 'object' && !Array.isArray(parsed.value)) return parsed.value as Record<string, unknown>;
  adjustments.add({ parameter: 'messages[].tool_calls[].function.arguments', action: 'rewritten', reason: `tool call ${callId} (message ${index}) has arguments that are not a JSON object; sent as {} because Anthropic takes tool input as an object` });
  return {};
}

/** Thinking blocks this gateway returned in `thinking_blocks`, sent back unchanged so Anthropic can verify their signatures. */
function thinkingBlocks(value: unknown): AnthropicContentBlockParam[] {
  if (!Array.isArray(value)) return [];
  const blocks: AnthropicContentBlockParam[] = [];
  for (const block of value) {
    if (block?.type === 'thinking' && typeof block.thinking === 'string' && typeof block.signature === 'string') {
      blocks.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
    } else if (block?.type === 'redacted_thinking' && typeof block.data === 'string') {
      blocks.push({ type: 'redacted_thinking', data: block.data });
    }
  }
  return blocks;
}

function toolResult(message: ChatMessage, adjustments: AdjustmentList): AnthropicToolResultBlockParam {
  const content = message.content;
  const block: AnthropicToolResultBlockParam = { type: 'tool_result', tool_use_id: portableToolCallId(message.tool_call_id ?? '', ANTHROPIC_TOOL_IDS) };
  // An empty result is sent without content, which Anthropic accepts; an empty text block it refuses.
  if (typeof content === 'string') {
    if (content !== '') block.content = content;
  } else if (Array.isArray(content)) block.content = contentBlocks(content, adjustments);
  return block;
}

function withCacheControl<T extends AnthropicTextBlockParam | AnthropicImageBlockParam>(block: T, part: object): T {
  const cacheControl = (part as { cache_control?: AnthropicCacheControl }).cache_control;
  if (cacheControl && typeof cacheControl === 'object' && cacheControl.type === 'ephemeral') block.cache_control = cacheControl;
  return block;
}

import { splitText } from '../plan-stream-parts.ts';
import type { AnthropicResponseMessage } from './simulate-anthropic-turn.ts';

/** One server-sent event of a Messages stream: its `event:` name and its JSON `data`. */
export interface AnthropicStreamFrame {
  event: string;
  data: string;
}

/**
 * An answer as the event sequence Anthropic streams: `message_start` (the message with empty
 * content and the input usage), a `ping`, then per content block `content_block_start`, its deltas
 * (`text_delta`; `thinking_delta` then one `signature_delta`; for tool use an empty
 * `input_json_delta` followed by the input JSON in fragments) and `content_block_stop`; then
 * `message_delta` (stop reason, cumulative usage) and `message_stop`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types
 */
export function renderAnthropicStream(message: AnthropicResponseMessage): AnthropicStreamFrame[] {
  const frames: AnthropicStreamFrame[] = [];
  const push = (data: { type: string; [field: string]: unknown }): void => {
    frames.push({ event: data.type, data: JSON.stringify(data) });
  };
  const { usage } = message;
  push({
    type: 'message_start',
    message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: Math.min(1, usage.output_tokens) } },
  });
  if (message.content.length === 0) push({ type: 'ping' });

  for (const [index, block] of message.content.entries()) {
    switch (block.type) {
      case 'text':
        push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
        if (index === 0) push({ type: 'ping' });
        for (const text of splitText(block.text)) push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
        break;
      case 'thinking':
        push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
        if (index === 0) push({ type: 'ping' });
        for (const thinking of splitText(block.thinking)) push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } });
        push({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } });
        break;
      case 'tool_use': {
        push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
        if (index === 0) push({ type: 'ping' });
        push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } });
        for (const fragment of fragments(JSON.stringify(block.input), 4)) {
          push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: fragment } });
        }
        break;
      }
      default: {
        const unknown: never = block;
        throw new Error(`Unexpected block ${JSON.stringify(unknown)}`);
      }
    }
    push({ type: 'content_block_stop', index });
  }

  push({
    type: 'message_delta',
    delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
    usage: {
      input_tokens: usage.input_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      output_tokens: usage.output_tokens,
    },
  });
  push({ type: 'message_stop' });
  return frames;
}

/** Splits JSON text into about `count` pieces, as Claude streams tool input a few characters at a time. */
function fragments(text: string, count: number): string[] {
  if (text.length <= count) return [text];
  const size = Math.ceil(text.length / count);
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

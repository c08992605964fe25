import type { EventSourceMessage } from 'eventsource-parser';
import type { ChatCompletionChunk } from '../../core/chat-types.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import type { ChatStreamEvent } from '../../core/chat-types.ts';
import type { AnthropicMessageDeltaUsage, AnthropicStreamEvent, AnthropicUsage } from './anthropic-api.ts';
import { convertAnthropicUsage } from './convert-anthropic-usage.ts';
import { mapAnthropicError } from './map-anthropic-error.ts';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.ts';

/** What one open content block becomes in OpenAI's stream. */
type OpenBlock =
  | { kind: 'text' }
  | { kind: 'thinking' }
  /** `toolIndex` is the call's position among the answer's tool calls, not Anthropic's block index. */
  | { kind: 'tool_use'; toolIndex: number; argumentsSent: boolean; startInput: unknown }
  | { kind: 'skipped' };

/** Where the decoder is in Anthropic's event sequence. */
export type AnthropicDecoderPhase = 'awaiting-message-start' | 'in-message' | 'message-delta-received' | 'message-stopped';

export interface AnthropicDecoderState {
  phase: AnthropicDecoderPhase;
  id: string;
  model: string;
  created: number;
  /**
   * The opening `{role: 'assistant'}` chunk waits for the first content block, so an `error` event
   * right after `message_start` (an overload) fails the call before anything reached the client.
   */
  roleSent: boolean;
  /** Open content blocks, by Anthropic's block index. */
  blocks: Map<number, OpenBlock>;
  /** Tool calls started so far: the next call's OpenAI `index`. */
  toolCalls: number;
  startUsage?: AnthropicUsage;
  deltaUsage?: AnthropicMessageDeltaUsage;
}

export interface DecodeAnthropicStreamOptions {
  provider: string;
  /** Unix seconds written as every chunk's `created`. */
  created: number;
  /** Scrubbed from error messages. */
  secrets: (string | undefined)[];
}

/**
 * Anthropic's stream events as OpenAI chat chunks: a first chunk `{role: 'assistant', content: ''}`;
 * `text_delta` → `content`; `thinking_delta` → `reasoning_content`; a `tool_use` block start →
 * a `tool_calls` delta with id, name and empty arguments, and each `input_json_delta` → an arguments
 * fragment under the same `index` (the call's position among tool calls, so the text Claude writes
 * before its first call does not push it to index 1); `message_delta` → the finish chunk;
 * `message_stop` → a usage-only chunk (`choices: []`). `ping` and signatures are dropped; an `error`
 * event is thrown as the gateway's error.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export async function* decodeAnthropicStream(events: AsyncIterable<EventSourceMessage>, options: DecodeAnthropicStreamOptions): AsyncGenerator<ChatStreamEvent> {
  const state: AnthropicDecoderState = {
    phase: 'awaiting-message-start',
    id: '',
    model: '',
    created: options.created,
    roleSent: false,
    blocks: new Map(),
    toolCalls: 0,
  };
  for await (const message of events) {
    const parsed = parseJson<AnthropicStreamEvent>(message.data);
    if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || typeof parsed.value.type !== 'string') {
      throw GATEWAY_ERRORS.upstreamStreamInterrupted(options.provider, 'a stream event is not valid JSON');
    }
    for (const chunk of transform(state, parsed.value, message.data, options)) yield { chunk };
    if (state.phase === 'message-stopped') return;
  }
  for (const chunk of flush(state, options)) yield { chunk };
}

function transform(state: AnthropicDecoderState, event: AnthropicStreamEvent, data: string, options: DecodeAnthropicStreamOptions): ChatCompletionChunk[] {
  switch (event.type) {
    case 'message_start':
      // A repeated message_start (seen behind some proxies) must not reset the answer.
      if (state.phase !== 'awaiting-message-start') return [];
      state.phase = 'in-message';
      state.id = event.message.id;
      state.model = event.message.model;
      state.startUsage = event.message.usage;
      return [];

    case 'content_block_start': {
      const chunks = openRole(state);
      const block = event.content_block;
      switch (block.type) {
        case 'text':
          state.blocks.set(event.index, { kind: 'text' });
          if (block.text) chunks.push(chunk(state, { content: block.text }));
          break;
        case 'thinking':
          state.blocks.set(event.index, { kind: 'thinking' });
          if (block.thinking) chunks.push(chunk(state, { reasoning_content: block.thinking }));
          break;
        case 'tool_use': {
          const toolIndex = state.toolCalls;
          state.toolCalls += 1;
          state.blocks.set(event.index, { kind: 'tool_use', toolIndex, argumentsSent: false, startInput: block.input });
          chunks.push(chunk(state, { tool_calls: [{ index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] }));
          break;
        }
        case 'redacted_thinking':
          state.blocks.set(event.index, { kind: 'skipped' });
          break;
        default: {
          const later: never = block;
          void later;
          state.blocks.set(event.index, { kind: 'skipped' });
        }
      }
      return chunks;
    }

    case 'content_block_delta': {
      const block = state.blocks.get(event.index);
      if (!block) return [];
      const delta = event.delta;
      switch (delta.type) {
        case 'text_delta':
          return block.kind === 'text' && delta.text ? [chunk(state, { content: delta.text })] : [];
        case 'thinking_delta':
          return block.kind === 'thinking' && delta.thinking ? [chunk(state, { reasoning_content: delta.thinking })] : [];
        case 'input_json_delta':
          if (block.kind !== 'tool_use' || !delta.partial_json) return [];
          block.argumentsSent = true;
          return [chunk(state, { tool_calls: [{ index: block.toolIndex, function: { arguments: delta.partial_json } }] })];
        case 'signature_delta':
        case 'citations_delta':
          return [];
        default: {
          const later: never = delta;
          void later;
          return [];
        }
      }
    }

    case 'content_block_stop': {
      const block = state.blocks.get(event.index);
      state.blocks.delete(event.index);
      // A call whose input arrived whole at block start, or never (a tool without parameters), still
      // gets arguments a client can parse.
      if (block?.kind !== 'tool_use' || block.argumentsSent) return [];
      const input = block.startInput;
      const whole = input !== null && typeof input === 'object' && Object.keys(input).length > 0 ? JSON.stringify(input) : '{}';
      return [chunk(state, { tool_calls: [{ index: block.toolIndex, function: { arguments: whole } }] })];
    }

    case 'message_delta': {
      const chunks = openRole(state);
      state.phase = 'message-delta-received';
      state.deltaUsage = event.usage;
      chunks.push(chunk(state, {}, mapAnthropicStopReason(event.delta?.stop_reason)));
      return chunks;
    }

    case 'message_stop':
      state.phase = 'message-stopped';
      return usageChunk(state);

    case 'ping':
      return [];

    case 'error':
      throw mapAnthropicError({ provider: options.provider, rawBody: data, secrets: options.secrets });

    default: {
      // Event types added later are skipped, as Anthropic's versioning policy asks.
      const later: never = event;
      void later;
      return [];
    }
  }
}

/** The end of the body: complete after `message_stop`, or after `message_delta` when a proxy cut the last event. */
function flush(state: AnthropicDecoderState, options: DecodeAnthropicStreamOptions): ChatCompletionChunk[] {
  switch (state.phase) {
    case 'message-stopped':
      return [];
    case 'message-delta-received':
      state.phase = 'message-stopped';
      return usageChunk(state);
    case 'awaiting-message-start':
    case 'in-message':
      throw GATEWAY_ERRORS.upstreamStreamInterrupted(options.provider, 'the stream closed before the answer finished');
    default: {
      const unknown: never = state.phase;
      throw new Error(`Unexpected decoder phase ${String(unknown)}`);
    }
  }
}

function openRole(state: AnthropicDecoderState): ChatCompletionChunk[] {
  if (state.roleSent) return [];
  state.roleSent = true;
  return [chunk(state, { role: 'assistant', content: '' })];
}

function chunk(state: AnthropicDecoderState, delta: ChatCompletionChunk['choices'][number]['delta'], finishReason: string | null = null): ChatCompletionChunk {
  return { id: state.id, object: 'chat.completion.chunk', created: state.created, model: state.model, choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

/** Usage is cumulative: `message_delta` carries the final output count and, on current models, the input counts too. */
function usageChunk(state: AnthropicDecoderState): ChatCompletionChunk[] {
  const start = state.startUsage;
  const delta = state.deltaUsage;
  if (!start && !delta) return [];
  const usage = convertAnthropicUsage({
    input_tokens: delta?.input_tokens ?? start?.input_tokens,
    cache_creation_input_tokens: delta?.cache_creation_input_tokens ?? start?.cache_creation_input_tokens,
    cache_read_input_tokens: delta?.cache_read_input_tokens ?? start?.cache_read_input_tokens,
    output_tokens: delta?.output_tokens ?? start?.output_tokens,
    output_tokens_details: delta?.output_tokens_details ?? start?.output_tokens_details,
  });
  if (!usage) return [];
  return [{ id: state.id, object: 'chat.completion.chunk', created: state.created, model: state.model, choices: [], usage }];
}

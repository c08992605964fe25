import type { ChatCompletionChunk } from '../../core/chat-types.ts';
import type { ChatStreamEncoder } from '../../streaming/chat-stream-encoder.ts';
import { formatSseEvent } from '../../streaming/format-sse-event.ts';
import { encodeAnthropicStreamError } from './encode-anthropic-error.ts';
import { encodeMessagesUsage } from './encode-messages-usage.ts';
import { mapFinishReasonToStopReason } from './map-finish-reason-to-stop-reason.ts';
import type { MessagesStopReason } from './messages-api.ts';

type OpenBlock = { kind: 'thinking' | 'text'; index: number } | { kind: 'tool_use'; index: number; toolCallIndex: number };

/** Where the encoder is in the Messages event sequence. */
interface MessagesStreamState {
  started: boolean;
  openBlock: OpenBlock | undefined;
  nextBlockIndex: number;
  /** Hub tool-call index → content block index. */
  toolBlocks: Map<number, number>;
  stopReason: MessagesStopReason | undefined;
}

/**
 * Writes a hub chat stream as the Messages event stream Anthropic SDK clients and Claude Code read:
 * message_start, ping, then content blocks in order — thinking (thinking_delta), text
 * (text_delta), one tool_use block per tool call with its arguments as input_json_delta events —
 * each opened with content_block_start and closed with content_block_stop, then message_delta
 * (stop reason, usage) and message_stop. A failure midway is an `error` event.
 * Hub tool calls arrive one after the other (every adapter streams them so), so one block is open at a time.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export function createMessagesStreamEncoder(options: { messageId: string; model: string }): ChatStreamEncoder {
  const state: MessagesStreamState = { started: false, openBlock: undefined, nextBlockIndex: 0, toolBlocks: new Map(), stopReason: undefined };
  const event = (type: string, data: Record<string, unknown>) => formatSseEvent(JSON.stringify({ type, ...data }), type);

  const start = (): string => {
    if (state.started) return '';
    state.started = true;
    return (
      event('message_start', {
        message: {
          id: options.messageId,
          type: 'message',
          role: 'assistant',
          model: options.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: encodeMessagesUsage(undefined),
        },
      }) + event('ping', {})
    );
  };

  const closeBlock = (): string => {
    if (!state.openBlock) return '';
    const { index } = state.openBlock;
    state.openBlock = undefined;
    return event('content_block_stop', { index });
  };

  const openBlock = (block: OpenBlock['kind'], contentBlock: Record<string, unknown>, toolCallIndex = -1): string => {
    const text = closeBlock();
    const index = state.nextBlockIndex++;
    state.openBlock = block === 'tool_use' ? { kind: block, index, toolCallIndex } : { kind: block, index };
    return text + event('content_block_start', { index, content_block: contentBlock });
  };

  const encodeChunk = (chunk: ChatCompletionChunk): string => {
    const choice = chunk.choices?.[0];
    if (!choice) return '';
    const delta = choice.delta ?? {};
    let text = '';
    const reasoning = delta.reasoning_content;
    if (typeof reasoning === 'string' && reasoning !== '') {
      if (state.openBlock?.kind !== 'thinking') text += openBlock('thinking', { type: 'thinking', thinking: '', signature: '' });
      text += event('content_block_delta', { index: state.openBlock!.index, delta: { type: 'thinking_delta', thinking: reasoning } });
    }
    if (typeof delta.content === 'string' && delta.content !== '') {
      if (state.openBlock?.kind !== 'text') text += openBlock('text', { type: 'text', text: '' });
      text += event('content_block_delta', { index: state.openBlock!.index, delta: { type: 'text_delta', text: delta.content } });
    }
    for (const call of delta.tool_calls ?? []) {
      if (!state.toolBlocks.has(call.index)) {
        text += openBlock('tool_use', { type: 'tool_use', id: call.id ?? `toolu_${options.messageId}_${call.index}`, name: call.function?.name ?? '', input: {} }, call.index);
        state.toolBlocks.set(call.index, state.openBlock!.index);
      }
      const fragment = call.function?.arguments;
      if (fragment) text += event('content_block_delta', { index: state.toolBlocks.get(call.index), delta: { type: 'input_json_delta', partial_json: fragment } });
    }
    if (choice.finish_reason) {
      state.stopReason = mapFinishReasonToStopReason(choice.finish_reason);
      text += closeBlock();
    }
    return text;
  };

  return {
    chunk: ({ chunk }) => start() + encodeChunk(chunk),
    end: (usage, cost) =>
      start() +
      closeBlock() +
      event('message_delta', { delta: { stop_reason: state.stopReason ?? 'end_turn', stop_sequence: null }, usage: encodeMessagesUsage(usage, cost) }) +
      event('message_stop', {}),
    error: (error) => formatSseEvent(encodeAnthropicStreamError(error), 'error'),
  };
}

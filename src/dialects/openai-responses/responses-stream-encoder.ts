import type { ChatCompletionChunk } from '../../core/chat-types.ts';
import type { ChatStreamEncoder } from '../../streaming/chat-stream-encoder.ts';
import { formatSseEvent } from '../../streaming/format-sse-event.ts';
import { buildResponseObject } from './build-response-object.ts';
import { encodeResponsesUsage } from './encode-responses-usage.ts';
import { mapFinishReasonToResponseStatus } from './map-finish-reason-to-response-status.ts';
import { callName, namespacedFunctionsOf } from './namespaced-functions.ts';
import { newResponsesId } from './new-responses-id.ts';
import type { ResponseObject, ResponsesFunctionCallItem, ResponsesOutputItem, ResponsesRequest } from './responses-api.ts';
import { responsesStreamErrorFields } from './responses-stream-error-fields.ts';

/** What one hub chunk says, in the order a Responses stream shows it. */
type HubStreamPart =
  | { type: 'reasoning-delta'; text: string }
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call-delta'; toolCallIndex: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'finish'; finishReason: string };

type OpenItem =
  | { kind: 'reasoning'; outputIndex: number; id: string; text: string }
  | { kind: 'message'; outputIndex: number; id: string; text: string }
  | { kind: 'function_call'; outputIndex: number; item: ResponsesFunctionCallItem };

/** Where the encoder is in the Responses event sequence. */
interface ResponsesStreamState {
  nextSequenceNumber: number;
  started: boolean;
  /** The one output item being streamed; hub streams deliver reasoning, text and each tool call one after the other. */
  open: OpenItem | undefined;
  /** Finished items, in output_index order: the final response's `output`. */
  output: ResponsesOutputItem[];
  /** Hub tool-call index → its item, so fragments always land on their own call. */
  toolCalls: Map<number, ResponsesFunctionCallItem>;
  finishReason: string | null;
}

/**
 * Writes a hub chat stream as the Responses event stream the OpenAI SDKs read: `response.created`
 * and `response.in_progress`, then each output item's lifecycle — a reasoning item
 * (`reasoning_text` deltas) when the provider shows its reasoning, the message
 * (`content_part.added`, `output_text.delta`…, `output_text.done`, `content_part.done`), one
 * function_call item per tool call with its argument deltas — each framed by
 * `output_item.added` / `output_item.done`, then `response.completed` (or `response.incomplete`)
 * with the whole response and its usage. Every event has the next `sequence_number`. A failure
 * midway is an `error` event followed by `response.failed`.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function createResponsesStreamEncoder(
  options: { id: string; createdAt: number; model: string; request: ResponsesRequest },
  /** Called with the finished (or failed) response, as the stream's last event carries it. */
  onFinal: (response: ResponseObject) => void = () => {},
): ChatStreamEncoder {
  const state: ResponsesStreamState = { nextSequenceNumber: 0, started: false, open: undefined, output: [], toolCalls: new Map(), finishReason: null };
  const namespaced = namespacedFunctionsOf(options.request);
  const event = (type: string, fields: Record<string, unknown>): string =>
    formatSseEvent(JSON.stringify({ type, sequence_number: state.nextSequenceNumber++, ...fields }), type);

  const start = (): string => {
    if (state.started) return '';
    state.started = true;
    const response = buildResponseObject({ ...options, status: 'in_progress', output: [], usage: null });
    return event('response.created', { response }) + event('response.in_progress', { response });
  };

  const close = (messageStatus: 'completed' | 'incomplete' = 'completed'): string => {
    const open = state.open;
    if (!open) return '';
    state.open = undefined;
    const output_index = open.outputIndex;
    switch (open.kind) {
      case 'reasoning': {
        const part = { type: 'reasoning_text' as const, text: open.text };
        const item: ResponsesOutputItem = { id: open.id, type: 'reasoning', summary: [], content: [part] };
        state.output.push(item);
        return (
          event('response.reasoning_text.done', { item_id: open.id, output_index, content_index: 0, text: open.text }) +
          event('response.content_part.done', { item_id: open.id, output_index, content_index: 0, part }) +
          event('response.output_item.done', { output_index, item })
        );
      }
      case 'message': {
        const part = { type: 'output_text' as const, text: open.text, annotations: [], logprobs: [] };
        const item: ResponsesOutputItem = { id: open.id, type: 'message', status: messageStatus, role: 'assistant', content: [part] };
        state.output.push(item);
        return (
          event('response.output_text.done', { item_id: open.id, output_index, content_index: 0, text: open.text, logprobs: [] }) +
          event('response.content_part.done', { item_id: open.id, output_index, content_index: 0, part }) +
          event('response.output_item.done', { output_index, item })
        );
      }
      case 'function_call': {
        open.item.status = 'completed';
        state.output.push(open.item);
        return (
          event('response.function_call_arguments.done', { item_id: open.item.id, output_index, name: open.item.name, arguments: open.item.arguments }) +
          event('response.output_item.done', { output_index, item: open.item })
        );
      }
      default: {
        const exhaustive: never = open;
        return exhaustive;
      }
    }
  };

  const openItem = (kind: 'reasoning' | 'message'): string => {
    const text = close();
    const outputIndex = state.output.length;
    if (kind === 'reasoning') {
      const id = newResponsesId('rs');
      state.open = { kind, outputIndex, id, text: '' };
      return (
        text +
        event('response.output_item.added', { output_index: outputIndex, item: { id, type: 'reasoning', summary: [], content: [] } }) +
        event('response.content_part.added', { item_id: id, output_index: outputIndex, content_index: 0, part: { type: 'reasoning_text', text: '' } })
      );
    }
    const id = newResponsesId('msg');
    state.open = { kind, outputIndex, id, text: '' };
    return (
      text +
      event('response.output_item.added', { output_index: outputIndex, item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } }) +
      event('response.content_part.added', { item_id: id, output_index: outputIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } })
    );
  };

  const transform = (part: HubStreamPart): string => {
    switch (part.type) {
      case 'reasoning-delta': {
        const text = state.open?.kind === 'reasoning' ? '' : openItem('reasoning');
        const open = state.open as Extract<OpenItem, { kind: 'reasoning' }>;
        open.text += part.text;
        return text + event('response.reasoning_text.delta', { item_id: open.id, output_index: open.outputIndex, content_index: 0, delta: part.text });
      }
      case 'text-delta': {
        const text = state.open?.kind === 'message' ? '' : openItem('message');
        const open = state.open as Extract<OpenItem, { kind: 'message' }>;
        open.text += part.text;
        return text + event('response.output_text.delta', { item_id: open.id, output_index: open.outputIndex, content_index: 0, delta: part.text, logprobs: [] });
      }
      case 'tool-call-delta': {
        let text = '';
        let item = state.toolCalls.get(part.toolCallIndex);
        if (!item) {
          text += close();
          item = { id: newResponsesId('fc'), type: 'function_call', status: 'in_progress', arguments: '', call_id: part.id ?? '', ...callName(part.name ?? '', namespaced) };
          state.toolCalls.set(part.toolCallIndex, item);
          state.open = { kind: 'function_call', outputIndex: state.output.length, item };
          text += event('response.output_item.added', { output_index: state.output.length, item: { ...item } });
        } else {
          if (part.id && !item.call_id) item.call_id = part.id;
          if (part.name && !item.name) item.name = part.name;
        }
        item.arguments += part.argumentsDelta;
        // A fragment of a call already closed (no adapter streams so) still reaches the final response.
        const open = state.open;
        if (part.argumentsDelta === '' || open?.kind !== 'function_call' || open.item !== item) return text;
        return text + event('response.function_call_arguments.delta', { item_id: item.id, output_index: open.outputIndex, delta: part.argumentsDelta });
      }
      case 'finish':
        state.finishReason = part.finishReason;
        return '';
      default: {
        const exhaustive: never = part;
        return exhaustive;
      }
    }
  };

  return {
    chunk({ chunk }) {
      let text = start();
      for (const part of readHubStreamParts(chunk)) text += transform(part);
      return text;
    },
    end(usage, cost) {
      const { status, incomplete_details } = mapFinishReasonToResponseStatus(state.finishReason);
      let text = start() + close(status === 'completed' ? 'completed' : 'incomplete');
      // An empty answer is still one (empty) message, as in the non-streamed Response.
      if (state.output.length === 0) text += openItem('message') + close(status === 'completed' ? 'completed' : 'incomplete');
      const response = buildResponseObject({ ...options, status, incompleteDetails: incomplete_details, output: state.output, usage: encodeResponsesUsage(usage, cost) });
      onFinal(response);
      return text + event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
    },
    error(error) {
      const response = buildResponseObject({ ...options, status: 'failed', output: state.output, usage: null, error: { code: error.code, message: error.message } });
      onFinal(response);
      return start() + event('error', responsesStreamErrorFields(error)) + event('response.failed', { response });
    },
  };
}

/** The parts of a hub chunk; tool calls keep the hub's `index`, the position in `tool_calls`. */
function readHubStreamParts(chunk: ChatCompletionChunk): HubStreamPart[] {
  const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
  if (!choice) return [];
  const parts: HubStreamPart[] = [];
  const delta = choice.delta ?? {};
  if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') parts.push({ type: 'reasoning-delta', text: delta.reasoning_content });
  if (typeof delta.content === 'string' && delta.content !== '') parts.push({ type: 'text-delta', text: delta.content });
  for (const toolCall of delta.tool_calls ?? []) {
    parts.push({
      type: 'tool-call-delta',
      toolCallIndex: typeof toolCall.index === 'number' ? toolCall.index : 0,
      id: toolCall.id,
      name: toolCall.function?.name,
      argumentsDelta: toolCall.function?.arguments ?? '',
    });
  }
  if (choice.finish_reason) parts.push({ type: 'finish', finishReason: choice.finish_reason });
  return parts;
}

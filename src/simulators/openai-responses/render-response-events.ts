import { assertNever } from '../assert-never.ts';
import { deterministicId } from '../deterministic-id.ts';
import { splitText } from '../plan-stream-parts.ts';
import type { SimulatedResponse } from './build-simulated-response.ts';
import { renderResponseObject } from './render-response-object.ts';

/** One server-sent event of a Responses stream: its `event:` name and its JSON `data:`. */
export interface ResponseStreamEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * The events OpenAI streams for a response, numbered from 0: `response.created` and
 * `response.in_progress` with the empty response, then each output item's lifecycle (added, its
 * content part and deltas, done), then `response.completed` (or `response.incomplete`) with the
 * whole response. Deltas carry `obfuscation` padding unless the request turned it off.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function renderResponseEvents(response: SimulatedResponse): ResponseStreamEvent[] {
  const events: ResponseStreamEvent[] = [];
  const obfuscate = response.request.stream_options?.include_obfuscation !== false;
  const push = (type: string, fields: Record<string, unknown>, padded = false): void => {
    const sequenceNumber = events.length;
    const data: Record<string, unknown> = { type, sequence_number: sequenceNumber, ...fields };
    if (padded && obfuscate) data.obfuscation = deterministicId(`${response.id}:${sequenceNumber}`, 1 + ((sequenceNumber * 7) % 15));
    events.push({ type, data });
  };

  const opening = { status: 'in_progress' as const, output: [], usage: null, incompleteDetails: null };
  push('response.created', { response: renderResponseObject(response, opening) });
  push('response.in_progress', { response: renderResponseObject(response, opening) });
  for (const [outputIndex, item] of response.output.entries()) {
    switch (item.type) {
      case 'reasoning':
        push('response.output_item.added', { output_index: outputIndex, item });
        push('response.output_item.done', { output_index: outputIndex, item });
        break;
      case 'message': {
        const itemFields = { item_id: item.id, output_index: outputIndex };
        push('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } });
        for (const [contentIndex, part] of item.content.entries()) {
          push('response.content_part.added', { ...itemFields, content_index: contentIndex, part: { ...part, text: '' } });
          for (const delta of part.text === '' ? [] : splitText(part.text)) {
            push('response.output_text.delta', { ...itemFields, content_index: contentIndex, delta, logprobs: [] }, true);
          }
          push('response.output_text.done', { ...itemFields, content_index: contentIndex, text: part.text, logprobs: [] });
          push('response.content_part.done', { ...itemFields, content_index: contentIndex, part });
        }
        push('response.output_item.done', { output_index: outputIndex, item });
        break;
      }
      case 'function_call':
        push('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', arguments: '' } });
        for (const delta of splitInThree(item.arguments)) {
          push('response.function_call_arguments.delta', { item_id: item.id, output_index: outputIndex, delta }, true);
        }
        push('response.function_call_arguments.done', { item_id: item.id, output_index: outputIndex, arguments: item.arguments });
        push('response.output_item.done', { output_index: outputIndex, item });
        break;
      default:
        assertNever(item);
    }
  }
  push(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: renderResponseObject(response) });
  return events;
}

/**
 * How OpenAI ends a stream that fails midway: an `error` event, then `response.failed` with the
 * error on the response (recorded streams show the error nested under `error`).
 */
export function renderResponseFailureEvents(response: SimulatedResponse, sequenceNumber: number): ResponseStreamEvent[] {
  const message = 'The server had an error while processing your request. Sorry about that!';
  const failed = { status: 'failed' as const, output: [], usage: null, incompleteDetails: null };
  return [
    { type: 'error', data: { type: 'error', sequence_number: sequenceNumber, error: { type: 'server_error', code: 'server_error', message, param: null } } },
    {
      type: 'response.failed',
      data: { type: 'response.failed', sequence_number: sequenceNumber + 1, response: renderResponseObject(response, failed, { code: 'server_error', message }) },
    },
  ];
}

/** Function arguments arrive in a few fragments, as OpenAI streams them. */
function splitInThree(text: string): string[] {
  if (text.length <= 3) return [text];
  const size = Math.ceil(text.length / 3);
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

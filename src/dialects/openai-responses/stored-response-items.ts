import type { ResponseItem } from '../../store/store.ts';
import { newResponsesId } from './new-responses-id.ts';
import type { ResponsesInputItem } from './responses-api.ts';

/**
 * A response's input and output as the rows the store keeps: each item as JSON at its position,
 * under its own id or, for an input item that has none (a message the client wrote), one the
 * gateway gives it, as OpenAI does.
 */
export function storedResponseItems(input: readonly ResponsesInputItem[], output: readonly unknown[]): ResponseItem[] {
  const row = (kind: ResponseItem['kind'], item: unknown, position: number): ResponseItem => {
    const ownId = (item as { id?: unknown } | null)?.id;
    return { kind, position, itemId: typeof ownId === 'string' && ownId !== '' ? ownId : newResponsesId('msg'), item: JSON.stringify(item) };
  };
  return [...input.map((item, index) => row('input', item, index)), ...output.map((item, index) => row('output', item, index))];
}

/**
 * A stored input item as `GET /responses/{id}/input_items` lists it: with its id and type, a
 * message's text content as content parts.
 * @see https://platform.openai.com/docs/api-reference/responses/input-items
 */
export function listedInputItem(item: Record<string, unknown>, itemId: string): Record<string, unknown> {
  if (item.type !== undefined && item.type !== 'message') return { ...item, id: itemId };
  const role = item.role;
  const content = typeof item.content === 'string' ? [{ type: role === 'assistant' ? 'output_text' : 'input_text', text: item.content }] : item.content;
  return { id: itemId, type: 'message', role, content, ...(role === 'assistant' ? { status: 'completed' } : {}) };
}

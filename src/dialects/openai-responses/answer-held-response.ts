import type { WholeAnswer } from '../../gateway/client-connection.ts';
import type { StoredResponses } from '../../gateway/stored-responses.ts';
import type { StoredObject, StoredOperation } from '../../gateway/surface.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import type { AuthenticatedKey } from '../../store/store.ts';
import { listedInputItem } from './stored-response-items.ts';

/** The statuses of a response that still runs. */
export const RUNNING_STATUSES = ['queued', 'in_progress'];

/**
 * Retrieve, list input items, cancel and delete for a response the gateway holds (a translated
 * model's), answered from the store as OpenAI answers them.
 * @see https://platform.openai.com/docs/api-reference/responses/get (and /input-items, /cancel, /delete)
 */
export async function answerHeldResponse(responses: StoredResponses, operation: StoredOperation, object: StoredObject, principal: AuthenticatedKey): Promise<WholeAnswer> {
  const json = (body: unknown): WholeAnswer => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  const query = new URLSearchParams(operation.query.replace(/^\?/, ''));
  if (operation.method === 'DELETE') {
    await responses.delete(object.id);
    return json({ id: object.id, object: 'response.deleted', deleted: true });
  }
  if (operation.suffix === '/input_items') return json(await listInputItems(responses, object.id, principal, query));

  const record = await responses.find(object.id, principal);
  if (!record?.body) throw GATEWAY_ERRORS.responseNotFound(object.id);
  if (operation.suffix === '/cancel') {
    const response = parseJson<Record<string, unknown>>(record.body);
    if (!response.ok || response.value?.background !== true) throw GATEWAY_ERRORS.responseNotCancellable();
    // Cancelling a finished response returns it unchanged; a running one stops wherever it runs (its heartbeat sees the status).
    if (!RUNNING_STATUSES.includes(String(record.status))) return { status: 200, contentType: 'application/json', body: record.body };
    const cancelled = JSON.stringify({ ...response.value, status: 'cancelled' });
    if (await responses.update(object.id, { status: 'cancelled', body: cancelled }, RUNNING_STATUSES)) return { status: 200, contentType: 'application/json', body: cancelled };
    const now = await responses.find(object.id, principal);
    return { status: 200, contentType: 'application/json', body: now?.body ?? record.body };
  }
  if (query.get('stream') === 'true') {
    throw GATEWAY_ERRORS.responsesFeatureNotTranslated(object.model, 'stream=true on retrieve (replaying the events of a stored response)', 'stream');
  }
  return { status: 200, contentType: 'application/json', body: record.body };
}

/** Every item that went into the response (the chain it continues included), a cursor page of them: newest first unless `order=asc`, 20 unless `limit` (1–100). */
async function listInputItems(responses: StoredResponses, id: string, principal: AuthenticatedKey, query: URLSearchParams): Promise<unknown> {
  const context = await responses.context(principal, id);
  const items = context.filter((item) => !(item.responseId === id && item.kind === 'output'));
  const listed = items.map((stored) => {
    const parsed = parseJson<Record<string, unknown>>(stored.item);
    return listedInputItem(parsed.ok && parsed.value !== null && typeof parsed.value === 'object' ? parsed.value : {}, stored.itemId);
  });
  if (query.get('order') !== 'asc') listed.reverse();
  const limit = Math.min(100, Math.max(1, Number.parseInt(query.get('limit') ?? '20', 10) || 20));
  const after = query.get('after');
  const start = after ? listed.findIndex((item) => item.id === after) + 1 : 0;
  const page = listed.slice(start, start + limit);
  return {
    object: 'list',
    data: page,
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
    has_more: start + limit < listed.length,
  };
}

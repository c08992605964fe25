import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import type { StoredResponses } from '../../gateway/stored-responses.ts';
import type { AuthenticatedKey, ResponseRecord, StoredResponseItem } from '../../store/store.ts';
import type { ResponsesInputItem, ResponsesRequest } from './responses-api.ts';

export interface ExpandedResponsesRequest {
  /** The request to serve, the stored state it names written out where its model's provider does not hold it. */
  body: ResponsesRequest;
  /** This request's own input, references resolved: what is stored as the response's input. */
  ownInput: ResponsesInputItem[];
  /** The response this one continues, as the client named it (kept for the stored chain even when the body no longer names it). */
  previousResponseId: string | null;
  /** When the provider holds the response continued: the deployment (account) that holds it. */
  previousDeployment?: string;
}

/**
 * Writes out the stored state a Responses request names, for any model:
 * - `previous_response_id`: the items of the chain it ends (each response's input, then its
 *   output), read from the gateway's store in one query, go before the input — unless the model's
 *   own provider holds that response (an OpenAI response continued on an OpenAI model), which then
 *   gets the id as sent;
 * - `item_reference` items: replaced by the organization's stored item — again unless the
 *   provider holds it — and a 404 when the organization stored no such item.
 * Items the gateway made (a translated model's answer) that go to OpenAI lose their ids and their
 * reasoning, which OpenAI never issued and cannot read. `conversation` stays refused: the gateway
 * keeps no conversations.
 */
export async function expandStoredState(
  body: ResponsesRequest,
  principal: AuthenticatedKey,
  responses: StoredResponses,
  target: { provider: string; native: boolean },
): Promise<ExpandedResponsesRequest> {
  if (body.conversation !== undefined && body.conversation !== null) throw GATEWAY_ERRORS.responsesReferenceRefused('conversation', 'conversation');
  const own = inputItemsOf(body.input);
  const previousResponseId = typeof body.previous_response_id === 'string' && body.previous_response_id !== '' ? body.previous_response_id : null;
  const heldByTarget = (holder: ResponseRecord['holder'], provider?: string) => target.native && holder === 'provider' && (provider === undefined || provider === target.provider);

  let chain: StoredResponseItem[] = [];
  let keepPrevious = false;
  let previousDeployment: string | undefined;
  if (previousResponseId) {
    const previous = await responses.find(previousResponseId, principal);
    if (!previous) throw GATEWAY_ERRORS.previousResponseNotFound(previousResponseId);
    if (heldByTarget(previous.holder, previous.provider)) {
      keepPrevious = true;
      previousDeployment = previous.deployment ?? undefined;
    } else chain = await responses.context(principal, previous.id);
  }

  const chainItems = chain.map((stored) => ({ item: parseItem(stored.item), holder: stored.holder }));
  const referenced = [...own, ...chainItems.map((entry) => entry.item)].flatMap((item) => (isReference(item) ? [String(item.id)] : []));
  if (referenced.length === 0 && chain.length === 0) return { body, ownInput: own, previousResponseId, previousDeployment };

  const stored = new Map((await responses.findItems(principal, referenced)).map((item) => [item.itemId, item]));
  const resolve = (item: ResponsesInputItem, param: string | undefined): { item: ResponsesInputItem; holder: ResponseRecord['holder'] | undefined; reference: boolean } => {
    if (!isReference(item)) return { item, holder: undefined, reference: false };
    const found = stored.get(String(item.id));
    if (!found) {
      if (param) throw GATEWAY_ERRORS.responseItemNotFound(String(item.id), param);
      return { item: { type: 'unresolved' }, holder: undefined, reference: true };
    }
    return { item: parseItem(found.item), holder: found.holder, reference: true };
  };
  const ownResolved = own.map((item, index) => ({ original: item, ...resolve(item, `input[${index}]`) }));
  const chainResolved = chainItems.map((entry) => {
    const resolved = resolve(entry.item, undefined);
    return { original: entry.item, ...resolved, holder: resolved.holder ?? entry.holder };
  });

  const sent: ResponsesInputItem[] = [];
  for (const entry of [...chainResolved, ...ownResolved]) {
    if (entry.item.type === 'unresolved') continue;
    // A reference the provider can resolve itself goes as sent; everything else as the item.
    if (entry.reference && entry.holder !== undefined && heldByTarget(entry.holder)) sent.push(entry.original);
    else if (entry.holder === 'gateway' && target.native) {
      const forProvider = withoutGatewayIdentity(entry.item);
      if (forProvider) sent.push(forProvider);
    } else sent.push(entry.item);
  }
  const expanded: ResponsesRequest = { ...body, input: sent };
  if (target.native && !keepPrevious) delete expanded.previous_response_id;
  return { body: expanded, ownInput: ownResolved.map((entry) => entry.item), previousResponseId, previousDeployment };
}

/** A request's `input` as items: a string is one user message. */
export function inputItemsOf(input: ResponsesRequest['input']): ResponsesInputItem[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  return Array.isArray(input) ? input : [];
}

function isReference(item: unknown): item is { type: 'item_reference'; id: unknown } {
  return item !== null && typeof item === 'object' && (item as { type?: unknown }).type === 'item_reference' && typeof (item as { id?: unknown }).id === 'string';
}

function parseItem(text: string): ResponsesInputItem {
  const parsed = parseJson<ResponsesInputItem>(text);
  return parsed.ok && parsed.value !== null && typeof parsed.value === 'object' ? parsed.value : { type: 'unresolved' };
}

/**
 * An item the gateway made, as input OpenAI reads: without the id OpenAI never issued (it would
 * look it up) or the status; reasoning the gateway relayed from another provider is dropped.
 */
function withoutGatewayIdentity(item: ResponsesInputItem): ResponsesInputItem | undefined {
  const type = (item as { type?: string }).type ?? 'message';
  if (type === 'reasoning') return undefined;
  const { id: _id, status: _status, ...rest } = item as Record<string, unknown>;
  return rest as ResponsesInputItem;
}

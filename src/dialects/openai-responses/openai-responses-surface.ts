import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import type { ResponseOwnership } from '../../gateway/response-ownership.ts';
import type { NativeExchange, StoredObject, Surface } from '../../gateway/surface.ts';
import { formatSseEvent } from '../../streaming/format-sse-event.ts';
import { countJsonTokens } from '../../usage/count-json-tokens.ts';
import { encodeOpenAIError } from '../openai-chat/encode-openai-error.ts';
import { addResponsesUsageCost } from './add-responses-usage-cost.ts';
import { decodeResponsesRequest } from './decode-responses-request.ts';
import { encodeResponsesResponse } from './encode-responses-response.ts';
import { newResponsesId } from './new-responses-id.ts';
import { readResponsesUsage } from './read-responses-usage.ts';
import { responsesOutputText } from './responses-output-text.ts';
import { responsesStreamErrorFields } from './responses-stream-error-fields.ts';
import type { ResponseObject, ResponsesRequest } from './responses-api.ts';
import { createResponsesStreamEncoder } from './responses-stream-encoder.ts';
import { createResponsesStreamTap } from './tap-responses-stream.ts';

const FINAL_STATUSES = new Set(['completed', 'incomplete', 'failed', 'cancelled']);

/**
 * OpenAI's Responses API. OpenAI models get the request passed through (background mode, polling
 * and cancel included), the owner of each created response remembered (`ownership`) so retrieve,
 * cancel and delete reach only the organization that created it and the provider that holds it;
 * every other model gets it translated to the hub request and a Response (or its event stream)
 * back. OpenAI's own 4xx bodies are relayed as written: Responses clients act on their codes
 * (`previous_response_not_found`).
 * @see https://platform.openai.com/docs/api-reference/responses
 */
export function createOpenAIResponsesSurface(ownership: ResponseOwnership): Surface<ResponsesRequest> {
  return {
    id: 'openai-responses',
    describe: (body) => ({ model: body.model, streamed: body.stream === true }),
    decode: (body) => decodeResponsesRequest(body, body.model),
    encoders: (body) => {
      const identity = { id: newResponsesId('resp'), createdAt: Math.floor(Date.now() / 1000), model: body.model, request: body };
      return {
        completion: (completion, usage, cost) => encodeResponsesResponse(completion, { ...identity, usage, cost }),
        stream: () => createResponsesStreamEncoder(identity),
      };
    },
    encodeError: encodeOpenAIError,
    native: {
      async check({ body, principal }, model) {
        refuseUnverifiableReferences(body);
        if (!body.previous_response_id) return;
        const previous = await ownership.find(body.previous_response_id, principal);
        if (!previous || previous.provider !== model.provider) throw GATEWAY_ERRORS.previousResponseNotFound(body.previous_response_id);
      },
      request: ({ body }, model) => ({
        method: 'POST',
        path: '/responses',
        body: JSON.stringify(body.model === model.upstreamId ? body : { ...body, model: model.upstreamId }),
        headers: { 'content-type': 'application/json' },
      }),
      exchange: ({ body, principal }, model) => ({
        ...responsesExchange,
        onCreated: (id, background) => {
          const createdAt = Date.now();
          // A foreground response's tokens are recorded by this very request; a background one's by the first poll that sees it finish.
          ownership.record({ id, organizationId: principal.organizationId, apiKeyId: principal.id, provider: model.provider, model: body.model, createdAt, usageRecordedAt: background ? null : createdAt });
        },
        claimUsage: async (id, background) => id !== undefined && (!background || (await ownership.claimUsage(id))),
        estimatePrompt: () => countJsonTokens({ instructions: body.instructions, input: body.input, tools: body.tools }),
      }),
    },
    stored: {
      // @see https://platform.openai.com/docs/api-reference/responses/get (and /cancel, /delete)
      operations: [
        { method: 'GET', suffix: '' },
        { method: 'POST', suffix: '/cancel' },
        { method: 'DELETE', suffix: '' },
      ],
      find: (id, principal) => ownership.find(id, principal),
      notFound: (id) => GATEWAY_ERRORS.responseNotFound(id),
      streamed: (query) => /[?&]stream=true\b/.test(query),
      request: (operation, object: StoredObject) => ({ method: operation.method, path: `/responses/${encodeURIComponent(object.id)}${operation.suffix}${operation.query}`, headers: {} }),
      exchange: () => ({ ...responsesExchange, claimUsage: async (id) => id !== undefined && (await ownership.claimUsage(id)) }),
    },
  };
}

/** What every relayed Responses answer shares: how its errors, usage and cost read. */
const responsesExchange: Pick<NativeExchange, 'errors' | 'readError' | 'readAnswer' | 'addCost' | 'createStreamTap' | 'encodeStreamError'> = {
  errors: 'relay',
  readError: (body) => {
    const error = (body as { error?: { message?: unknown; param?: unknown; code?: unknown } }).error;
    if (!error || typeof error !== 'object') return {};
    return {
      message: typeof error.message === 'string' ? error.message : undefined,
      param: typeof error.param === 'string' ? error.param : null,
      code: typeof error.code === 'string' ? error.code : null,
    };
  },
  readAnswer: (text) => {
    const parsed = parseJson<Partial<ResponseObject>>(text);
    const response = parsed.ok && parsed.value !== null && typeof parsed.value === 'object' ? parsed.value : undefined;
    const objectId = typeof response?.id === 'string' ? response.id : undefined;
    const finished = objectId !== undefined && FINAL_STATUSES.has(String(response?.status));
    return {
      objectId,
      background: response?.background === true,
      usage: finished && response?.usage ? readResponsesUsage(response.usage) : undefined,
      finished,
      outputText: () => responsesOutputText(response),
    };
  },
  addCost: addResponsesUsageCost,
  createStreamTap: createResponsesStreamTap,
  encodeStreamError: (error) => formatSseEvent(JSON.stringify({ type: 'error', ...responsesStreamErrorFields(error) }), 'error'),
};

/**
 * Conversations and item references name state stored under the gateway's own provider account,
 * which the gateway cannot tie to an organization: refused, so no tenant reads another's items.
 */
function refuseUnverifiableReferences(body: ResponsesRequest): void {
  if (body.conversation !== undefined && body.conversation !== null) throw GATEWAY_ERRORS.responsesReferenceRefused('conversation', 'conversation');
  if (!Array.isArray(body.input)) return;
  const index = body.input.findIndex((item) => (item as { type?: string } | null)?.type === 'item_reference');
  if (index >= 0) throw GATEWAY_ERRORS.responsesReferenceRefused('item_reference input items', `input[${index}]`);
}

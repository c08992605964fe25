import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import type { StoredResponses } from '../../gateway/stored-responses.ts';
import type { NativeExchange, StoredObject, Surface } from '../../gateway/surface.ts';
import { formatSseEvent } from '../../streaming/format-sse-event.ts';
import { countJsonTokens } from '../../usage/count-json-tokens.ts';
import { encodeOpenAIError } from '../openai-chat/encode-openai-error.ts';
import { addResponsesUsageCost } from './add-responses-usage-cost.ts';
import { answerHeldResponse, RUNNING_STATUSES } from './answer-held-response.ts';
import { startBackgroundRun } from './start-background-run.ts';
import { decodeResponsesRequest } from './decode-responses-request.ts';
import { encodeResponsesResponse } from './encode-responses-response.ts';
import { expandStoredState, inputItemsOf, type ExpandedResponsesRequest } from './expand-stored-state.ts';
import { newResponsesId } from './new-responses-id.ts';
import { readResponsesUsage } from './read-responses-usage.ts';
import { responsesOutputText } from './responses-output-text.ts';
import { responsesStreamErrorFields } from './responses-stream-error-fields.ts';
import { storedResponseItems } from './stored-response-items.ts';
import type { ResponseObject, ResponsesRequest } from './responses-api.ts';
import { createResponsesStreamEncoder } from './responses-stream-encoder.ts';
import { createResponsesStreamTap } from './tap-responses-stream.ts';

const FINAL_STATUSES = new Set(['completed', 'incomplete', 'failed', 'cancelled']);

/**
 * OpenAI's Responses API, with its stored state for every model. OpenAI models get the request
 * passed through (background mode, polling and cancel included); every other model gets it
 * translated to the hub request and a Response (or its event stream) back. Either way the gateway
 * stores each stored response's input and output items (stored-responses.ts), so
 * `previous_response_id` and `item_reference` work on any model and across a switch of model
 * (expand-stored-state.ts), and retrieve, input items and delete reach only the organization that
 * created the response — at its provider, or from the gateway's store for a translated one.
 * OpenAI's own 4xx bodies are relayed as written: Responses clients act on their codes
 * (`previous_response_not_found`).
 * @see https://platform.openai.com/docs/api-reference/responses
 */
export function createOpenAIResponsesSurface(responses: StoredResponses): Surface<ResponsesRequest> {
  /** Each prepared body → what it stores: its own input (references resolved) and the response it continues. */
  const expansions = new WeakMap<ResponsesRequest, ExpandedResponsesRequest>();
  /** Each background run's body → the response it fills in. */
  const runs = new WeakMap<ResponsesRequest, { id: string; createdAt: number }>();
  const expansionOf = (body: ResponsesRequest) =>
    expansions.get(body) ?? { body, ownInput: inputItemsOf(body.input), previousResponseId: typeof body.previous_response_id === 'string' ? body.previous_response_id : null };

  return {
    id: 'openai-responses',
    describe: (body) => ({ model: body.model, streamed: body.stream === true }),
    async prepare(call, model, native) {
      if (runs.has(call.body)) return call; // a background run's request was written out when it was accepted
      const expanded = await expandStoredState(call.body, call.principal, responses, { provider: model.provider, native });
      expansions.set(expanded.body, expanded);
      return expanded.body === call.body ? call : { ...call, body: expanded.body };
    },
    decode: (body) => decodeResponsesRequest(body, body.model),
    detach(call, model) {
      if (call.body.background !== true) return undefined;
      if (call.body.store === false) throw GATEWAY_ERRORS.backgroundNeedsStore();
      return startBackgroundRun(call, model, { responses, expansion: expansionOf(call.body), runs, expansions });
    },
    encoders: ({ body, principal }, model) => {
      const run = runs.get(body);
      const identity = { id: run?.id ?? newResponsesId('resp'), createdAt: run?.createdAt ?? Math.floor(Date.now() / 1000), model: body.model, request: body, background: run !== undefined };
      const { ownInput, previousResponseId } = expansionOf(body);
      const store = (response: ResponseObject) => {
        if (body.store === false) return;
        const now = Date.now();
        if (run) {
          // A background run fills in its queued response, unless it was cancelled meanwhile.
          void responses
            .update(response.id, { status: response.status, body: JSON.stringify(response), usageRecordedAt: now }, RUNNING_STATUSES)
            .then((updated) => updated && responses.addItems(response.id, principal.organizationId, storedResponseItems([], response.output).filter((item) => item.kind === 'output')))
            .catch(() => undefined);
          return;
        }
        responses.record(
          { id: response.id, organizationId: principal.organizationId, apiKeyId: principal.id, provider: model.provider, model: body.model, createdAt: now, usageRecordedAt: now, holder: 'gateway', previousResponseId, status: response.status, body: JSON.stringify(response), heartbeatAt: null },
          storedResponseItems(ownInput, response.output),
        );
      };
      return {
        completion: (completion, usage, cost) => {
          const response = encodeResponsesResponse(completion, { ...identity, usage, cost });
          store(response);
          return response;
        },
        stream: () => createResponsesStreamEncoder(identity, store),
      };
    },
    encodeError: encodeOpenAIError,
    native: {
      request: ({ body }, model) => {
        // Continuing a response its provider holds: asked of the deployment (account) that holds it.
        const deployment = expansions.get(body)?.previousDeployment;
        return {
          method: 'POST',
          path: '/responses',
          body: JSON.stringify(body.model === model.upstreamId ? body : { ...body, model: model.upstreamId }),
          headers: { 'content-type': 'application/json' },
          ...(deployment ? { deployment } : {}),
        };
      },
      exchange: ({ body, principal }, model) => {
        const { ownInput, previousResponseId } = expansionOf(body);
        const stored = body.store !== false;
        return {
          ...responsesExchange,
          onCreated: (id, background, deployment) => {
            const createdAt = Date.now();
            // A foreground response's tokens are recorded by this very request; a background one's by the first poll that sees it finish.
            responses.record(
              { id, organizationId: principal.organizationId, apiKeyId: principal.id, provider: model.provider, model: body.model, createdAt, usageRecordedAt: background ? null : createdAt, holder: 'provider', previousResponseId, status: null, body: null, heartbeatAt: null, deployment: deployment ?? null },
              stored ? storedResponseItems(ownInput, []) : [],
            );
          },
          onFinished: (object) => {
            const response = object as Partial<ResponseObject> | null;
            if (stored && typeof response?.id === 'string' && Array.isArray(response.output)) {
              responses.addItems(response.id, principal.organizationId, storedResponseItems([], response.output).filter((item) => item.kind === 'output'));
            }
          },
          claimUsage: async (id, background) => id !== undefined && (!background || (await responses.claimUsage(id))),
          estimatePrompt: () => countJsonTokens({ instructions: body.instructions, input: body.input, tools: body.tools }),
        };
      },
    },
    stored: {
      // @see https://platform.openai.com/docs/api-reference/responses/get (and /input-items, /cancel, /delete)
      operations: [
        { method: 'GET', suffix: '' },
        { method: 'GET', suffix: '/input_items' },
        { method: 'POST', suffix: '/cancel' },
        { method: 'DELETE', suffix: '' },
      ],
      find: (id, principal) => responses.find(id, principal),
      notFound: (id) => GATEWAY_ERRORS.responseNotFound(id),
      streamed: (query) => /[?&]stream=true\b/.test(query),
      request: (operation, object: StoredObject) => ({
        method: operation.method,
        path: `/responses/${encodeURIComponent(object.id)}${operation.suffix}${operation.query}`,
        headers: {},
        ...(object.deployment ? { deployment: object.deployment } : {}),
      }),
      exchange: (object) => ({
        ...responsesExchange,
        claimUsage: async (id) => id !== undefined && (await responses.claimUsage(id)),
        // A background response's output, seen finished by a poll (stored once: items are keyed by position).
        onFinished: (finished) => {
          const response = finished as Partial<ResponseObject> | null;
          if (response?.id === object.id && Array.isArray(response.output)) {
            responses.addItems(object.id, object.organizationId, storedResponseItems([], response.output).filter((item) => item.kind === 'output'));
          }
        },
      }),
      answerHeld: (operation, object, principal) => answerHeldResponse(responses, operation, object, principal),
      onDeleted: (object) => responses.delete(object.id),
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
  readAnswer: (answer) => {
    const response = answer !== null && typeof answer === 'object' ? (answer as Partial<ResponseObject>) : undefined;
    const objectId = typeof response?.id === 'string' ? response.id : undefined;
    const finished = objectId !== undefined && FINAL_STATUSES.has(String(response?.status));
    return {
      objectId,
      background: response?.background === true,
      usage: finished && response?.usage ? readResponsesUsage(response.usage) : undefined,
      finished,
      outputText: () => responsesOutputText(response),
      object: response,
    };
  },
  addCost: addResponsesUsageCost,
  createStreamTap: createResponsesStreamTap,
  encodeStreamError: (error) => formatSseEvent(JSON.stringify({ type: 'error', ...responsesStreamErrorFields(error) }), 'error'),
};

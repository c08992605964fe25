import type { CatalogModel } from '../../catalog/catalog-model.ts';
import { GATEWAY_ERRORS, GatewayError } from '../../core/gateway-error.ts';
import type { StoredResponses } from '../../gateway/stored-responses.ts';
import type { DetachedRun, ModelCall } from '../../gateway/surface.ts';
import { RUNNING_STATUSES } from './answer-held-response.ts';
import { buildResponseObject } from './build-response-object.ts';
import type { ExpandedResponsesRequest } from './expand-stored-state.ts';
import { newResponsesId } from './new-responses-id.ts';
import type { ResponseObject, ResponsesRequest } from './responses-api.ts';
import { storedResponseItems } from './stored-response-items.ts';

/** How often a running background response shows it is alive, and looks whether it was cancelled. */
export const BACKGROUND_HEARTBEAT_MS = 1_000;

/**
 * Starts a background response of a translated model: stored at once as `queued` (then
 * `in_progress`) and answered so; the run itself is the same request without `background`, served
 * by the pipeline with no client and billed when it ends, whether or not anyone polls. Every second
 * the run stamps its heartbeat, and stops (the provider call aborted) once the response is no longer
 * running: cancelled or deleted, from any instance. A run that fails leaves the response `failed`
 * with the reason; one whose instance died is failed by the stalled-run sweep (stored-responses.ts).
 * @see https://platform.openai.com/docs/guides/background
 */
export function startBackgroundRun(
  call: ModelCall<ResponsesRequest>,
  model: CatalogModel,
  state: {
    responses: StoredResponses;
    expansion: ExpandedResponsesRequest;
    runs: WeakMap<ResponsesRequest, { id: string; createdAt: number }>;
    expansions: WeakMap<ResponsesRequest, ExpandedResponsesRequest>;
  },
): DetachedRun<ResponsesRequest> {
  const { body, principal } = call;
  const { responses } = state;
  const id = newResponsesId('resp');
  const createdAt = Math.floor(Date.now() / 1000);
  const response = (status: ResponseObject['status'], error?: ResponseObject['error']) =>
    buildResponseObject({ id, createdAt, model: body.model, request: body, background: true, status, output: [], usage: null, error });
  const queued = response('queued');

  const runBody: ResponsesRequest = { ...body, background: false, stream: false };
  state.runs.set(runBody, { id, createdAt });
  state.expansions.set(runBody, state.expansion);
  const now = Date.now();
  responses.record(
    { id, organizationId: principal.organizationId, apiKeyId: principal.id, provider: model.provider, model: body.model, createdAt: now, usageRecordedAt: null, holder: 'gateway', previousResponseId: state.expansion.previousResponseId, status: 'queued', body: JSON.stringify(queued), heartbeatAt: now },
    storedResponseItems(state.expansion.ownInput, []),
  );
  void responses.update(id, { status: 'in_progress', body: JSON.stringify(response('in_progress')) }, ['queued']).catch(() => undefined);

  const controller = new AbortController();
  const heartbeat = setInterval(() => {
    responses
      .update(id, { heartbeatAt: Date.now() }, RUNNING_STATUSES)
      .then((running) => running || controller.abort(GATEWAY_ERRORS.backgroundRunCancelled(id)))
      .catch(() => undefined); // the store is down: the run goes on, the next beat tries again
  }, BACKGROUND_HEARTBEAT_MS);
  heartbeat.unref();

  return {
    accepted: { status: 200, contentType: 'application/json', body: JSON.stringify(queued) },
    call: { ...call, body: runBody },
    signal: controller.signal,
    async ended(error) {
      clearInterval(heartbeat);
      if (error === undefined) return; // the encoder stored the finished response
      const reason = error instanceof GatewayError ? { code: error.code, message: error.message } : { code: 'server_error', message: 'The background response failed inside the gateway.' };
      await responses.update(id, { status: 'failed', body: JSON.stringify(response('failed', reason)) }, RUNNING_STATUSES);
    },
  };
}

/** A stored response's body as failed with `error` (a run whose instance stopped). */
export function failedResponseBody(body: string | null, error: { code: string; message: string }): string | null {
  if (body === null) return null;
  try {
    return JSON.stringify({ ...(JSON.parse(body) as object), status: 'failed', error });
  } catch {
    return null;
  }
}

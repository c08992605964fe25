import { GATEWAY_ERRORS, GatewayError } from '../core/gateway-error.ts';
import { parseJson } from '../core/parse-json.ts';
import type { TrackedRequest } from '../metering/track-request.ts';
import { mapUpstreamError } from '../providers/map-upstream-error.ts';
import type { ProviderAdapter } from '../providers/provider-adapter.ts';
import { readUpstreamText, type UpstreamResponse } from '../providers/upstream-client.ts';
import { relayRawStream } from '../streaming/relay-raw-stream.ts';
import { estimateAbortedUsage } from '../usage/estimate-aborted-usage.ts';
import type { ClientConnection, WholeAnswer } from './client-connection.ts';
import type { NativeExchange } from './surface.ts';
import { readRetryAfter } from '../providers/read-retry-after.ts';

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * The encode and settle phases of a pass-through (the native relay, beside the translated one in
 * answer-translated-chat.ts): the provider's answer goes to the client as it came — a JSON body
 * with its status, or the event stream chunk by chunk, parsed on the side by the surface's tap and
 * never rebuilt; only the usage gets the gateway's `cost` added (the JSON's, or the event that
 * carries the final usage). Provider errors are mapped, or relayed as written (`exchange.errors`).
 */
export async function relayNativeAnswer(
  connection: ClientConnection,
  tracked: TrackedRequest,
  adapter: ProviderAdapter,
  upstream: UpstreamResponse,
  exchange: NativeExchange,
  /** Whether a refusal the surface would relay as written goes to the next model instead (the model's `fallbackOn`). */
  refusalFailsOver?: (error: GatewayError) => boolean,
): Promise<WholeAnswer | undefined> {
  if (upstream.status >= 400) return answerFailure(connection, tracked, adapter, upstream, exchange, refusalFailsOver);
  const contentType = String(upstream.headers['content-type'] ?? '');
  const passedHeaders = exchange.passHeaders?.(upstream.headers) ?? {};
  const claim = (objectId: string | undefined, background: boolean) => exchange.claimUsage?.(objectId, background) ?? Promise.resolve(true);

  if (contentType.includes('text/event-stream')) {
    const tap = exchange.createStreamTap();
    const outcome = await relayRawStream({
      response: connection.openStream(passedHeaders),
      body: upstream.body,
      maxEventBytes: upstream.maxBytes,
      onEvent: (event) => {
        if (tap.observe(event) === 'created') exchange.onCreated?.(tap.objectId!, tap.background === true, upstream.deployment);
      },
      rewrite: (event) => tap.rewrite(event, (usage) => tracked.price(usage)),
      failureEvent: () => exchange.encodeStreamError(stopReason(connection) ?? GATEWAY_ERRORS.upstreamStreamInterrupted(adapter.descriptor.id, 'the connection closed before the answer finished')),
    });
    const background = tap.background === true;
    const reported = tap.usage();
    if (tap.complete(outcome) && tap.finalObject !== undefined) exchange.onFinished?.(tap.finalObject);
    let usage;
    if (tap.complete(outcome) && reported) {
      usage = (await claim(tap.objectId, background)) ? reported : undefined;
    } else if (!background && exchange.estimatePrompt) {
      // Ended early, or whole without usage: billed for what was relayed. A background response runs on; a poll bills it.
      usage = estimateAbortedUsage(reported, tap.relayedOutput(), exchange.estimatePrompt);
    }
    const stopped = outcome === 'failed' ? stopReason(connection) : undefined;
    tracked.finish(tap.failure?.status ?? stopped?.status ?? (outcome === 'completed' ? 200 : outcome === 'client_aborted' ? 499 : 502), {
      usage,
      usageEstimated: usage !== undefined && reported === undefined,
      errorCode: tap.failure?.code ?? stopped?.code ?? (outcome === 'failed' ? 'upstream_stream_interrupted' : undefined),
      timeToFirstTokenMs: tap.firstOutputAt === undefined ? undefined : tap.firstOutputAt - tracked.startedAt,
    });
    return undefined;
  }

  const text = await readUpstreamText(adapter.descriptor.id, upstream, connection.signal);
  // A JSON answer that does not parse (cut off, garbled) is the provider's failure, as on translated
  // routes: a 502 in the surface's envelope, never a 200 the client's SDK cannot read.
  const parsed = parseJson(text);
  if ((contentType === '' || /json/i.test(contentType)) && !parsed.ok) throw GATEWAY_ERRORS.upstreamStreamInterrupted(adapter.descriptor.id, 'the response is not valid JSON');
  const answer = exchange.readAnswer(parsed.ok ? parsed.value : undefined);
  const background = answer.background === true;
  if (answer.objectId !== undefined) exchange.onCreated?.(answer.objectId, background, upstream.deployment);
  if (answer.finished === true && answer.object !== undefined) exchange.onFinished?.(answer.object);
  // A finished answer without usage is billed for what it carries, estimated and flagged, never for nothing.
  const estimable = answer.usage === undefined && answer.finished === true && exchange.estimatePrompt !== undefined && answer.outputText !== undefined;
  const claimed = (answer.usage !== undefined || estimable) && (await claim(answer.objectId, background));
  const usage = !claimed ? undefined : (answer.usage ?? estimateAbortedUsage(undefined, answer.outputText!(), exchange.estimatePrompt!));
  const cost = tracked.finish(upstream.status, { usage, usageEstimated: claimed && answer.usage === undefined, timeToFirstTokenMs: performance.now() - tracked.startedAt });
  return {
    status: upstream.status,
    headers: passedHeaders,
    contentType: contentType || 'application/json',
    body: (claimed && exchange.addCost(text, cost)) || text,
  };
}

/**
 * A provider's refusal. With `errors: 'relay'`, the provider's 4xx reaches the client as written
 * (its codes included: clients act on them), without the gateway's key; rejected credentials,
 * provider failures and unreadable bodies become the gateway's own errors, as on every route.
 */
async function answerFailure(
  connection: ClientConnection,
  tracked: TrackedRequest,
  adapter: ProviderAdapter,
  upstream: UpstreamResponse,
  exchange: NativeExchange,
  refusalFailsOver: ((error: GatewayError) => boolean) | undefined,
): Promise<WholeAnswer> {
  const provider = adapter.descriptor.id;
  const text = adapter.scrub(await readUpstreamText(provider, upstream, connection.signal, MAX_ERROR_BODY_BYTES).catch(() => ''));
  const parsed = parseJson(text);
  const error = parsed.ok && parsed.value !== null && typeof parsed.value === 'object' ? exchange.readError(parsed.value) : {};
  const retryAfter = readRetryAfter(upstream.headers, upstream.status);
  const mapped = mapUpstreamError({ provider, status: upstream.status, message: error.message, param: error.param, rawBody: text, retryAfter, secrets: [] });
  const relayed = exchange.errors === 'relay' && upstream.status < 500 && upstream.status !== 401 && upstream.status !== 403 && typeof error.message === 'string';
  if (!relayed || refusalFailsOver?.(mapped)) throw mapped;
  tracked.finish(upstream.status, { errorCode: typeof error.code === 'string' ? error.code : 'upstream_invalid_request' });
  return { status: upstream.status, headers: retryAfter ? { 'retry-after': retryAfter } : {}, contentType: 'application/json', body: text };
}

/** Why the gateway itself stopped the request (its deadline, a shutdown), when it did. */
function stopReason(connection: ClientConnection): GatewayError | undefined {
  const reason: unknown = connection.signal.reason;
  return connection.signal.aborted && reason instanceof GatewayError ? reason : undefined;
}

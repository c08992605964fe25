import { Readable } from 'node:stream';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { asRetryable, GATEWAY_ERRORS, type GatewayError } from '../core/gateway-error.ts';
import { parseJson } from '../core/parse-json.ts';
import { Utf8StreamDecoder } from '../streaming/utf8-stream-decoder.ts';
import { isTransientErrorType } from './is-transient-status.ts';
import { discard, toGatewayTransportError, type UpstreamResponse } from './upstream-client.ts';

/**
 * A passed-through event stream whose first event has arrived, so a stream that fails before it
 * is a failure before any byte reached the client (retried, failed over) rather than a committed
 * 200 that ends at once. Throws a retryable GatewayError when the body ends, breaks or goes idle
 * before its first event, or when that event is a transient error (Anthropic's `overloaded_error`,
 * OpenAI's `server_error`, Google's `INTERNAL` or `UNAVAILABLE`); any other first event — a refusal included — is relayed as sent. The
 * bytes read are put back into the body (`unshift`), so the relay reads it whole, at no cost per
 * chunk. A cancelled request (the client left, its deadline, a shutdown) stays what it is: never
 * a failure of the deployment. Anything else (JSON, an error status) is left as it is.
 */
export async function peekFirstEvent(response: UpstreamResponse, provider: string, signal: AbortSignal): Promise<UpstreamResponse> {
  if (response.status !== 200 || !String(response.headers['content-type'] ?? '').includes('text/event-stream')) return response;
  const body = response.body;
  const read: Buffer[] = [];
  let size = 0;
  let first: EventSourceMessage | undefined;
  const parser = createParser({ onEvent: (event) => (first ??= event) });
  const decoder = new Utf8StreamDecoder();
  for (;;) {
    let chunk: Buffer | null;
    try {
      chunk = await nextChunk(body);
    } catch (error) {
      if (signal.aborted) throw error;
      throw asRetryable(toGatewayTransportError(provider, error, signal));
    }
    if (chunk === null) {
      if (size === 0) throw asRetryable(GATEWAY_ERRORS.upstreamStreamInterrupted(provider, 'the stream ended before its first event'));
      // The whole stream came without a blank line after its last event, which still counts (as in read-sse-events.ts).
      parser.feed(`${decoder.end()}\n\n`);
      const failure = first && transientErrorEvent(first, provider);
      if (failure) throw failure;
      return { ...response, body: bodyOf(Buffer.concat(read)) };
    }
    read.push(chunk);
    size += chunk.length;
    parser.feed(decoder.write(chunk));
    if (!first && size < response.maxBytes) continue;
    const failure = first && transientErrorEvent(first, provider);
    if (failure) {
      discard(response);
      throw failure;
    }
    // Put back synchronously, before an end the last read may have scheduled is emitted: the relay reads the body from its start.
    body.unshift(Buffer.concat(read));
    return response;
  }
}

/** The next chunk of a paused body, or null at its end; rejects when it fails or closes early. */
async function nextChunk(body: Readable): Promise<Buffer | null> {
  for (;;) {
    const chunk = body.read() as Buffer | null;
    if (chunk !== null) return chunk;
    if (body.readableEnded) return null;
    if (body.destroyed) throw body.errored ?? new Error('the stream closed before its first event');
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        body.off('readable', onReady).off('end', onReady).off('close', onReady).off('error', settle);
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => settle();
      body.once('readable', onReady).once('end', onReady).once('close', onReady).once('error', settle);
    });
  }
}

/** The GatewayError a first event that reports a transient provider failure stands for. */
function transientErrorEvent(event: EventSourceMessage, provider: string): GatewayError | undefined {
  const parsed = parseJson<{ type?: unknown; error?: { type?: unknown; code?: unknown; status?: unknown }; code?: unknown }>(event.data);
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object') return undefined;
  const { error } = parsed.value;
  // Google's stream error is an unnamed event whose data is `{"error": {"code", "message", "status"}}`.
  const googleStatus = typeof error === 'object' && error !== null && typeof error.code === 'number' && typeof error.status === 'string' ? error.status : undefined;
  if (parsed.value.type !== 'error' && event.event !== 'error' && googleStatus === undefined) return undefined;
  const kind = String(error?.type ?? googleStatus ?? parsed.value.code ?? '');
  if (!isTransientErrorType(kind)) return undefined;
  if (/overloaded/i.test(kind)) return GATEWAY_ERRORS.upstreamOverloaded(provider);
  return asRetryable(GATEWAY_ERRORS.upstreamStreamInterrupted(provider, `its first event was an error (${kind})`));
}

/** A body that already ended, made again from its bytes for the relay. */
function bodyOf(bytes: Buffer): UpstreamResponse['body'] {
  const body = Readable.from([bytes]);
  return Object.assign(body, { dump: async () => void body.destroy() }) as unknown as UpstreamResponse['body'];
}

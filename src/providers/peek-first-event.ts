import type { Readable } from 'node:stream';
import { asRetryable, GATEWAY_ERRORS, type GatewayError } from '../core/gateway-error.ts';
import { parseJson } from '../core/parse-json.ts';
import { discard, toGatewayTransportError, type UpstreamResponse } from './upstream-client.ts';

/** Error types of a first stream event that mean "the provider failed", not "the request is wrong": Anthropic's and OpenAI's words. */
const TRANSIENT_ERROR_TYPE = /overloaded|api_error|server_error|internal|timeout|unavailable/i;

/**
 * A passed-through event stream whose first event has arrived, so a stream that fails before it
 * is a failure before any byte reached the client (retried, failed over) rather than a committed
 * 200 that ends at once. Throws a retryable GatewayError when the body ends, breaks or goes idle
 * before its first event, or when that event is a transient error (Anthropic's `overloaded_error`,
 * OpenAI's `server_error`); any other first event — a refusal included — is relayed as sent. The
 * bytes read are put back into the body (`unshift`), so the relay reads it whole, at no cost per
 * chunk. Anything else (JSON, an error status) is left as it is.
 */
export async function peekFirstEvent(response: UpstreamResponse, provider: string, signal: AbortSignal): Promise<UpstreamResponse> {
  if (response.status !== 200 || !String(response.headers['content-type'] ?? '').includes('text/event-stream')) return response;
  const body = response.body;
  const read: Buffer[] = [];
  let size = 0;
  for (;;) {
    let chunk: Buffer | null;
    try {
      chunk = await nextChunk(body);
    } catch (error) {
      throw asRetryable(toGatewayTransportError(provider, error, signal));
    }
    if (chunk === null) throw asRetryable(GATEWAY_ERRORS.upstreamStreamInterrupted(provider, 'the stream ended before its first event'));
    read.push(chunk);
    size += chunk.length;
    const text = Buffer.concat(read).toString('utf8');
    const end = text.search(/\r?\n\r?\n/);
    if (end === -1 && size < response.maxBytes) continue;
    const failure = end === -1 ? undefined : transientErrorEvent(text.slice(0, end), provider);
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
function transientErrorEvent(event: string, provider: string): GatewayError | undefined {
  const data = event
    .split(/\r?\n/)
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trimStart())
    .join('\n');
  const parsed = parseJson<{ type?: unknown; error?: { type?: unknown; message?: unknown }; code?: unknown; message?: unknown }>(data);
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object' || parsed.value.type !== 'error') return undefined;
  const kind = String(parsed.value.error?.type ?? parsed.value.code ?? '');
  if (!TRANSIENT_ERROR_TYPE.test(kind)) return undefined;
  if (/overloaded/i.test(kind)) return GATEWAY_ERRORS.upstreamOverloaded(provider);
  return asRetryable(GATEWAY_ERRORS.upstreamStreamInterrupted(provider, `its first event was an error (${kind})`));
}

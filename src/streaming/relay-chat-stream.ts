import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { ChatCompletionChunk, ChatUsage } from '../core/chat-types.ts';
import { GATEWAY_ERRORS, GatewayError } from '../core/gateway-error.ts';
import type { TokenUsage } from '../core/usage.ts';
import type { ChatStreamEvent } from '../core/chat-types.ts';
import type { ChatStreamEncoder } from './chat-stream-encoder.ts';

export interface RelayOutcome {
  status: 'completed' | 'failed' | 'client_aborted';
  error?: GatewayError;
  /** The last usage the provider reported, whether or not the client saw it. */
  usage?: TokenUsage;
  /** Milliseconds from `startedAt` to the first chunk that carried output. */
  timeToFirstTokenMs?: number;
  /** The output text the client was sent (content, reasoning, tool names and arguments): what a stream that ends early is billed for. */
  relayedOutput: string;
}

/**
 * Relays a hub chat stream to the client chunk by chunk, in the client's surface (the encoder),
 * with backpressure. On the way it taps the usage — the gateway always asks the provider for it —
 * times the first token and keeps the output it relayed, and prices the final usage for the
 * surface's closing event. A failure after the first byte becomes the surface's error event and
 * a clean close; a client that goes away ends the relay (and, through the request's abort signal,
 * the provider call).
 */
export async function relayChatStream(options: {
  response: ServerResponse;
  first: IteratorResult<ChatStreamEvent>;
  events: AsyncIterator<ChatStreamEvent>;
  encoder: ChatStreamEncoder;
  startedAt: number;
  readUsage: (usage: ChatUsage | null | undefined) => TokenUsage | undefined;
  /** Micro-credits a usage costs. */
  price: (usage: TokenUsage) => number;
}): Promise<RelayOutcome> {
  const { response, events, encoder } = options;
  const outcome: RelayOutcome = { status: 'completed', relayedOutput: '' };
  let next = options.first;
  try {
    while (!next.done) {
      const event = next.value;
      // A plain text delta (chat-types.ts) is relayed without being parsed: it carries no usage, and its text is known.
      const { plainText } = event;
      const usage = plainText === undefined ? options.readUsage(event.chunk.usage) : undefined;
      if (usage) outcome.usage = usage;
      if (outcome.timeToFirstTokenMs === undefined && (plainText === undefined ? carriesOutput(event.chunk) : plainText !== '')) outcome.timeToFirstTokenMs = performance.now() - options.startedAt;
      let written = write(response, encoder.chunk(event, usage));
      if (typeof written !== 'boolean') written = await written;
      if (!written) {
        outcome.status = 'client_aborted';
        await events.return?.();
        return outcome;
      }
      outcome.relayedOutput += plainText ?? outputText(event.chunk);
      next = await events.next();
    }
    await write(response, encoder.end(outcome.usage, outcome.usage ? options.price(outcome.usage) : undefined));
  } catch (error) {
    if (response.destroyed || response.writableEnded) {
      outcome.status = 'client_aborted';
      return outcome;
    }
    outcome.status = 'failed';
    outcome.error = error instanceof GatewayError ? error : GATEWAY_ERRORS.internal();
    await write(response, encoder.error(outcome.error));
  }
  response.end();
  return outcome;
}

function carriesOutput(chunk: ChatCompletionChunk): boolean {
  return Array.isArray(chunk.choices) && chunk.choices.some((choice) => {
    const delta = choice?.delta;
    return Boolean(delta && (delta.content || delta.tool_calls?.length || delta.reasoning_content || delta.refusal));
  });
}

/** The text a chunk carries to the client, concatenated; tokens are counted only if the stream ends early. */
function outputText(chunk: ChatCompletionChunk): string {
  if (!Array.isArray(chunk.choices)) return '';
  let text = '';
  for (const choice of chunk.choices) {
    const delta = choice?.delta;
    if (!delta) continue;
    if (typeof delta.content === 'string') text += delta.content;
    if (typeof delta.reasoning_content === 'string') text += delta.reasoning_content;
    if (typeof delta.refusal === 'string') text += delta.refusal;
    for (const call of delta.tool_calls ?? []) text += (call.function?.name ?? '') + (call.function?.arguments ?? '');
  }
  return text;
}

/**
 * Writes with backpressure; false when the client is gone. Empty text writes nothing. Answers at
 * once while the client keeps up (no promise per event), a promise only when it must wait for a drain.
 */
export function write(response: ServerResponse, data: string | Uint8Array): boolean | Promise<boolean> {
  if (response.destroyed || response.writableEnded) return false;
  if (data.length === 0) return true;
  // The events one provider read brings are written together: corked until the work queued now is
  // done, then one system call (a write per event cost a tenth of a stream's time).
  if (response.writableCorked === 0) {
    response.cork();
    process.nextTick(uncork, response);
  }
  if (response.write(data)) return true;
  return drained(response);
}

async function drained(response: ServerResponse): Promise<boolean> {
  const [event] = await Promise.race([once(response, 'drain').then(() => ['drain']), once(response, 'close').then(() => ['close'])]);
  return event === 'drain' && !response.destroyed;
}

function uncork(response: ServerResponse): void {
  response.uncork();
}

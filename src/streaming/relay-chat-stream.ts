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
  endStream(response);
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

/** Text written by `write` and not yet handed to the response: sent at the end of the turn, or by `endStream`. */
const HELD = Symbol('switchyard.heldText');
type HoldingResponse = ServerResponse & { [HELD]?: string };

/**
 * Writes with backpressure; false when the client is gone. Empty text writes nothing. Answers at
 * once while the client keeps up (no promise per event), a promise only when it must wait for a drain.
 * The texts written in one turn of the event loop (the events of one provider read) are joined and
 * handed to the response once, at the end of the turn: a `response.write` per event, even corked,
 * cost about 2 µs each (the chunk bookkeeping, then one socket write per piece). End a stream
 * written this way with `endStream`, which sends what is held first.
 */
export function write(response: ServerResponse, data: string | Uint8Array): boolean | Promise<boolean> {
  if (response.destroyed || response.writableEnded) return false;
  if (data.length === 0) return true;
  const holding = response as HoldingResponse;
  const held = holding[HELD];
  if (typeof data !== 'string') {
    if (held !== undefined) sendHeld(holding);
    return response.write(data) || drained(response);
  }
  if (held === undefined) {
    holding[HELD] = data;
    process.nextTick(sendHeld, holding);
  } else {
    holding[HELD] = held + data;
  }
  // Past the response's buffer size, or while it waits for a drain, the writer waits too.
  if (!response.writableNeedDrain && (held?.length ?? 0) + data.length < response.writableHighWaterMark) return true;
  return sendHeld(holding) || drained(response);
}

/** Sends the text `write` holds for a response; false when the response's buffer is full. */
function sendHeld(response: HoldingResponse): boolean {
  const held = response[HELD];
  if (held === undefined) return true;
  response[HELD] = undefined;
  if (response.destroyed || response.writableEnded) return false;
  return response.write(held);
}

/** Ends a stream written with `write`: what it holds is sent first. */
export function endStream(response: ServerResponse): void {
  const holding = response as HoldingResponse;
  const held = holding[HELD];
  holding[HELD] = undefined;
  if (held !== undefined && !response.destroyed && !response.writableEnded) response.end(held);
  else response.end();
}

async function drained(response: ServerResponse): Promise<boolean> {
  const [event] = await Promise.race([once(response, 'drain').then(() => ['drain']), once(response, 'close').then(() => ['close'])]);
  return event === 'drain' && !response.destroyed;
}

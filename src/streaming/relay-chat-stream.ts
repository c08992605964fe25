import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { ChatCompletionChunk, ChatUsage } from '../core/chat-types.ts';
import { GATEWAY_ERRORS, GatewayError } from '../core/gateway-error.ts';
import type { TokenUsage } from '../core/usage.ts';
import type { ChatStreamEvent } from '../providers/provider-adapter.ts';
import { formatSseEvent } from './format-sse-event.ts';

export interface RelayOutcome {
  status: 'completed' | 'failed' | 'client_aborted';
  error?: GatewayError;
  /** The last usage the provider reported, whether or not the client saw it. */
  usage?: TokenUsage;
  /** Milliseconds from `startedAt` to the first chunk that carried output. */
  timeToFirstTokenMs?: number;
}

/**
 * Relays a chat stream to the client chunk by chunk, as Server-Sent Events: the provider's own
 * bytes when nothing needs changing, with backpressure, then `data: [DONE]`. On the way it taps
 * the usage (the gateway always asks the provider for it, and providers put it in different
 * places: a final chunk with empty `choices` (OpenAI), the finish chunk (Fireworks), every chunk
 * (Perplexity)). The client gets it as OpenAI defines it: only when it asked
 * (`stream_options.include_usage`), once, in a final chunk with empty `choices`.
 * A failure after the first byte becomes an error event and a clean close.
 */
export async function relayChatStream(options: {
  response: ServerResponse;
  first: IteratorResult<ChatStreamEvent>;
  events: AsyncIterator<ChatStreamEvent>;
  includeUsage: boolean;
  startedAt: number;
  encodeError: (error: GatewayError) => string;
  readUsage: (usage: ChatUsage | null | undefined) => TokenUsage | undefined;
}): Promise<RelayOutcome> {
  const { response, events } = options;
  const outcome: RelayOutcome = { status: 'completed' };
  let next = options.first;
  let lastUsageChunk: ChatCompletionChunk | undefined;
  try {
    while (!next.done) {
      const { chunk, raw } = next.value;
      const usage = options.readUsage(chunk.usage);
      if (usage) {
        outcome.usage = usage;
        lastUsageChunk = chunk;
      }
      if (outcome.timeToFirstTokenMs === undefined && carriesOutput(chunk)) outcome.timeToFirstTokenMs = performance.now() - options.startedAt;

      const data = usage ? withoutUsage(chunk) : (raw ?? JSON.stringify(chunk));
      if (data !== undefined && !(await write(response, formatSseEvent(data)))) {
        outcome.status = 'client_aborted';
        await events.return?.();
        return outcome;
      }
      next = await events.next();
    }
    if (options.includeUsage && lastUsageChunk) await write(response, formatSseEvent(usageChunk(lastUsageChunk)));
    await write(response, formatSseEvent('[DONE]'));
  } catch (error) {
    if (response.destroyed || response.writableEnded) {
      outcome.status = 'client_aborted';
      return outcome;
    }
    outcome.status = 'failed';
    outcome.error = error instanceof GatewayError ? error : GATEWAY_ERRORS.internal();
    await write(response, formatSseEvent(options.encodeError(outcome.error)));
  }
  response.end();
  return outcome;
}

/** A chunk without its usage, or undefined when the chunk carried nothing else (a usage-only final chunk). */
function withoutUsage(chunk: ChatCompletionChunk): string | undefined {
  if (!Array.isArray(chunk.choices) || chunk.choices.length === 0) return undefined;
  const { usage: _hidden, ...rest } = chunk;
  return JSON.stringify(rest);
}

/** OpenAI's final usage chunk: empty `choices`, the provider's usage object as it sent it (extra fields kept). */
function usageChunk(source: ChatCompletionChunk): string {
  return JSON.stringify({ id: source.id, object: 'chat.completion.chunk', created: source.created, model: source.model, choices: [], usage: source.usage });
}

function carriesOutput(chunk: ChatCompletionChunk): boolean {
  return Array.isArray(chunk.choices) && chunk.choices.some((choice) => {
    const delta = choice?.delta;
    return Boolean(delta && (delta.content || delta.tool_calls?.length || delta.reasoning_content || delta.refusal));
  });
}

/** Writes with backpressure; false when the client is gone. */
async function write(response: ServerResponse, text: string): Promise<boolean> {
  if (response.destroyed || response.writableEnded) return false;
  if (response.write(text)) return true;
  const [event] = await Promise.race([once(response, 'drain').then(() => ['drain']), once(response, 'close').then(() => ['close'])]);
  return event === 'drain' && !response.destroyed;
}

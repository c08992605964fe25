import { parseJson } from '../../core/parse-json.ts';
import { mapAnthropicError } from '../../providers/anthropic/map-anthropic-error.ts';
import type { NativeStreamTap } from '../../gateway/surface.ts';
import { formatSseEvent } from '../../streaming/format-sse-event.ts';
import { addMessagesUsageCost } from './add-messages-usage-cost.ts';
import type { MessagesUsage } from './messages-api.ts';
import { readMessagesUsage } from './read-messages-usage.ts';

/**
 * Follows a passed-through Messages event stream: `message_start` carries the input side of the
 * usage, each `message_delta` the running totals (output, and input fields in newer API versions),
 * and gets the gateway's `cost`. Content deltas are kept unparsed: only a stream that ends early
 * has them read, to count what it relayed. A stream that ends cleanly is whole; one whose `error`
 * event was relayed is recorded as that error.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types
 */
export function createMessagesStreamTap(): NativeStreamTap {
  let usage: Partial<MessagesUsage> | undefined;
  const deltas: string[] = [];
  const tap = {
    firstOutputAt: undefined as number | undefined,
    failure: undefined as { status: number; code: string } | undefined,
    observe(event: { event?: string; data: string }): undefined {
      if (event.event === 'error') {
        // Anthropic ends a failing stream with an error event (overloaded_error, api_error): the request failed, whatever the HTTP status was.
        const error = mapAnthropicError({ provider: 'anthropic', rawBody: event.data, secrets: [] });
        tap.failure = { status: error.status, code: error.code };
        return undefined;
      }
      if (event.event === 'content_block_delta') {
        tap.firstOutputAt ??= performance.now();
        deltas.push(event.data);
      }
      if (event.event !== 'message_start' && event.event !== 'message_delta') return undefined;
      const parsed = parseJson<{ message?: { usage?: Partial<MessagesUsage> }; usage?: Partial<MessagesUsage> }>(event.data);
      if (!parsed.ok || !parsed.value) return undefined;
      const reported = event.event === 'message_start' ? parsed.value.message?.usage : parsed.value.usage;
      if (!reported) return undefined;
      usage = { ...usage };
      for (const [field, value] of Object.entries(reported)) if (typeof value === 'number') (usage as Record<string, number>)[field] = value;
      return undefined;
    },
    rewrite(event: { event?: string; data: string }, price: (usage: ReturnType<typeof readMessagesUsage>) => number): string | undefined {
      if (event.event !== 'message_delta') return undefined;
      const data = addMessagesUsageCost(event.data, price(readMessagesUsage(usage)));
      return data === undefined ? undefined : formatSseEvent(data, event.event);
    },
    usage: () => readMessagesUsage(usage),
    complete: (outcome: string) => outcome === 'completed',
    relayedOutput: () =>
      deltas
        .map((data) => {
          const parsed = parseJson<{ delta?: { text?: unknown; thinking?: unknown; partial_json?: unknown } }>(data);
          const delta = parsed.ok ? parsed.value?.delta : undefined;
          return [delta?.text, delta?.thinking, delta?.partial_json].filter((part): part is string => typeof part === 'string').join('');
        })
        .join(''),
  };
  return tap;
}

import type { EventSourceMessage } from 'eventsource-parser';
import { parseJson } from '../../core/parse-json.ts';
import type { TokenUsage } from '../../core/usage.ts';
import type { MessagesUsage } from './messages-api.ts';

/** Messages usage in the gateway's terms: input counts every input token, cache reads and writes included. */
export function readMessagesUsage(usage: Partial<MessagesUsage> | null | undefined): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheWrite = count(usage.cache_creation_input_tokens);
  return {
    promptTokens: (count(usage.input_tokens) ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0),
    cachedPromptTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    completionTokens: count(usage.output_tokens) ?? 0,
  };
}

/**
 * Follows the usage of a Messages event stream as it is relayed: `message_start` carries the input
 * side, each `message_delta` the running totals (output, and input fields in newer API versions).
 * Content deltas are kept unparsed: only a stream that ends early has them read, to count what it relayed.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types
 */
export function createMessagesUsageTap(): { observe(event: EventSourceMessage): void; usage(): TokenUsage | undefined; relayedOutput(): string } {
  let usage: Partial<MessagesUsage> | undefined;
  const deltas: string[] = [];
  return {
    observe(event) {
      if (event.event === 'content_block_delta') deltas.push(event.data);
      if (event.event !== 'message_start' && event.event !== 'message_delta') return;
      const parsed = parseJson<{ message?: { usage?: Partial<MessagesUsage> }; usage?: Partial<MessagesUsage> }>(event.data);
      if (!parsed.ok || !parsed.value) return;
      const reported = event.event === 'message_start' ? parsed.value.message?.usage : parsed.value.usage;
      if (!reported) return;
      usage = { ...usage };
      for (const [field, value] of Object.entries(reported)) if (typeof value === 'number') (usage as Record<string, number>)[field] = value;
    },
    usage: () => readMessagesUsage(usage),
    relayedOutput: () =>
      deltas
        .map((data) => {
          const parsed = parseJson<{ delta?: { text?: unknown; thinking?: unknown; partial_json?: unknown } }>(data);
          const delta = parsed.ok ? parsed.value?.delta : undefined;
          return [delta?.text, delta?.thinking, delta?.partial_json].filter((part): part is string => typeof part === 'string').join('');
        })
        .join(''),
  };
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : undefined;
}

import type { EventSourceMessage } from 'eventsource-parser';
import { parseJson } from '../../core/parse-json.ts';
import type { TokenUsage } from '../../core/usage.ts';
import type { NativeStreamTap } from '../../gateway/surface.ts';
import { formatSseEvent } from '../../streaming/format-sse-event.ts';
import { addResponsesUsageCost } from './add-responses-usage-cost.ts';
import { readResponsesUsage } from './read-responses-usage.ts';
import type { ResponseObject } from './responses-api.ts';

const LIFECYCLE_EVENTS = new Set(['response.created', 'response.queued', 'response.in_progress', 'response.completed', 'response.incomplete', 'response.failed']);
/** The events that end a response; they carry its usage, which gets the gateway's `cost`. */
export const FINAL_RESPONSE_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * Follows a relayed Responses stream without rebuilding it: only the lifecycle events, which carry
 * the whole response (its id first, its usage last), are parsed; deltas are only timed and kept.
 * The answer is whole once a final event was relayed, however the connection ended.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function createResponsesStreamTap(): NativeStreamTap {
  const deltas: string[] = [];
  let finished = false;
  let usage: TokenUsage | undefined;
  const tap = {
    objectId: undefined as string | undefined,
    background: false,
    finalObject: undefined as unknown,
    firstOutputAt: undefined as number | undefined,
    failure: undefined as { status: number; code: string } | undefined,
    observe(event: EventSourceMessage): 'created' | undefined {
      const name = event.event;
      if (name === 'error') {
        // @see https://platform.openai.com/docs/api-reference/responses-streaming/error
        const parsed = parseJson<{ code?: unknown; error?: { code?: unknown } }>(event.data);
        const code = parsed.ok ? (parsed.value?.code ?? parsed.value?.error?.code) : undefined;
        tap.failure = { status: 502, code: typeof code === 'string' ? code : 'upstream_error' };
        return undefined;
      }
      if (name !== undefined && !LIFECYCLE_EVENTS.has(name)) {
        if (name.endsWith('.delta')) {
          tap.firstOutputAt ??= performance.now();
          deltas.push(event.data);
        }
        return undefined;
      }
      const parsed = parseJson<{ type?: string; response?: Partial<ResponseObject> }>(event.data);
      if (!parsed.ok || !parsed.value || typeof parsed.value.type !== 'string' || !LIFECYCLE_EVENTS.has(parsed.value.type)) return undefined;
      const response = parsed.value.response;
      if (FINAL_RESPONSE_EVENTS.has(parsed.value.type)) {
        finished = true;
        usage = readResponsesUsage(response?.usage);
        tap.finalObject = response;
      }
      if (tap.objectId !== undefined || typeof response?.id !== 'string') return undefined;
      tap.objectId = response.id;
      tap.background = response.background === true;
      return 'created';
    },
    rewrite(event: EventSourceMessage, price: (usage: TokenUsage | undefined) => number): string | undefined {
      if (!FINAL_RESPONSE_EVENTS.has(event.event ?? '') || usage === undefined) return undefined;
      const data = addResponsesUsageCost(event.data, price(usage));
      return data === undefined ? undefined : formatSseEvent(data, event.event);
    },
    usage: () => usage,
    complete: () => finished,
    relayedOutput: () =>
      deltas
        .map((data) => {
          const parsed = parseJson<{ delta?: unknown }>(data);
          return parsed.ok && typeof parsed.value?.delta === 'string' ? parsed.value.delta : '';
        })
        .join(''),
  };
  return tap;
}

import type { EventSourceMessage } from 'eventsource-parser';
import { parseJson } from '../../core/parse-json.ts';
import type { TokenUsage } from '../../core/usage.ts';
import { readResponsesUsage } from './read-responses-usage.ts';
import type { ResponseObject } from './responses-api.ts';

export interface ResponsesStreamTap {
  /** Reads one relayed event; answers 'created' for the event that first named the response's id. */
  observe(event: EventSourceMessage): 'created' | undefined;
  readonly responseId: string | undefined;
  readonly background: boolean;
  /** Set once the response reached a final state (`response.completed`, `.incomplete`, `.failed`). */
  readonly finished: boolean;
  readonly usage: TokenUsage | undefined;
  /** `performance.now()` at the first output delta. */
  readonly firstOutputAt: number | undefined;
  /** The text of every delta relayed (output, reasoning, arguments): read only when a stream ends early, to count it. */
  relayedOutput(): string;
}

const LIFECYCLE_EVENTS = new Set(['response.created', 'response.queued', 'response.in_progress', 'response.completed', 'response.incomplete', 'response.failed']);
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * Follows a relayed Responses stream without rebuilding it: only the lifecycle events, which carry
 * the whole response (its id first, its usage last), are parsed; deltas are only timed and kept.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function createResponsesStreamTap(): ResponsesStreamTap {
  const deltas: string[] = [];
  const tap = {
    responseId: undefined as string | undefined,
    background: false,
    finished: false,
    usage: undefined as TokenUsage | undefined,
    firstOutputAt: undefined as number | undefined,
    observe(event: EventSourceMessage): 'created' | undefined {
      const name = event.event;
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
      if (FINAL_EVENTS.has(parsed.value.type)) {
        tap.finished = true;
        tap.usage = readResponsesUsage(response?.usage);
      }
      if (tap.responseId !== undefined || typeof response?.id !== 'string') return undefined;
      tap.responseId = response.id;
      tap.background = response.background === true;
      return 'created';
    },
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

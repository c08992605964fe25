import { creditsAsNumber } from '../../core/credits-as-number.ts';
import { parseJson } from '../../core/parse-json.ts';

/**
 * A passed-through Messages JSON — a Message, or a `message_delta` event's data — with the
 * gateway's `cost` (credits) added to its `usage`; undefined when it has no usage object to add to.
 * SDKs keep fields they do not know.
 */
export function addMessagesUsageCost(json: string, cost: number): string | undefined {
  const parsed = parseJson<{ usage?: unknown }>(json);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return undefined;
  const { usage } = parsed.value;
  if (typeof usage !== 'object' || usage === null) return undefined;
  return JSON.stringify({ ...parsed.value, usage: { ...usage, cost: creditsAsNumber(cost) } });
}

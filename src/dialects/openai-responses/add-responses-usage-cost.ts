import { creditsAsNumber } from '../../core/credits-as-number.ts';
import { parseJson } from '../../core/parse-json.ts';

/**
 * A passed-through Responses JSON — a Response, or a final lifecycle event (`response.completed`…)
 * carrying one — with the gateway's `cost` (credits) added to the response's `usage`; undefined
 * when there is no usage object to add to.
 */
export function addResponsesUsageCost(json: string, cost: number): string | undefined {
  const parsed = parseJson<{ usage?: unknown; response?: { usage?: unknown } }>(json);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return undefined;
  const value = parsed.value;
  const withCost = (usage: unknown) => (typeof usage === 'object' && usage !== null ? { ...usage, cost: creditsAsNumber(cost) } : undefined);
  if (typeof value.response === 'object' && value.response !== null) {
    const usage = withCost(value.response.usage);
    return usage && JSON.stringify({ ...value, response: { ...value.response, usage } });
  }
  const usage = withCost(value.usage);
  return usage && JSON.stringify({ ...value, usage });
}

import { parseJson } from '../core/parse-json.ts';
import { readInputOutputUsage, type TokenUsage } from '../core/usage.ts';

/**
 * The usage of a stream event of type `type` (`speech.audio.done`, `transcript.text.done`,
 * `image_generation.completed`), read only when the event can be one (the other events are not
 * parsed); undefined for any other event, or one whose counts are not whole numbers.
 */
export function usageOfEvent(data: string, type: string): TokenUsage | undefined {
  if (!data.includes(`"${type}"`)) return undefined;
  const parsed = parseJson<{ type?: unknown; usage?: unknown }>(data);
  return parsed.ok && parsed.value?.type === type ? readInputOutputUsage(parsed.value.usage) : undefined;
}

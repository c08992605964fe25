import { deterministicId } from './deterministic-id.ts';

/** A UUID-formatted id derived from `seed`, the shape xAI, Fireworks and Perplexity give completions. */
export function deterministicUuid(seed: string): string {
  const hex = deterministicId(seed, 32, '0123456789abcdef');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

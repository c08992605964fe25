import { countTokens } from './count-tokens.ts';

/**
 * Tokens of a request part the gateway passed through without translating it (so it has no hub
 * request to estimate): its JSON counted with the o200k tokenizer. Used only when a stream ended
 * early without the provider reporting its input.
 */
export function countJsonTokens(value: unknown): number {
  return countTokens(JSON.stringify(value ?? null));
}

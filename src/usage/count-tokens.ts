import { createRequire } from 'node:module';

type Tokenizer = typeof import('gpt-tokenizer/encoding/o200k_base');

const load = createRequire(import.meta.url);
let tokenizer: Tokenizer | undefined;

/**
 * Tokens of `text` with OpenAI's o200k tokenizer (gpt-tokenizer). The tokenizer holds ~70 MB once
 * loaded, as much as the rest of the gateway: it is loaded the first time a count is needed (an
 * estimate — a stream cut short, a provider that reports no usage — or an operation that counts its
 * input), ~120 ms once, so a gateway that never estimates never holds it.
 */
export function countTokens(text: string): number {
  tokenizer ??= load('gpt-tokenizer/encoding/o200k_base') as Tokenizer;
  return tokenizer.countTokens(text);
}

import { createHash } from 'node:crypto';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A stable identifier of the given length drawn from `alphabet`, derived from `seed`, so the same
 * request sequence produces the same ids in every run.
 */
export function deterministicId(seed: string, length: number, alphabet: string = base62): string {
  let result = '';
  let round = 0;
  while (result.length < length) {
    const digest = createHash('sha256').update(`${seed}:${round}`).digest();
    for (const byte of digest) {
      if (result.length === length) break;
      result += alphabet[byte % alphabet.length];
    }
    round += 1;
  }
  return result;
}

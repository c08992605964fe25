import { createHash } from 'node:crypto';

/**
 * A deterministic unit vector for a text: the same text and model always give the same vector, so
 * tests can compare answers; Matryoshka-style models give the first `dimensions` values of the
 * full vector, normalized again (what OpenAI's `dimensions` and Gemini's `outputDimensionality` do).
 */
export function simulatedEmbedding(model: string, input: string | number[], nativeDimensions: number, dimensions = nativeDimensions): number[] {
  const values: number[] = [];
  const seed = `${model}\u0000${typeof input === 'string' ? input : input.join(',')}`;
  for (let block = 0; values.length < nativeDimensions; block += 1) {
    const digest = createHash('sha256').update(`${seed}\u0000${block}`).digest();
    for (let offset = 0; offset + 2 <= digest.length && values.length < nativeDimensions; offset += 2) values.push(digest.readInt16LE(offset) / 32_768);
  }
  const kept = values.slice(0, dimensions);
  const norm = Math.hypot(...kept) || 1;
  return kept.map((value) => Math.fround(value / norm));
}

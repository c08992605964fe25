import { GATEWAY_ERRORS } from '../core/gateway-error.ts';

/**
 * A provider's vectors, checked before they reach a client: exactly one per input, each a list of
 * finite numbers of the same length. Anything else is the provider's fault (a 502), never a
 * half-written answer.
 */
export function readEmbeddingVectors(provider: string, vectors: unknown[], inputs: number): number[][] {
  if (vectors.length !== inputs) throw GATEWAY_ERRORS.upstreamInvalidAnswer(provider, `${vectors.length} embeddings for ${inputs} inputs`);
  let length: number | undefined;
  for (const vector of vectors) {
    if (!Array.isArray(vector) || vector.length === 0 || !vector.every((value) => typeof value === 'number' && Number.isFinite(value))) {
      throw GATEWAY_ERRORS.upstreamInvalidAnswer(provider, 'an embedding is not a list of numbers');
    }
    length ??= vector.length;
    if (vector.length !== length) throw GATEWAY_ERRORS.upstreamInvalidAnswer(provider, 'embeddings of different lengths');
  }
  return vectors as number[][];
}

/** A provider's token count, when it is a whole non-negative number; otherwise unknown (estimated by the gateway). */
export function readTokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Thought signatures the simulator hands out: opaque base64 to the client, recognisable to the
 * simulator, so a signature that was altered or invented is refused as the real API refuses it.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
const PREFIX = 'simulated-thought-signature:';

/** Google's documented placeholders for history whose signatures are unknown; they skip validation. */
const PLACEHOLDERS = new Set(['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go']);

export function createThoughtSignature(model: string, sequence: number, candidateIndex: number): string {
  return Buffer.from(`${PREFIX}${model}:${sequence}:${candidateIndex}`).toString('base64');
}

export function isAcceptedThoughtSignature(signature: string): boolean {
  return PLACEHOLDERS.has(signature) || Buffer.from(signature, 'base64').toString('utf8').startsWith(PREFIX);
}

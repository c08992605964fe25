import type { GeminiFunctionCall, GeminiPart } from './gemini-api.ts';

/** What one part of a Gemini answer is, for the gateway: the union the converters switch over. */
export type GeminiPartKind =
  | { kind: 'thought'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'function-call'; call: GeminiFunctionCall; thoughtSignature?: string }
  /** Nothing the chat shape can carry: an empty text that only holds a signature, code execution, generated media. */
  | { kind: 'ignored' };

/**
 * A part is a thought only when `thought` is true: a `thoughtSignature` alone can sit on any part,
 * answer text included.
 * @see https://ai.google.dev/api/caching#Part
 * @see https://ai.google.dev/gemini-api/docs/thinking#summaries
 */
export function classifyGeminiPart(part: GeminiPart): GeminiPartKind {
  if (part.functionCall && typeof part.functionCall.name === 'string') {
    return { kind: 'function-call', call: part.functionCall, thoughtSignature: typeof part.thoughtSignature === 'string' ? part.thoughtSignature : undefined };
  }
  if (typeof part.text === 'string' && part.text.length > 0) return part.thought === true ? { kind: 'thought', text: part.text } : { kind: 'text', text: part.text };
  return { kind: 'ignored' };
}

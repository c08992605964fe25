import { createHash } from 'node:crypto';

/**
 * Gemini 3 hands back a `thoughtSignature` with a function call and refuses the next turn without it;
 * OpenAI chat has no field for it, but every client echoes a tool call's `id`. So the signature
 * travels inside the id — `<call id>__thought__<signature as base64url>` — and the gateway stays
 * stateless. Only `[A-Za-z0-9_-]` is used, so the id is valid on every surface (Anthropic's
 * `tool_use` ids included).
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
const SEPARATOR = '__thought__';

export interface GeminiToolCallId {
  /** The call's id without the signature: Gemini's own `functionCall.id`, or one the gateway made. */
  id: string;
  /** The thought signature as Gemini sent it (standard base64). */
  thoughtSignature?: string;
}

export function encodeGeminiToolCallId(call: GeminiToolCallId): string {
  if (!call.thoughtSignature || call.id.includes(SEPARATOR)) return call.id;
  return `${call.id}${SEPARATOR}${Buffer.from(call.thoughtSignature, 'base64').toString('base64url')}`;
}

export function decodeGeminiToolCallId(toolCallId: string): GeminiToolCallId {
  const at = toolCallId.indexOf(SEPARATOR);
  if (at < 0) return { id: toolCallId };
  const encoded = toolCallId.slice(at + SEPARATOR.length);
  return { id: toolCallId.slice(0, at), thoughtSignature: encoded ? Buffer.from(encoded, 'base64url').toString('base64') : undefined };
}

/** A stable `call_…` id for a call Gemini gave none: the same answer always yields the same ids. */
export function generateGeminiToolCallId(responseId: string, candidateIndex: number, callIndex: number): string {
  const digest = createHash('sha256').update(`${responseId}:${candidateIndex}:${callIndex}`).digest('base64url').replace(/[-_]/g, '');
  return `call_${digest.slice(0, 24)}`;
}

import type { ToolCall } from '../../core/chat-types.ts';
import type { GeminiFunctionCall } from './gemini-api.ts';
import { encodeGeminiToolCallId, generateGeminiToolCallId } from './gemini-tool-call-id.ts';

export interface FunctionCallPosition {
  responseId: string;
  candidateIndex: number;
  /** Position among the turn's calls, from 0. */
  callIndex: number;
}

/**
 * A Gemini functionCall as an OpenAI tool call: Gemini's id when it sent one (else a stable
 * `call_…`), the thought signature carried inside the id, and the arguments object as a JSON string.
 * Gemini sends each call whole, so the string is always complete.
 * @see https://ai.google.dev/gemini-api/docs/function-calling
 */
export function convertGeminiFunctionCall(call: GeminiFunctionCall, thoughtSignature: string | undefined, position: FunctionCallPosition): ToolCall {
  const id = call.id || generateGeminiToolCallId(position.responseId, position.candidateIndex, position.callIndex);
  return {
    id: encodeGeminiToolCallId({ id, thoughtSignature }),
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
  };
}

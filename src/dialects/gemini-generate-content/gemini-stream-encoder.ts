import type { ChatCompletionChunk } from '../../core/chat-types.ts';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart } from '../../providers/google/gemini-api.ts';
import type { ChatStreamEncoder } from '../../streaming/chat-stream-encoder.ts';
import { formatSseEvent } from '../../streaming/format-sse-event.ts';
import { encodeGeminiError } from './encode-gemini-error.ts';
import { encodeGeminiUsage } from './encode-gemini-usage.ts';
import type { GeminiResponseOptions } from './encode-gemini-response.ts';
import { functionCallPart } from './encode-gemini-response.ts';
import { mapFinishReasonToGemini } from './map-finish-reason-to-gemini.ts';

/** A tool call being streamed: Gemini sends each call whole, so its argument fragments wait here. */
interface PendingCall {
  id: string;
  name: string;
  arguments: string;
}

/** Where the encoder is, per candidate (a hub choice): its calls still arriving, and how it finished. */
interface GeminiStreamState {
  responseId: string | undefined;
  candidates: Map<number, { calls: Map<number, PendingCall>; finishReason: string | undefined }>;
}

/**
 * Writes a hub chat stream as the `streamGenerateContent?alt=sse` events Google's SDKs and LangChain
 * read: one `data:` line of JSON per event, no `event:` lines, comments or terminator (the legacy SDK
 * fails on anything else). Text and thought summaries go out as they arrive, each chunk a whole
 * GenerateContentResponse; a function call goes out whole once its arguments are complete; the last
 * event carries every candidate's finishReason and the usageMetadata, with the gateway's `cost` —
 * the usage appears once, at the end, never as per-chunk deltas (LangChain subtracts consecutive
 * totals). A failure midway is `data: {"error": {…}}`, which `@google/genai` raises.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export function createGeminiStreamEncoder(options: GeminiResponseOptions): ChatStreamEncoder {
  const state: GeminiStreamState = { responseId: undefined, candidates: new Map() };
  const candidateState = (index: number) => {
    let candidate = state.candidates.get(index);
    if (!candidate) {
      candidate = { calls: new Map(), finishReason: undefined };
      state.candidates.set(index, candidate);
    }
    return candidate;
  };
  const event = (response: GeminiGenerateContentResponse) => formatSseEvent(JSON.stringify({ ...response, modelVersion: options.model, responseId: state.responseId }));

  const encodeChunk = (chunk: ChatCompletionChunk): string => {
    state.responseId ??= chunk.id;
    const candidates: GeminiCandidate[] = [];
    for (const choice of chunk.choices ?? []) {
      const candidate = candidateState(choice.index);
      const delta = choice.delta ?? {};
      const parts: GeminiPart[] = [];
      const reasoning = delta.reasoning_content;
      if (options.includeThoughts && typeof reasoning === 'string' && reasoning !== '') parts.push({ text: reasoning, thought: true });
      if (typeof delta.content === 'string' && delta.content !== '') parts.push({ text: delta.content });
      for (const call of delta.tool_calls ?? []) {
        const pending = candidate.calls.get(call.index) ?? { id: '', name: '', arguments: '' };
        if (call.id) pending.id = call.id;
        if (call.function?.name) pending.name += call.function.name;
        if (call.function?.arguments) pending.arguments += call.function.arguments;
        candidate.calls.set(call.index, pending);
      }
      if (choice.finish_reason) candidate.finishReason = mapFinishReasonToGemini(choice.finish_reason);
      if (parts.length > 0) candidates.push({ content: { parts, role: 'model' }, index: choice.index });
    }
    return candidates.length > 0 ? event({ candidates }) : '';
  };

  return {
    chunk: ({ chunk }) => encodeChunk(chunk),
    end: (usage, cost) => {
      const indexes = state.candidates.size > 0 ? [...state.candidates.keys()].sort((a, b) => a - b) : [0];
      const candidates: GeminiCandidate[] = indexes.map((index) => {
        const candidate = candidateState(index);
        const calls = [...candidate.calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => functionCallPart({ id: call.id, function: { name: call.name, arguments: call.arguments } }));
        return { content: { parts: calls.length > 0 ? calls : [{ text: '' }], role: 'model' }, finishReason: candidate.finishReason ?? 'STOP', index };
      });
      return event({ candidates, ...(usage && { usageMetadata: encodeGeminiUsage(usage, cost) }) });
    },
    error: (error) => formatSseEvent(JSON.stringify(encodeGeminiError(error))),
  };
}

import type { EventSourceMessage } from 'eventsource-parser';
import type { ChatCompletionChunk } from '../../core/chat-types.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import { scrubSecrets } from '../map-upstream-error.ts';
import type { ChatStreamEvent } from '../../core/chat-types.ts';
import { classifyGeminiPart } from './classify-gemini-part.ts';
import { convertGeminiFunctionCall } from './convert-gemini-function-call.ts';
import { convertGeminiUsage } from './convert-gemini-usage.ts';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiUsageMetadata } from './gemini-api.ts';
import { geminiPromptBlockedError } from './gemini-prompt-blocked-error.ts';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.ts';
import { readGeminiError } from './read-gemini-error.ts';

export interface StreamContext {
  requestId: string;
  upstreamId: string;
  created: number;
  /** Scrubbed from any upstream text that reaches the client. */
  secrets: (string | undefined)[];
}

/** Where the decoder is: before Gemini's first chunk (which may still be a blocked prompt), or relaying. */
interface GeminiDecoderState {
  phase: 'awaiting-first-chunk' | 'relaying';
  id: string;
  model: string;
  /** Per candidate: whether its role chunk went out, how many calls it made, whether it finished. */
  candidates: Map<number, { started: boolean; toolCallCount: number; finished: boolean }>;
  /** Gemini repeats the running usage on every chunk; the last one is the total. */
  usage?: GeminiUsageMetadata;
}

/**
 * Turns `streamGenerateContent?alt=sse` events (each a whole GenerateContentResponse with the usage
 * so far) into OpenAI chunks: a role chunk per candidate, text as `content` deltas, thought summaries
 * as `reasoning_content` deltas, each functionCall — sent whole by Gemini — as one tool_calls delta
 * with its position among the turn's calls as `index`, a finish chunk, then one usage-only chunk
 * (`choices: []`) from the last usageMetadata. There is no `[DONE]`: the stream is complete when
 * every candidate finished.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export async function* decodeGeminiStream(events: AsyncIterable<EventSourceMessage>, context: StreamContext): AsyncGenerator<ChatStreamEvent> {
  const state: GeminiDecoderState = { phase: 'awaiting-first-chunk', id: `chatcmpl-${context.requestId}`, model: context.upstreamId, candidates: new Map() };
  for await (const event of events) {
    const parsed = parseJson<GeminiGenerateContentResponse & { error?: unknown }>(event.data);
    if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) {
      throw GATEWAY_ERRORS.upstreamStreamInterrupted('google', 'a stream chunk is not valid JSON');
    }
    const response = parsed.value;
    if (response.error !== undefined) {
      const { message, status } = readGeminiError(response);
      throw GATEWAY_ERRORS.upstreamStreamInterrupted('google', scrubSecrets(`${status ?? 'error'}: ${message ?? 'error event'}`, context.secrets));
    }
    switch (state.phase) {
      case 'awaiting-first-chunk':
        if ((response.candidates ?? []).length === 0 && response.promptFeedback?.blockReason) throw geminiPromptBlockedError(response.promptFeedback);
        if (response.responseId) state.id = `chatcmpl-${response.responseId}`;
        if (response.modelVersion) state.model = response.modelVersion;
        state.phase = 'relaying';
        break;
      case 'relaying':
        break;
      default: {
        const unexpected: never = state.phase;
        throw new Error(`Unhandled decoder phase ${String(unexpected)}`);
      }
    }
    if (response.usageMetadata) state.usage = response.usageMetadata;
    for (const [position, candidate] of (response.candidates ?? []).entries()) {
      yield* decodeCandidate(state, candidate, candidate.index ?? position, response.responseId ?? context.requestId, context.created);
    }
  }

  const candidates = [...state.candidates.values()];
  if (candidates.length === 0 || candidates.some((candidate) => !candidate.finished)) {
    throw GATEWAY_ERRORS.upstreamStreamInterrupted('google', 'the stream closed before the answer finished');
  }
  if (state.usage) yield { chunk: { ...chunk(state, context.created), choices: [], usage: convertGeminiUsage(state.usage) } };
}

function* decodeCandidate(state: GeminiDecoderState, candidate: GeminiCandidate, index: number, responseId: string, created: number): Generator<ChatStreamEvent> {
  let progress = state.candidates.get(index);
  if (!progress) {
    progress = { started: false, toolCallCount: 0, finished: false };
    state.candidates.set(index, progress);
  }
  if (!progress.started) {
    progress.started = true;
    yield choiceChunk(state, created, index, { role: 'assistant', content: '' });
  }
  for (const part of candidate.content?.parts ?? []) {
    const classified = classifyGeminiPart(part);
    switch (classified.kind) {
      case 'text':
        yield choiceChunk(state, created, index, { content: classified.text });
        break;
      case 'thought':
        yield choiceChunk(state, created, index, { reasoning_content: classified.text });
        break;
      case 'function-call': {
        const callIndex = progress.toolCallCount;
        progress.toolCallCount += 1;
        const call = convertGeminiFunctionCall(classified.call, classified.thoughtSignature, { responseId, candidateIndex: index, callIndex });
        yield choiceChunk(state, created, index, { tool_calls: [{ index: callIndex, ...call }] });
        break;
      }
      case 'ignored':
        break;
      default: {
        const unexpected: never = classified;
        throw new Error(`Unhandled part kind ${JSON.stringify(unexpected)}`);
      }
    }
  }
  if (candidate.finishReason && !progress.finished) {
    progress.finished = true;
    const finish = choiceChunk(state, created, index, {}, mapGeminiFinishReason(candidate.finishReason, progress.toolCallCount > 0));
    finish.chunk.choices[0]!.native_finish_reason = candidate.finishReason;
    yield finish;
  }
}

function chunk(state: GeminiDecoderState, created: number): ChatCompletionChunk {
  return { id: state.id, object: 'chat.completion.chunk', created, model: state.model, choices: [] };
}

function choiceChunk(state: GeminiDecoderState, created: number, index: number, delta: ChatCompletionChunk['choices'][number]['delta'], finishReason: string | null = null): ChatStreamEvent {
  return { chunk: { ...chunk(state, created), choices: [{ index, delta, finish_reason: finishReason }] } };
}

import type { ChatCompletion, ChatMessage, ToolCall } from '../../core/chat-types.ts';
import { classifyGeminiPart } from './classify-gemini-part.ts';
import { convertGeminiFunctionCall } from './convert-gemini-function-call.ts';
import { convertGeminiUsage } from './convert-gemini-usage.ts';
import type { GeminiCandidate, GeminiGenerateContentResponse } from './gemini-api.ts';
import { geminiPromptBlockedError } from './gemini-prompt-blocked-error.ts';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.ts';

export interface ResponseContext {
  /** Used for ids when Gemini sent no `responseId`. */
  requestId: string;
  /** The model asked for, when Gemini sent no `modelVersion`. */
  upstreamId: string;
  created: number;
}

/**
 * A generateContent answer as an OpenAI chat completion: one choice per candidate, text parts joined
 * into `content`, thought summaries into `reasoning_content`, function calls into `tool_calls`,
 * Gemini's finish reason mapped and kept raw as `native_finish_reason`, usageMetadata as usage.
 * @see https://ai.google.dev/api/generate-content#generatecontentresponse
 */
export function convertGeminiResponse(response: GeminiGenerateContentResponse, context: ResponseContext): ChatCompletion {
  const candidates = response.candidates ?? [];
  if (candidates.length === 0 && response.promptFeedback?.blockReason) throw geminiPromptBlockedError(response.promptFeedback);
  const responseId = response.responseId ?? context.requestId;
  const completion: ChatCompletion = {
    id: `chatcmpl-${responseId}`,
    object: 'chat.completion',
    created: context.created,
    model: response.modelVersion ?? context.upstreamId,
    choices: candidates.map((candidate, position) => convertCandidate(candidate, candidate.index ?? position, responseId)),
  };
  if (response.usageMetadata) completion.usage = convertGeminiUsage(response.usageMetadata);
  return completion;
}

function convertCandidate(candidate: GeminiCandidate, index: number, responseId: string): ChatCompletion['choices'][number] {
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const part of candidate.content?.parts ?? []) {
    const classified = classifyGeminiPart(part);
    switch (classified.kind) {
      case 'text':
        text += classified.text;
        break;
      case 'thought':
        reasoning += classified.text;
        break;
      case 'function-call':
        toolCalls.push(convertGeminiFunctionCall(classified.call, classified.thoughtSignature, { responseId, candidateIndex: index, callIndex: toolCalls.length }));
        break;
      case 'ignored':
        break;
      default: {
        const unexpected: never = classified;
        throw new Error(`Unhandled part kind ${JSON.stringify(unexpected)}`);
      }
    }
  }
  // `refusal` and `logprobs` are null, not absent: OpenAI's schema (and clients that validate against it) require them.
  const message: ChatMessage = { role: 'assistant', content: text.length > 0 || toolCalls.length === 0 ? text : null, refusal: null };
  if (reasoning) message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const raw = candidate.finishReason ?? 'STOP';
  return { index, message, logprobs: null, finish_reason: mapGeminiFinishReason(raw, toolCalls.length > 0), native_finish_reason: raw };
}

import type { ChatCompletion, ToolCall } from '../../core/chat-types.ts';
import { parseJson } from '../../core/parse-json.ts';
import type { TokenUsage } from '../../core/usage.ts';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart } from '../../providers/google/gemini-api.ts';
import { encodeGeminiUsage } from './encode-gemini-usage.ts';
import { mapFinishReasonToGemini } from './map-finish-reason-to-gemini.ts';

export interface GeminiResponseOptions {
  /** The model as the request named it, Gemini's `modelVersion`. */
  model: string;
  /** The client asked for thought summaries (`thinkingConfig.includeThoughts`): reasoning comes back as `thought` parts. */
  includeThoughts: boolean;
}

/**
 * A hub chat completion as a GenerateContentResponse: one candidate per choice, its parts the
 * reasoning (a thought part, when asked for), the text, then one functionCall part per tool call
 * (arguments parsed back into `args`, the call's id kept as `functionCall.id`); usage as
 * usageMetadata with the gateway's `cost`.
 * @see https://ai.google.dev/api/generate-content#generatecontentresponse
 */
export function encodeGeminiResponse(completion: ChatCompletion, options: GeminiResponseOptions & { usage: TokenUsage | undefined; cost?: number }): GeminiGenerateContentResponse {
  const candidates: GeminiCandidate[] = completion.choices.map((choice) => {
    const message = choice.message;
    const parts: GeminiPart[] = [];
    const reasoning = message?.reasoning_content;
    if (options.includeThoughts && typeof reasoning === 'string' && reasoning !== '') parts.push({ text: reasoning, thought: true });
    if (typeof message?.content === 'string' && message.content !== '') parts.push({ text: message.content });
    for (const call of message?.tool_calls ?? []) parts.push(functionCallPart(call));
    // A turn with nothing to say still has a text part: SDKs read `.text` off the first candidate.
    if (!parts.some((part) => part.thought !== true)) parts.push({ text: '' });
    return { content: { parts, role: 'model' }, finishReason: mapFinishReasonToGemini(choice.finish_reason), index: choice.index };
  });
  const response: GeminiGenerateContentResponse = { candidates };
  if (options.usage) response.usageMetadata = encodeGeminiUsage(options.usage, options.cost);
  response.modelVersion = options.model;
  response.responseId = completion.id;
  return response;
}

/** A hub tool call as a whole Gemini functionCall: Gemini sends calls whole, with `args` as an object. */
export function functionCallPart(call: Pick<ToolCall, 'id' | 'function'>): GeminiPart {
  return { functionCall: { id: call.id, name: call.function.name, args: parseArguments(call.function.arguments) } };
}

/** Arguments that are not a JSON object stay visible under `_raw`: Gemini's `args` is always an object. */
function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const parsed = parseJson(text);
  return parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value) ? (parsed.value as Record<string, unknown>) : { _raw: text };
}

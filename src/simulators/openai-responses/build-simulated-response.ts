import { deterministicId } from '../deterministic-id.ts';
import type { ChatRequestMessage, SimulatedTurn } from '../simulator-profile.ts';
import type { ResponsesRequestBody } from './responses-request-body.ts';
import { splitNamespacedName } from './convert-responses-request-to-chat.ts';

export type ResponseStatus = 'queued' | 'in_progress' | 'completed' | 'incomplete' | 'failed' | 'cancelled';

/** Output items as the Responses API writes them. @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-output */
export type ResponseOutputItem =
  | { id: string; type: 'reasoning'; summary: { type: 'summary_text'; text: string }[] }
  | { id: string; type: 'message'; status: 'completed' | 'incomplete'; content: OutputText[]; role: 'assistant' }
  | { id: string; type: 'function_call'; status: 'completed'; arguments: string; call_id: string; name: string; namespace?: string };

export interface OutputText {
  type: 'output_text';
  annotations: unknown[];
  logprobs: unknown[];
  text: string;
}

/** @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage */
export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cache_write_tokens: number; cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** What a finished (or, for background responses, a future) answer consists of. */
export interface ResponseOutcome {
  status: ResponseStatus;
  output: ResponseOutputItem[];
  usage: ResponsesUsage | null;
  incompleteDetails: { reason: 'max_output_tokens' } | null;
}

/** One response the simulator created, kept for retrieval, cancellation and `previous_response_id`. */
export interface SimulatedResponse extends ResponseOutcome {
  id: string;
  createdAt: number;
  completedAt: number | null;
  background: boolean;
  request: ResponsesRequestBody;
  responseModel: string;
  /** Earlier turns, this input and this answer, as chat messages: what a follow-up response continues. */
  conversation: ChatRequestMessage[];
  /** A background response's answer, applied when it completes. */
  pending?: ResponseOutcome;
}

/** Response and item ids look like OpenAI's: a prefix and 50 hex digits. */
function responsesObjectId(prefix: 'resp' | 'msg' | 'fc' | 'rs', seed: string): string {
  return `${prefix}_${deterministicId(`openai-responses:${prefix}:${seed}`, 50, '0123456789abcdef')}`;
}

/**
 * The Response for a simulated turn: a reasoning item when the model reasoned (OpenAI shows no
 * reasoning text unless a summary is asked for), the message, then one `function_call` item per
 * call; `incomplete` when `max_output_tokens` cut the answer short.
 */
export function buildSimulatedResponse(turn: SimulatedTurn, request: ResponsesRequestBody, conversation: ChatRequestMessage[]): SimulatedResponse {
  const choice = turn.choices[0]!;
  const seed = String(turn.sequence);
  const incomplete = choice.finishReason === 'length';
  const output: ResponseOutputItem[] = [];
  if (turn.usage.reasoningTokens > 0) output.push({ id: responsesObjectId('rs', seed), type: 'reasoning', summary: [] });
  if (choice.content !== null && (choice.content !== '' || choice.toolCalls.length === 0)) {
    output.push({
      id: responsesObjectId('msg', seed),
      type: 'message',
      status: incomplete ? 'incomplete' : 'completed',
      content: [{ type: 'output_text', annotations: [], logprobs: [], text: choice.content }],
      role: 'assistant',
    });
  }
  for (const [index, toolCall] of choice.toolCalls.entries()) {
    output.push({ id: responsesObjectId('fc', `${seed}:${index}`), type: 'function_call', status: 'completed', arguments: toolCall.arguments, call_id: toolCall.id, ...splitNamespacedName(toolCall.name) });
  }

  const outputTokens = turn.usage.answerTokens + turn.usage.reasoningTokens;
  const answer: ChatRequestMessage = { role: 'assistant', content: choice.content };
  if (choice.toolCalls.length > 0) {
    answer.tool_calls = choice.toolCalls.map((toolCall) => ({ id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: toolCall.arguments } }));
  }
  return {
    id: responsesObjectId('resp', seed),
    createdAt: turn.created,
    completedAt: Math.floor(Date.now() / 1000),
    background: request.background === true,
    request,
    responseModel: turn.plan.responseModel,
    status: incomplete ? 'incomplete' : 'completed',
    output,
    usage: {
      input_tokens: turn.usage.promptTokens,
      input_tokens_details: { cache_write_tokens: 0, cached_tokens: turn.usage.cachedTokens },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: turn.usage.reasoningTokens },
      total_tokens: turn.usage.promptTokens + outputTokens,
    },
    incompleteDetails: incomplete ? { reason: 'max_output_tokens' } : null,
    conversation: [...conversation, answer],
  };
}

import type { ChatCompletion } from '../../core/chat-types.ts';
import type { TokenUsage } from '../../core/usage.ts';
import { buildResponseObject } from './build-response-object.ts';
import { encodeResponsesUsage } from './encode-responses-usage.ts';
import { mapFinishReasonToResponseStatus } from './map-finish-reason-to-response-status.ts';
import { callName, namespacedFunctionsOf } from './namespaced-functions.ts';
import { newResponsesId } from './new-responses-id.ts';
import type { ResponseObject, ResponsesOutputItem, ResponsesOutputMessage, ResponsesRequest } from './responses-api.ts';

/**
 * A chat completion as a Response: the provider's reasoning text (when it shows any) as a
 * `reasoning` item with `reasoning_text` content, the answer as a `message` item, then one
 * `function_call` item per tool call, its `call_id` the provider's tool call id, its arguments
 * the provider's raw string and a grouped function's name split from its namespace.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-output
 */
export function encodeResponsesResponse(
  completion: ChatCompletion,
  options: { id: string; createdAt: number; model: string; request: ResponsesRequest; usage: TokenUsage | undefined; cost?: number },
): ResponseObject {
  const choice = completion.choices?.[0];
  const message = choice?.message;
  const { status, incomplete_details } = mapFinishReasonToResponseStatus(choice?.finish_reason);
  const output: ResponsesOutputItem[] = [];

  const reasoning = message?.reasoning_content;
  if (typeof reasoning === 'string' && reasoning !== '') {
    output.push({ id: newResponsesId('rs'), type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: reasoning }] });
  }
  const text = typeof message?.content === 'string' ? message.content : '';
  const refusal = typeof message?.refusal === 'string' ? message.refusal : '';
  const toolCalls = message?.tool_calls ?? [];
  if (text !== '' || refusal !== '' || toolCalls.length === 0) {
    const content: ResponsesOutputMessage['content'] = [];
    if (text !== '' || refusal === '') content.push({ type: 'output_text', text, annotations: [], logprobs: [] });
    if (refusal !== '') content.push({ type: 'refusal', refusal });
    output.push({ id: newResponsesId('msg'), type: 'message', status: status === 'completed' ? 'completed' : 'incomplete', role: 'assistant', content });
  }
  const namespaced = namespacedFunctionsOf(options.request);
  for (const toolCall of toolCalls) {
    output.push({ id: newResponsesId('fc'), type: 'function_call', status: 'completed', arguments: toolCall.function.arguments, call_id: toolCall.id, ...callName(toolCall.function.name, namespaced) });
  }
  return buildResponseObject({ ...options, status, incompleteDetails: incomplete_details, output, usage: encodeResponsesUsage(options.usage, options.cost) });
}

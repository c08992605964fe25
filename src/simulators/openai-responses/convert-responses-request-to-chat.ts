import type { SimulatorError } from '../simulator-error.ts';
import type { ChatRequestBody, ChatRequestContentPart, ChatRequestMessage, ChatRequestTool } from '../simulator-profile.ts';
import { responsesError } from './responses-error.ts';
import type { ResponsesContentPart, ResponsesRequestBody, ResponsesTool } from './responses-request-body.ts';

export type ChatConversion =
  | {
      ok: true;
      /** What the simulated model answers: instructions, earlier turns and this input, as chat. */
      chatRequest: ChatRequestBody;
      /** Earlier turns and this input without the instructions, which never carry over to the next response. */
      conversation: ChatRequestMessage[];
    }
  | { ok: false; error: SimulatorError };

/**
 * Restates a Responses request as the chat request the shared simulation engine answers, so a
 * Responses turn gets the same deterministic answers as a chat one (tool calls from the tools'
 * schemas, a reply that quotes a function output). `history` is the conversation of the
 * `previous_response_id` chain.
 * @see https://platform.openai.com/docs/guides/migrate-to-responses
 */
export function convertResponsesRequestToChat(request: ResponsesRequestBody, history: ChatRequestMessage[]): ChatConversion {
  const conversation: ChatRequestMessage[] = [...history];
  const input = typeof request.input === 'string' ? [{ role: 'user', content: request.input }] : (request.input ?? []);
  for (const item of input) {
    const type = item.type ?? 'message';
    if (type === 'message') {
      conversation.push({ role: String(item.role), content: typeof item.content === 'string' ? item.content : (item.content ?? []).map(toChatPart) });
    } else if (type === 'function_call') {
      const toolCall = { id: String(item.call_id), type: 'function', function: { name: namespacedName(item.namespace, String(item.name)), arguments: String(item.arguments) } };
      const last = conversation[conversation.length - 1];
      if (last?.role === 'assistant') last.tool_calls = [...(last.tool_calls ?? []), toolCall];
      else conversation.push({ role: 'assistant', content: null, tool_calls: [toolCall] });
    } else if (type === 'function_call_output') {
      const callId = String(item.call_id);
      if (!conversation.some((message) => message.tool_calls?.some((toolCall) => toolCall.id === callId))) {
        return { ok: false, error: responsesError(400, `No tool call found for function call output with call_id ${callId}.`, 'input', null) };
      }
      conversation.push({ role: 'tool', tool_call_id: callId, content: typeof item.output === 'string' ? item.output : item.output!.map(toChatPart) });
    }
    // Reasoning items and item references carry nothing the simulated model reads.
  }

  const messages: ChatRequestMessage[] = request.instructions ? [{ role: 'developer', content: request.instructions }, ...conversation] : [...conversation];
  const chatRequest: ChatRequestBody = { model: request.model, messages };
  // A namespace's functions are offered to the simulated model under `<namespace>.<name>`; its calls are split back (build-simulated-response.ts).
  const tools: ChatRequestTool[] = (request.tools ?? []).flatMap((tool) => {
    const grouped = tool.type === 'namespace' && Array.isArray(tool.tools) ? (tool.tools as ResponsesTool[]).map((inner) => ({ ...inner, name: namespacedName(String(tool.name), String(inner.name)) })) : [tool];
    return grouped
      .filter((inner) => inner.type === 'function')
      .map((inner) => ({ type: 'function', function: { name: String(inner.name), description: inner.description ?? undefined, parameters: inner.parameters ?? undefined } }));
  });
  if (tools.length > 0) chatRequest.tools = tools;
  const toolChoice = request.tool_choice;
  if (typeof toolChoice === 'string') chatRequest.tool_choice = toolChoice;
  else if (toolChoice?.type === 'function') chatRequest.tool_choice = { type: 'function', function: { name: String(toolChoice.name) } };
  const format = request.text?.format;
  if (format?.type === 'json_schema') chatRequest.response_format = { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, strict: format.strict } };
  else if (format?.type === 'json_object') chatRequest.response_format = { type: 'json_object' };
  if (typeof request.max_output_tokens === 'number') chatRequest.max_completion_tokens = request.max_output_tokens;
  if (typeof request.reasoning?.effort === 'string') chatRequest.reasoning_effort = request.reasoning.effort;
  if (request.parallel_tool_calls === false) chatRequest.parallel_tool_calls = false;
  return { ok: true, chatRequest, conversation };
}

function toChatPart(part: ResponsesContentPart): ChatRequestContentPart {
  if (part.type === 'input_image') return { type: 'image_url', image_url: { url: String(part.image_url ?? '') } };
  if (part.type === 'refusal') return { type: 'text', text: String(part.refusal ?? '') };
  return { type: 'text', text: String(part.text ?? '') };
}

/** The name a namespaced function goes by inside the simulation (a dot never appears in a function name the real API accepts). */
export function namespacedName(namespace: unknown, name: string): string {
  return typeof namespace === 'string' && namespace !== '' ? `${namespace}.${name}` : name;
}

/** A simulated call's `name`, and `namespace` when its function is grouped. */
export function splitNamespacedName(name: string): { name: string; namespace?: string } {
  const dot = name.indexOf('.');
  return dot < 0 ? { name } : { namespace: name.slice(0, dot), name: name.slice(dot + 1) };
}

import type { ChatMessage, ChatRequest, ChatTool, ContentPart, ToolCall } from '../../core/chat-types.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import type { Adjustment } from '../../core/adjustment.ts';
import { compileTranslatedBodyCheck } from '../check-translated-body.ts';
import { flatFunctionName } from './namespaced-functions.ts';
import { responsesRequestSchema } from './responses-request-schema.ts';
import type { ResponsesContentPart, ResponsesInputItem, ResponsesRequest, ResponsesTool } from './responses-api.ts';

const checkTranslatedResponses = compileTranslatedBodyCheck(responsesRequestSchema);

/** Request fields that change nothing a chat provider could act on: dropped, and reported. */
const DROPPED_FIELDS: Record<string, string> = {
  include: 'translated responses have no encrypted reasoning, logprobs or built-in tool results to include',
  service_tier: 'OpenAI processing tiers do not apply to other providers',
  truncation: 'chat providers have no automatic context truncation',
  top_logprobs: 'log probabilities are not translated',
  safety_identifier: 'OpenAI abuse monitoring does not apply to other providers',
  prompt_cache_key: 'OpenAI prompt cache routing does not apply to other providers',
  prompt_cache_retention: 'OpenAI prompt cache routing does not apply to other providers',
  max_tool_calls: 'only applies to built-in tools, which are not translated',
  stream_options: 'stream obfuscation is OpenAI-only',
};

/** Fields read below; any other field is dropped and reported. */
const TRANSLATED_FIELDS = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_output_tokens', 'temperature', 'top_p',
  'reasoning', 'text', 'stream', 'store', 'background', 'previous_response_id', 'conversation', 'prompt', 'metadata', 'user',
]);

/**
 * A Responses request as the hub chat request any provider adapter takes, for models whose
 * provider does not speak the Responses API:
 * - `instructions` → a system message; `input` (a string, or message / function_call /
 *   function_call_output items) → messages, consecutive function calls joined into one assistant
 *   message with `tool_calls`, outputs as `tool` messages;
 * - function tools → chat tools; `tool_choice` → chat's; `max_output_tokens` → `max_tokens`;
 *   `reasoning.effort` → `reasoning_effort`; `text.format` → `response_format`.
 * Stored state (`previous_response_id`, `item_reference`) was written out before (expand-stored-state.ts)
 * and `store` and `background` are the gateway's to act on (openai-responses-surface.ts); a streamed
 * background run, `conversation`, `prompt`, built-in tools and file inputs are refused by name (400); fields that
 * change nothing a provider could act on are dropped and reported as adjustments.
 * @see https://platform.openai.com/docs/guides/migrate-to-responses
 */
export function decodeResponsesRequest(request: ResponsesRequest, modelId: string): { request: ChatRequest; adjustments: Adjustment[] } {
  checkTranslatedResponses(request);
  const refuse = (feature: string, param: string) => GATEWAY_ERRORS.responsesFeatureNotTranslated(modelId, feature, param);
  if (request.background === true && request.stream === true) throw refuse('background mode with stream: true (events of a detached run)', 'stream');
  if (request.conversation !== undefined && request.conversation !== null) throw refuse('conversation (conversation state stored by the provider)', 'conversation');
  if (request.prompt !== undefined && request.prompt !== null) throw refuse('prompt (prompt templates stored by the provider)', 'prompt');

  const adjustments: Adjustment[] = [];
  for (const field of Object.keys(request)) {
    if (TRANSLATED_FIELDS.has(field) || request[field] === undefined || request[field] === null) continue;
    adjustments.push({ parameter: field, action: 'dropped', reason: DROPPED_FIELDS[field] ?? 'not translated to chat completions' });
  }

  const messages: ChatMessage[] = [];
  if (request.instructions) messages.push({ role: 'system', content: request.instructions });
  const input: ResponsesInputItem[] = typeof request.input === 'string' ? [{ role: 'user', content: request.input }] : (request.input ?? []);
  let droppedReasoning = false;
  for (const [index, item] of input.entries()) {
    const param = `input[${index}]`;
    const type = (item as { type?: string }).type ?? 'message';
    switch (type) {
      case 'message':
        messages.push(decodeMessage(item as Extract<ResponsesInputItem, { role: string }>, param, refuse));
        break;
      case 'function_call': {
        const call = item as { call_id: string; name: string; namespace?: string | null; arguments: string };
        const toolCall: ToolCall = { id: call.call_id, type: 'function', function: { name: flatFunctionName(call.namespace, call.name), arguments: call.arguments } };
        const last = messages[messages.length - 1];
        if (last?.role === 'assistant') last.tool_calls = [...(last.tool_calls ?? []), toolCall];
        else messages.push({ role: 'assistant', content: null, tool_calls: [toolCall] });
        break;
      }
      case 'function_call_output': {
        const output = (item as { call_id: string; output: string | ResponsesContentPart[] }).output;
        const content = typeof output === 'string' ? output : joinText(output, `${param}.output`, refuse);
        messages.push({ role: 'tool', tool_call_id: (item as { call_id: string }).call_id, content });
        break;
      }
      case 'reasoning':
        // A previous answer's reasoning, echoed back: chat providers take no reasoning input.
        droppedReasoning = true;
        break;
      default:
        throw refuse(`input items of type '${type}'`, `${param}.type`);
    }
  }
  if (droppedReasoning) adjustments.push({ parameter: 'input', action: 'dropped', reason: 'reasoning items are not sent: chat providers take no reasoning input' });
  if (messages.length === 0) throw GATEWAY_ERRORS.validation([{ loc: ['body', 'input'], msg: 'Field required: a response needs instructions or input', type: 'missing' }]);

  const chat: ChatRequest = { model: request.model, messages };
  if (request.stream === true) chat.stream = true;
  if (request.tools && request.tools.length > 0) chat.tools = request.tools.flatMap((tool, index) => decodeTools(tool, `tools[${index}]`, refuse));
  const toolChoice = request.tool_choice;
  if (typeof toolChoice === 'string') chat.tool_choice = toolChoice;
  else if (toolChoice) {
    if (toolChoice.type !== 'function') throw refuse(`tool_choice of type '${toolChoice.type}'`, 'tool_choice');
    chat.tool_choice = { type: 'function', function: { name: toolChoice.name } };
  }
  if (request.parallel_tool_calls !== undefined && request.parallel_tool_calls !== null) chat.parallel_tool_calls = request.parallel_tool_calls;
  if (request.max_output_tokens !== undefined && request.max_output_tokens !== null) chat.max_tokens = request.max_output_tokens;
  if (request.temperature !== undefined && request.temperature !== null) chat.temperature = request.temperature;
  if (request.top_p !== undefined && request.top_p !== null) chat.top_p = request.top_p;
  if (typeof request.user === 'string') chat.user = request.user;
  if (request.reasoning?.effort) chat.reasoning_effort = request.reasoning.effort;
  if (request.reasoning?.summary) adjustments.push({ parameter: 'reasoning.summary', action: 'dropped', reason: 'reasoning summaries are OpenAI-only; reasoning text the provider returns is shown as is' });
  if (request.text?.verbosity) adjustments.push({ parameter: 'text.verbosity', action: 'dropped', reason: 'verbosity is OpenAI-only' });
  const format = request.text?.format;
  if (format?.type === 'json_object') chat.response_format = { type: 'json_object' };
  if (format?.type === 'json_schema') {
    const { name, schema, description, strict } = format as Extract<typeof format, { type: 'json_schema' }>;
    chat.response_format = { type: 'json_schema', json_schema: { name, schema, ...(description === undefined ? {} : { description }), ...(strict == null ? {} : { strict }) } };
  }
  return { request: chat, adjustments };
}

type Refuse = (feature: string, param: string) => Error;

function decodeMessage(item: { role: string; content: string | ResponsesContentPart[] }, param: string, refuse: Refuse): ChatMessage {
  const role = item.role as ChatMessage['role'];
  if (typeof item.content === 'string') return { role, content: item.content };
  // Only user messages take images; the other roles read best (and most portably) as one string.
  if (role !== 'user') return { role, content: joinText(item.content, `${param}.content`, refuse) };
  return { role, content: item.content.map((part, index) => decodeUserPart(part, `${param}.content[${index}]`, refuse)) };
}

function decodeUserPart(part: ResponsesContentPart, param: string, refuse: Refuse): ContentPart {
  if (part.type === 'input_text' || part.type === 'output_text') return { type: 'text', text: String(part.text) };
  if (part.type === 'input_image') {
    const image = part as { image_url?: string | null; detail?: string };
    if (!image.image_url) throw refuse('images by file_id (files stored by the provider)', param);
    const detail = image.detail === 'low' || image.detail === 'high' || image.detail === 'auto' ? { detail: image.detail } : {};
    return { type: 'image_url', image_url: { url: image.image_url, ...detail } };
  }
  throw refuse(`content of type '${part.type}'`, param);
}

function joinText(parts: ResponsesContentPart[], param: string, refuse: Refuse): string {
  return parts
    .map((part, index) => {
      if (part.type === 'input_text' || part.type === 'output_text') return String(part.text);
      if (part.type === 'refusal') return String(part.refusal);
      throw refuse(`content of type '${part.type}' here`, `${param}[${index}]`);
    })
    .join('\n');
}

/** A function tool as a chat tool; a namespace tool as its functions, flattened (namespaced-functions.ts). */
function decodeTools(tool: ResponsesTool, param: string, refuse: Refuse): ChatTool[] {
  if (tool.type !== 'namespace') return [decodeTool(tool, param, refuse)];
  const { name: namespace, description, tools } = tool as unknown as { name: string; description?: string; tools: ResponsesTool[] };
  return tools.map((inner, index) => {
    const decoded = decodeTool(inner, `${param}.tools[${index}]`, refuse, namespace);
    if (description) decoded.function.description = `${description}${decoded.function.description ? `\n\n${decoded.function.description}` : ''}`;
    return decoded;
  });
}

function decodeTool(tool: ResponsesTool, param: string, refuse: Refuse, namespace?: string): ChatTool {
  if (tool.type !== 'function') throw refuse(`built-in tool '${tool.type}'`, `${param}.type`);
  const { name, description, parameters, strict } = tool as { name: string; description?: string | null; parameters?: Record<string, unknown> | null; strict?: boolean | null };
  const definition: ChatTool['function'] = { name: flatFunctionName(namespace, name) };
  if (description) definition.description = description;
  if (parameters) definition.parameters = parameters;
  if (strict !== undefined && strict !== null) definition.strict = strict;
  return { type: 'function', function: definition };
}

import type { ChatRequestBody, ChatRequestContentPart, ChatRequestMessage } from '../simulator-profile.ts';
import type { AnthropicSimulatedRequest, SimulatedBlock } from './check-anthropic-request.ts';

/**
 * A Messages API request in the OpenAI-shaped form the shared answer generator and token estimator
 * read (`generate-simulated-answer.ts`, `estimate-tokens.ts`): the system prompt as a system
 * message, `tool_use` blocks as tool calls, each `tool_result` as a tool message, client tools as
 * function tools, `tool_choice` and structured outputs under their OpenAI names. Only the simulator
 * reads this; nothing is sent anywhere in this shape.
 */
export function adaptAnthropicRequest(request: AnthropicSimulatedRequest): ChatRequestBody {
  const messages: ChatRequestMessage[] = [];
  const system = typeof request.system === 'string' ? request.system : (request.system ?? []).map((block) => String(block.text)).join('\n');
  if (system !== '') messages.push({ role: 'system', content: system });

  for (const message of request.messages) {
    if (typeof message.content === 'string') {
      messages.push({ role: message.role, content: message.content });
      continue;
    }
    if (message.role === 'system') {
      messages.push({ role: 'system', content: message.content.map((block) => String(block.text)).join('\n') });
      continue;
    }
    if (message.role === 'assistant') {
      const text = message.content.filter((block) => block.type === 'text').map((block) => String(block.text)).join('');
      const calls = message.content
        .filter((block) => block.type === 'tool_use')
        .map((block) => ({ id: String(block.id), type: 'function', function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) } }));
      messages.push({ role: 'assistant', content: text === '' ? null : text, ...(calls.length > 0 ? { tool_calls: calls } : {}) });
      continue;
    }
    const parts: ChatRequestContentPart[] = [];
    for (const block of message.content) {
      if (block.type === 'tool_result') messages.push({ role: 'tool', tool_call_id: String(block.tool_use_id), content: toolResultText(block) });
      else if (block.type === 'text') parts.push({ type: 'text', text: String(block.text) });
      else if (block.type === 'image') parts.push({ type: 'image_url', image_url: { url: imageUrl(block) } });
    }
    if (parts.length > 0) messages.push({ role: 'user', content: parts });
  }

  const tools = (request.tools ?? [])
    .filter((tool) => tool.type === undefined || tool.type === 'custom')
    .map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.input_schema } }));
  const choice = request.tool_choice;
  const format = request.output_config?.format;
  return {
    model: request.model,
    messages,
    tools,
    tool_choice: choice?.type === 'none' ? 'none' : choice?.type === 'any' ? 'required' : choice?.type === 'tool' ? { type: 'function', function: { name: String(choice.name) } } : undefined,
    parallel_tool_calls: choice && 'disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use === true ? false : undefined,
    response_format: format ? { type: 'json_schema', json_schema: { schema: format.schema } } : undefined,
  };
}

function toolResultText(block: SimulatedBlock): string {
  const content = block.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.filter((part) => part?.type === 'text').map((part) => String(part.text)).join('\n');
}

function imageUrl(block: SimulatedBlock): string {
  const source = block.source as { type?: string; media_type?: string; data?: string; url?: string } | undefined;
  if (source?.type === 'base64') return `data:${source.media_type};base64,${source.data}`;
  return String(source?.url ?? source?.type ?? 'image');
}

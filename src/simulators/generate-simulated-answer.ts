import { buildValueFromJsonSchema } from './build-value-from-json-schema.ts';
import { messageText } from './estimate-tokens.ts';
import type { ChatRequestBody, ChatRequestTool, SimulatedFinishReason } from './simulator-profile.ts';

/** The answer a simulated model gives, before any provider decides how it looks on the wire. */
export interface SimulatedAnswer {
  content: string | null;
  /** The model's reasoning as text, for the providers that expose it. */
  reasoning: string;
  toolCalls: { name: string; arguments: string }[];
  finishReason: SimulatedFinishReason;
}

export interface AnswerOptions {
  allowToolCalls: boolean;
  /** Perplexity writes `[1]`-style citation markers into its answers. */
  citationMarkers: boolean;
}

/**
 * A deterministic answer derived from the request, so tests can assert on it:
 * - tools offered, `tool_choice` not "none" and a user message last: tool calls, with arguments
 *   built from each tool's JSON schema (two tools when the user asks for "parallel" calls) —
 *   unless the model's previous turn called tools and `tool_choice` does not force one: then it
 *   answers in text, so an agent loop ends (Claude Code sends a tool's result in a user turn);
 * - a tool result last: a reply that quotes the result;
 * - a JSON response format: a document valid for the schema;
 * - otherwise a short reply that echoes the start of the user's last message.
 */
export function generateSimulatedAnswer(request: ChatRequestBody, options: AnswerOptions): SimulatedAnswer {
  // Instructions placed after the conversation (system or developer messages, as Claude Code sends) do not change whose turn it is.
  const lastMessage = [...request.messages].reverse().find((message) => message.role !== 'system' && message.role !== 'developer');
  const lastUserText = findLastUserText(request);
  const reasoning = `The user wrote "${excerpt(lastUserText, 12)}". A short, direct answer is enough here.`;

  const forced = request.tool_choice === 'required' || (typeof request.tool_choice === 'object' && request.tool_choice !== null);
  const previousAnswer = [...request.messages].reverse().find((message) => message.role === 'assistant');
  const calledLastTurn = (previousAnswer?.tool_calls?.length ?? 0) > 0;
  const toolCalls = options.allowToolCalls && lastMessage?.role === 'user' && (forced || !calledLastTurn) ? chooseToolCalls(request, lastUserText) : [];
  if (toolCalls.length > 0) {
    return {
      content: null,
      reasoning,
      toolCalls: toolCalls.map((tool) => ({
        name: tool.function.name,
        arguments: JSON.stringify(buildValueFromJsonSchema(tool.function.parameters ?? {}, { includeOptional: false })),
      })),
      finishReason: 'tool_calls',
    };
  }

  const format = request.response_format?.type;
  if (format === 'json_schema') {
    const document = buildValueFromJsonSchema(request.response_format?.json_schema?.schema ?? {}, { includeOptional: true });
    return { content: JSON.stringify(document), reasoning, toolCalls: [], finishReason: 'stop' };
  }
  if (format === 'json_object') {
    return { content: JSON.stringify({ answer: excerpt(lastUserText, 8) }), reasoning, toolCalls: [], finishReason: 'stop' };
  }

  const citation = options.citationMarkers ? '[1]' : '';
  if (lastMessage?.role === 'tool') {
    const result = messageText(lastMessage);
    return {
      content: `The tool returned: ${result}.${citation}`,
      reasoning: `The tool answered "${excerpt(result, 12)}". I will report it.`,
      toolCalls: [],
      finishReason: 'stop',
    };
  }
  const content = `You said: "${excerpt(lastUserText, 8)}". This is a simulated reply.${citation}`;
  return { content, reasoning, toolCalls: [], finishReason: 'stop' };
}

function chooseToolCalls(request: ChatRequestBody, lastUserText: string): ChatRequestTool[] {
  const tools = (request.tools ?? []).filter((tool) => tool.type === 'function');
  const choice = request.tool_choice;
  if (tools.length === 0 || choice === 'none') return [];
  if (choice !== null && typeof choice === 'object') {
    // OpenAI names the function as `{type, function: {name}}`; Fireworks also accepts `{type, name}`.
    const name = choice.function?.name ?? choice.name;
    const named = tools.find((tool) => tool.function.name === name);
    return named ? [named] : [];
  }
  if (/\bparallel\b/i.test(lastUserText) && tools.length >= 2 && request.parallel_tool_calls !== false) {
    return tools.slice(0, 2);
  }
  return [tools[0]!];
}

function findLastUserText(request: ChatRequestBody): string {
  for (let index = request.messages.length - 1; index >= 0; index -= 1) {
    const message = request.messages[index]!;
    if (message.role === 'user') return messageText(message);
  }
  return '';
}

function excerpt(text: string, words: number): string {
  const parts = text.trim().split(/\s+/).filter((part) => part.length > 0);
  const joined = parts.slice(0, words).join(' ');
  return parts.length > words ? `${joined}…` : joined;
}

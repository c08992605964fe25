import type { ChatRequest } from '../../core/chat-types.ts';
import type { Adjustment } from '../../core/adjustment.ts';
import type { AnthropicTool, AnthropicToolChoice } from './anthropic-api.ts';

export interface AnthropicToolSettings {
  tools?: AnthropicTool[];
  toolChoice?: AnthropicToolChoice;
  adjustments: Adjustment[];
}

/**
 * OpenAI function tools as Anthropic client tools (`parameters` → `input_schema`, `strict` kept)
 * and `tool_choice` as Anthropic's: `auto` → auto, `none` → none, `required` → any, a named
 * function → `{type: 'tool', name}`; `parallel_tool_calls: false` → `disable_parallel_tool_use`.
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#parallel-tool-use
 */
export function prepareAnthropicTools(request: ChatRequest): AnthropicToolSettings {
  const adjustments: Adjustment[] = [];
  const tools: AnthropicTool[] = [];
  for (const tool of request.tools ?? []) {
    if (tool.type !== 'function' || !tool.function) {
      adjustments.push({ parameter: 'tools', action: 'dropped', reason: `a tool of type '${String(tool.type)}' has no Anthropic counterpart; only function tools are translated` });
      continue;
    }
    const converted: AnthropicTool = { name: tool.function.name, input_schema: tool.function.parameters ?? { type: 'object', properties: {} } };
    if (tool.function.description) converted.description = tool.function.description;
    if (typeof tool.function.strict === 'boolean') converted.strict = tool.function.strict;
    tools.push(converted);
  }

  const choice = request.tool_choice;
  if (tools.length === 0) {
    if (choice !== undefined && choice !== null && choice !== 'none') {
      adjustments.push({ parameter: 'tool_choice', action: 'dropped', reason: 'no tools were sent' });
    }
    return { adjustments };
  }

  const disableParallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  let toolChoice: AnthropicToolChoice | undefined;
  if (choice === undefined || choice === null || choice === 'auto') {
    toolChoice = request.parallel_tool_calls === false ? { type: 'auto', ...disableParallel } : undefined;
  } else if (choice === 'none') {
    toolChoice = { type: 'none' };
  } else if (choice === 'required') {
    toolChoice = { type: 'any', ...disableParallel };
  } else if (isNamedFunction(choice)) {
    toolChoice = { type: 'tool', name: choice.function.name, ...disableParallel };
  } else {
    adjustments.push({ parameter: 'tool_choice', action: 'dropped', reason: `${JSON.stringify(choice).slice(0, 80)} has no Anthropic counterpart; Claude chooses among all tools` });
    toolChoice = request.parallel_tool_calls === false ? { type: 'auto', ...disableParallel } : undefined;
  }
  return { tools, toolChoice, adjustments };
}

function isNamedFunction(choice: unknown): choice is { type: 'function'; function: { name: string } } {
  const named = choice as { type?: unknown; function?: { name?: unknown } } | null;
  return named?.type === 'function' && typeof named.function?.name === 'string';
}

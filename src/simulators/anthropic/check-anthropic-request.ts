import type { SimulatorError } from '../simulator-error.ts';
import { ANTHROPIC_ERRORS } from './anthropic-errors.ts';
import { anthropicSimulatedModels, type AnthropicSimulatedModel } from './anthropic-simulated-models.ts';
import { combineAnthropicTurns } from './combine-anthropic-turns.ts';

/** A content block as it arrived; its fields are checked by `type`. */
export interface SimulatedBlock {
  type: string;
  [field: string]: unknown;
}

export interface AnthropicSimulatedMessage {
  /** `system` messages in the list carry instructions from their position on; they take text only. */
  role: 'user' | 'assistant' | 'system';
  content: string | SimulatedBlock[];
}

export interface AnthropicSimulatedTool {
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  /** Absent or `custom` for client tools; a dated type (`web_search_20250305`, …) for server tools. */
  type?: string;
  cache_control?: { type: 'ephemeral'; ttl?: string };
}

/** A Messages API request body after the checks the API makes. @see https://docs.anthropic.com/en/api/messages */
export interface AnthropicSimulatedRequest {
  model: string;
  /** Required on /v1/messages, ignored by /v1/messages/count_tokens. */
  max_tokens: number;
  messages: AnthropicSimulatedMessage[];
  system?: string | SimulatedBlock[];
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  tools?: AnthropicSimulatedTool[];
  tool_choice?: { type: 'auto' | 'any' | 'tool' | 'none'; name?: string; disable_parallel_tool_use?: boolean };
  thinking?: { type: 'enabled'; budget_tokens: number } | { type: 'disabled' } | { type: 'adaptive' };
  output_config?: { format?: { type: 'json_schema'; schema: Record<string, unknown> } };
  /** Automatic caching: a breakpoint on the last cacheable block. */
  cache_control?: { type: 'ephemeral'; ttl?: string };
}

export type AnthropicRequestCheck = { ok: true; request: AnthropicSimulatedRequest; model: AnthropicSimulatedModel } | { ok: false; error: SimulatorError };

const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
/** Tool use ids (another provider's, such as `functions.get_weather:0`, are refused). */
const TOOL_ID = /^[a-zA-Z0-9_-]+$/;
/** Block types the simulator accepts without reading them (documents, server tools' results, …). */
const OTHER_BLOCK_TYPES = ['document', 'search_result', 'server_tool_use', 'web_search_tool_result', 'web_fetch_tool_result', 'container_upload'];
const THINKING_DOCS = 'https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

/**
 * The checks Anthropic's API makes before generating, in its words (pydantic-style `field: problem`
 * messages; the longer ones are quoted from public reports of real responses):
 * required fields, roles (`user`, `assistant`, and `system` messages of text, which the SDK's
 * `MessageParam` now allows in the list), non-empty content,
 * block shapes, sampling ranges (temperature 0–1), the model's output limit, extended thinking's
 * rules, and tool_use/tool_result pairing across combined turns. The first problem found is reported.
 * @see https://docs.anthropic.com/en/api/messages
 * @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#feature-compatibility
 */
export function checkAnthropicRequest(body: unknown, options: { endpoint: 'messages' | 'count_tokens'; version: string }): AnthropicRequestCheck {
  const problem = findShapeProblem(body, options.endpoint) ?? findVersionProblem(body as Record<string, unknown>, options.version);
  if (problem !== undefined) return refuse(problem);
  const request = body as AnthropicSimulatedRequest;
  const model = anthropicSimulatedModels.find((candidate) => candidate.id === request.model);
  if (!model) return { ok: false, error: ANTHROPIC_ERRORS.unknownModel(request.model) };
  const rule = findRuleProblem(request, model, options.endpoint);
  if (rule !== undefined) return refuse(rule);
  return { ok: true, request, model };
}

function refuse(message: string): AnthropicRequestCheck {
  return { ok: false, error: ANTHROPIC_ERRORS.invalidRequest(message) };
}

function findShapeProblem(body: unknown, endpoint: 'messages' | 'count_tokens'): string | undefined {
  if (!isRecord(body)) return 'body: Input should be a valid dictionary';
  if (body.model === undefined || body.model === null) return 'model: Field required';
  if (typeof body.model !== 'string') return 'model: Input should be a valid string';
  if (endpoint === 'messages') {
    if (body.max_tokens === undefined || body.max_tokens === null) return 'max_tokens: Field required';
    if (!Number.isInteger(body.max_tokens)) return 'max_tokens: Input should be a valid integer';
    if ((body.max_tokens as number) < 1) return 'max_tokens: Input should be greater than or equal to 1';
  }
  if (body.messages === undefined || body.messages === null) return 'messages: Field required';
  if (!Array.isArray(body.messages)) return 'messages: Input should be a valid list';
  if (body.messages.length === 0) return 'messages: at least one message is required';
  for (const [index, message] of body.messages.entries()) {
    const problem = findMessageProblem(message, index, index === body.messages.length - 1);
    if (problem) return problem;
  }
  return findParameterProblem(body);
}

function findMessageProblem(message: unknown, index: number, last: boolean): string | undefined {
  const path = `messages.${index}`;
  if (!isRecord(message)) return `${path}: Input should be a valid dictionary`;
  if (message.role !== 'user' && message.role !== 'assistant' && message.role !== 'system') return `${path}.role: Input should be 'user', 'assistant' or 'system'`;
  const content = message.content;
  if (content === undefined || content === null) return `${path}.content: Field required`;
  if (typeof content !== 'string' && !Array.isArray(content)) return `${path}.content: Input should be a valid string or a valid list`;
  const empty = content.length === 0 || (typeof content === 'string' && content.trim() === '');
  if (empty && !(last && message.role === 'assistant')) return `${path}: all messages must have non-empty content except for the optional final assistant message`;
  if (typeof content === 'string') return undefined;
  for (const [blockIndex, block] of content.entries()) {
    if (message.role === 'system') {
      if (!isRecord(block) || block.type !== 'text') return `${path}.content.${blockIndex}: system messages take text blocks only`;
      continue;
    }
    const problem = findBlockProblem(block, `${path}.content.${blockIndex}`, message.role);
    if (problem) return problem;
  }
  return undefined;
}

function findBlockProblem(block: unknown, path: string, role: 'user' | 'assistant'): string | undefined {
  if (!isRecord(block) || typeof block.type !== 'string') return `${path}.type: Field required`;
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string') return `${path}.text: Field required`;
      if (block.text === '') return 'messages: text content blocks must be non-empty';
      return undefined;
    case 'image':
      return findImageProblem(block.source, `${path}.source`);
    case 'tool_use':
      if (role !== 'assistant') return `${path}: tool_use blocks may only appear in assistant messages`;
      if (typeof block.id !== 'string') return `${path}.id: Field required`;
      if (!TOOL_ID.test(block.id)) return `${path}.id: String should match pattern '^[a-zA-Z0-9_-]+$'`;
      if (typeof block.name !== 'string') return `${path}.name: Field required`;
      if (!isRecord(block.input)) return `${path}.input: Input should be a valid dictionary`;
      return undefined;
    case 'tool_result':
      if (role !== 'user') return `${path}: tool_result blocks may only appear in user messages`;
      if (typeof block.tool_use_id !== 'string') return `${path}.tool_use_id: Field required`;
      if (!TOOL_ID.test(block.tool_use_id)) return `${path}.tool_use_id: String should match pattern '^[a-zA-Z0-9_-]+$'`;
      if (block.content !== undefined && typeof block.content !== 'string' && !Array.isArray(block.content)) return `${path}.content: Input should be a valid string or a valid list`;
      return undefined;
    case 'thinking':
      if (role !== 'assistant') return `${path}: thinking blocks may only appear in assistant messages`;
      if (typeof block.thinking !== 'string') return `${path}.thinking: Field required`;
      if (typeof block.signature !== 'string') return `${path}.signature: Field required`;
      return undefined;
    case 'redacted_thinking':
      return typeof block.data === 'string' ? undefined : `${path}.data: Field required`;
    default:
      return OTHER_BLOCK_TYPES.includes(block.type)
        ? undefined
        : `${path}: Input tag '${block.type}' found using 'type' does not match any of the expected tags: 'text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking', 'search_result'`;
  }
}

/** @see https://docs.anthropic.com/en/docs/build-with-claude/vision */
function findImageProblem(source: unknown, path: string): string | undefined {
  if (!isRecord(source)) return `${path}: Field required`;
  switch (source.type) {
    case 'base64':
      if (typeof source.media_type !== 'string' || !IMAGE_MEDIA_TYPES.includes(source.media_type)) {
        return `${path}.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
      }
      if (typeof source.data !== 'string' || source.data === '') return `${path}.base64.data: Field required`;
      return undefined;
    case 'url':
      return typeof source.url === 'string' && /^https?:\/\//.test(source.url) ? undefined : `${path}.url.url: Input should be a valid URL`;
    case 'file':
      return typeof source.file_id === 'string' ? undefined : `${path}.file.file_id: Field required`;
    default:
      return `${path}: Input tag '${String(source.type)}' found using 'type' does not match any of the expected tags: 'base64', 'url', 'file'`;
  }
}

function findParameterProblem(body: Record<string, unknown>): string | undefined {
  const { system } = body;
  if (system !== undefined && typeof system !== 'string') {
    if (!Array.isArray(system)) return 'system: Input should be a valid string or a valid list';
    for (const [index, block] of system.entries()) {
      if (!isRecord(block) || block.type !== 'text' || typeof block.text !== 'string') return `system.${index}: Input should be a valid text block`;
      if (block.text === '') return 'system: text content blocks must be non-empty';
    }
  }
  for (const name of ['temperature', 'top_p'] as const) {
    const value = body[name];
    if (value === undefined) continue;
    if (typeof value !== 'number') return `${name}: Input should be a valid number`;
    // @see https://docs.anthropic.com/en/api/messages#body-temperature
    if (value < 0 || value > 1) return `${name}: range: 0..1`;
  }
  if (body.top_k !== undefined && (!Number.isInteger(body.top_k) || (body.top_k as number) < 0)) return 'top_k: Input should be greater than or equal to 0';
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return 'stream: Input should be a valid boolean';
  if (body.stop_sequences !== undefined && (!Array.isArray(body.stop_sequences) || body.stop_sequences.some((sequence) => typeof sequence !== 'string'))) {
    return 'stop_sequences: Input should be a valid list of strings';
  }
  const toolProblem = findToolProblem(body.tools, body.tool_choice);
  if (toolProblem) return toolProblem;
  const { thinking } = body;
  if (thinking !== undefined) {
    if (!isRecord(thinking)) return 'thinking: Input should be a valid dictionary';
    if (thinking.type === 'enabled') {
      if (!Number.isInteger(thinking.budget_tokens)) return 'thinking.enabled.budget_tokens: Field required';
      if ((thinking.budget_tokens as number) < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
    } else if (thinking.type !== 'disabled' && thinking.type !== 'adaptive') {
      return `thinking: Input tag '${String(thinking.type)}' found using 'type' does not match any of the expected tags: 'enabled', 'disabled', 'adaptive'`;
    }
  }
  const format = isRecord(body.output_config) ? body.output_config.format : undefined;
  if (format !== undefined && format !== null && (!isRecord(format) || format.type !== 'json_schema' || !isRecord(format.schema))) {
    return 'output_config.format: Input should be a valid json_schema format with a schema';
  }
  return undefined;
}

function findToolProblem(tools: unknown, toolChoice: unknown): string | undefined {
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
    const names = new Set<string>();
    for (const [index, tool] of tools.entries()) {
      if (!isRecord(tool)) return `tools.${index}: Input should be a valid dictionary`;
      const custom = tool.type === undefined || tool.type === null || tool.type === 'custom';
      if (typeof tool.name !== 'string' || (custom && !TOOL_NAME.test(tool.name))) return `tools.${index}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
      if (custom && !isRecord(tool.input_schema)) return `tools.${index}.custom.input_schema: Field required`;
      if (custom && (tool.input_schema as Record<string, unknown>).type !== 'object') return `tools.${index}.custom.input_schema.type: Input should be 'object'`;
      if (names.has(tool.name)) return 'tools: Tool names must be unique.';
      names.add(tool.name);
    }
  }
  if (toolChoice !== undefined) {
    if (!isRecord(toolChoice) || !['auto', 'any', 'tool', 'none'].includes(String(toolChoice.type))) {
      return "tool_choice: Input tag found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'";
    }
    if (toolChoice.type === 'tool' && typeof toolChoice.name !== 'string') return 'tool_choice.tool.name: Field required';
  }
  return undefined;
}

/**
 * API version 2026-10-21 removes the sampling parameters (refused even at their defaults), and
 * refuses documents in assistant messages and citations on user text.
 * @see https://docs.anthropic.com/en/api/versioning
 */
function findVersionProblem(body: Record<string, unknown>, version: string): string | undefined {
  if (version !== '2026-10-21') return undefined;
  for (const name of ['temperature', 'top_p', 'top_k']) {
    if (body[name] !== undefined) return `${name}: Extra inputs are not permitted`;
  }
  for (const [index, message] of (body.messages as AnthropicSimulatedMessage[]).entries()) {
    if (typeof message.content === 'string') continue;
    for (const [blockIndex, block] of message.content.entries()) {
      if (message.role === 'assistant' && block.type === 'document') return `messages.${index}.content.${blockIndex}: document blocks are not allowed in assistant messages`;
      if (message.role === 'user' && block.type === 'text' && Array.isArray(block.citations) && block.citations.length > 0) {
        return `messages.${index}.content.${blockIndex}.citations: citations are not allowed on text blocks in user messages`;
      }
    }
  }
  return undefined;
}

function findRuleProblem(request: AnthropicSimulatedRequest, model: AnthropicSimulatedModel, endpoint: 'messages' | 'count_tokens'): string | undefined {
  if (endpoint === 'messages' && request.max_tokens > model.maxOutputTokens) {
    return `max_tokens: ${request.max_tokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${model.responseModel}`;
  }
  const thinking = request.thinking;
  const thinkingOn = thinking?.type === 'enabled' || thinking?.type === 'adaptive';
  if (thinking?.type === 'adaptive' && !model.adaptiveThinking) return `thinking.type: adaptive thinking is not supported on ${model.responseModel}; use "enabled" with budget_tokens`;
  if (endpoint === 'messages' && thinking?.type === 'enabled' && request.max_tokens <= thinking.budget_tokens) {
    return `\`max_tokens\` must be greater than \`thinking.budget_tokens\`. Please consult our documentation at ${THINKING_DOCS}#max-tokens-and-context-window-size`;
  }
  if (thinkingOn) {
    if (request.temperature !== undefined && request.temperature !== 1) {
      return `\`temperature\` may only be set to 1 when thinking is enabled. Please consult our documentation at ${THINKING_DOCS}#important-considerations-when-using-extended-thinking`;
    }
    if (request.top_p !== undefined && request.top_p < 0.95) return '`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled.';
    if (request.top_k !== undefined) return '`top_k` must be unset when thinking is enabled.';
    if (request.tool_choice?.type === 'any' || request.tool_choice?.type === 'tool') return 'Thinking may not be enabled when tool_choice forces tool use.';
  }
  return findToolPairingProblem(request, thinkingOn);
}

/**
 * Every `tool_use` needs its `tool_result` in the next turn and every `tool_result` its `tool_use`
 * in the turn before; while thinking, the assistant turn a tool loop continues must start with a
 * thinking block. Turns are counted after Anthropic combines consecutive same-role messages.
 */
function findToolPairingProblem(request: AnthropicSimulatedRequest, thinkingOn: boolean): string | undefined {
  const turns = combineAnthropicTurns(request.messages);
  for (const [index, turn] of turns.entries()) {
    const next = turns[index + 1];
    if (turn.role === 'assistant' && next) {
      const answered = new Set(next.role === 'user' ? next.blocks.filter((block) => block.type === 'tool_result').map((block) => block.tool_use_id) : []);
      const unanswered = turn.blocks.filter((block) => block.type === 'tool_use' && !answered.has(block.id)).map((block) => String(block.id));
      if (unanswered.length > 0) {
        return `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    }
    if (turn.role === 'user') {
      const previous = turns[index - 1];
      const called = new Set(previous?.role === 'assistant' ? previous.blocks.filter((block) => block.type === 'tool_use').map((block) => block.id) : []);
      for (const [blockIndex, block] of turn.blocks.entries()) {
        if (block.type === 'tool_result' && !called.has(block.tool_use_id)) {
          return `messages.${index}.content.${blockIndex}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
      }
    }
  }
  const last = turns[turns.length - 1];
  const previous = turns[turns.length - 2];
  if (thinkingOn && last?.role === 'user' && last.blocks.some((block) => block.type === 'tool_result') && previous?.role === 'assistant') {
    const first = previous.blocks[0];
    if (first && first.type !== 'thinking' && first.type !== 'redacted_thinking') {
      return `messages.${turns.length - 2}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first.type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at ${THINKING_DOCS}`;
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

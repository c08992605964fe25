import type { CatalogModel } from '../../catalog/catalog-model.ts';
import type { ChatRequest } from '../../core/chat-types.ts';
import type { Adjustment } from '../../core/adjustment.ts';
import type { AnthropicMessageParam, AnthropicMessagesRequest, AnthropicTextBlockParam } from './anthropic-api.ts';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.ts';
import { mapReasoningEffortToThinking } from './map-reasoning-effort-to-thinking.ts';
import { prepareAnthropicTools } from './prepare-anthropic-tools.ts';

/** Fields of the hub request this converter reads; any other field with a value is reported as dropped. */
const TRANSLATED_FIELDS = new Set([
  'model', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'top_k', 'stop',
  'reasoning_effort', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format', 'user',
]);

/** OpenAI parameters at their OpenAI default: sending nothing to Anthropic changes nothing, so nothing is reported. */
const OPENAI_DEFAULTS: Record<string, unknown> = { n: 1, logprobs: false, presence_penalty: 0, frequency_penalty: 0, store: false };

/** Why Anthropic cannot take the OpenAI parameters clients send most; others get a generic reason. */
const MISSING_IN_ANTHROPIC: Record<string, string> = {
  n: 'Anthropic answers with one choice',
  logprobs: 'Anthropic returns no log probabilities',
  top_logprobs: 'Anthropic returns no log probabilities',
  presence_penalty: 'Anthropic has no presence penalty',
  frequency_penalty: 'Anthropic has no frequency penalty',
  logit_bias: 'Anthropic has no logit bias',
  seed: 'Anthropic has no sampling seed',
};

/** Anthropic's sampling limits while thinking. @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#feature-compatibility */
const THINKING_MINIMUM_TOP_P = 0.95;

/** Instruction sent for `response_format: json_object`, which Anthropic has no mode for. */
export const JSON_OBJECT_INSTRUCTION = 'Respond with a single JSON object and nothing else: no prose, no code fences.';

/**
 * A hub (OpenAI chat) request as an Anthropic Messages request, with every change a client would
 * not expect reported as an Adjustment:
 * - `max_completion_tokens` / `max_tokens` → `max_tokens` (required by Anthropic; the catalog's
 *   `defaultMaxTokens` when the client sets none);
 * - `reasoning_effort` → `thinking.budget_tokens` (table in map-reasoning-effort-to-thinking.ts);
 *   while thinking, a temperature other than 1, a top_p under 0.95 and top_k are dropped, and
 *   thinking itself is dropped when `tool_choice` forces a tool or when the turn continues a tool
 *   call whose assistant message carries no signed thinking block — both of which Anthropic refuses;
 * - `temperature` above 1 → 1 (Anthropic's range is 0–1);
 * - `stop` → `stop_sequences`; `user` → `metadata.user_id`;
 * - `response_format` json_schema → structured outputs (`output_config.format`), answered as text
 *   content; json_object → an instruction in the system prompt (Anthropic has no JSON mode);
 * - penalties, logprobs, n > 1, seed and any other OpenAI-only field → dropped.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function convertToAnthropicRequest(request: ChatRequest, model: CatalogModel): { body: AnthropicMessagesRequest; adjustments: Adjustment[] } {
  const prompt = convertToAnthropicMessages(request.messages);
  const tools = prepareAnthropicTools(request);
  const adjustments: Adjustment[] = [...prompt.adjustments, ...tools.adjustments];

  const requestedMaxTokens = positive(request.max_completion_tokens) ?? positive(request.max_tokens);
  if (positive(request.max_completion_tokens) !== undefined && positive(request.max_tokens) !== undefined && request.max_tokens !== request.max_completion_tokens) {
    adjustments.push({ parameter: 'max_tokens', action: 'dropped', reason: 'max_completion_tokens was also sent and is used as Anthropic max_tokens' });
  }

  let effort = typeof request.reasoning_effort === 'string' ? request.reasoning_effort : undefined;
  if (effort && effort !== 'none') {
    const refusal = thinkingRefusal(tools.toolChoice?.type, prompt.messages);
    if (refusal) {
      adjustments.push({ parameter: 'reasoning_effort', action: 'dropped', reason: refusal });
      effort = undefined;
    }
  }
  const thinking = mapReasoningEffortToThinking({
    effort,
    requestedMaxTokens,
    defaultMaxTokens: model.parameters.defaultMaxTokens ?? model.maxOutputTokens,
    modelMaxTokens: model.maxOutputTokens,
  });
  if (thinking.adjustment) adjustments.push(thinking.adjustment);

  const body: AnthropicMessagesRequest = { model: model.upstreamId, max_tokens: thinking.maxTokens, messages: prompt.messages };
  const system: AnthropicTextBlockParam[] = [...(prompt.system ?? [])];
  if (thinking.budgetTokens !== undefined) body.thinking = { type: 'enabled', budget_tokens: thinking.budgetTokens };

  const temperature = finite(request.temperature);
  if (temperature !== undefined) {
    if (body.thinking && temperature !== 1) {
      adjustments.push({ parameter: 'temperature', action: 'dropped', reason: 'Claude takes only temperature 1 while thinking' });
    } else if (temperature > 1) {
      body.temperature = 1;
      adjustments.push({ parameter: 'temperature', action: 'mapped', reason: `${temperature} sent as 1, the highest temperature Anthropic accepts (its range is 0 to 1)` });
    } else {
      body.temperature = temperature;
    }
  }
  const topP = finite(request.top_p);
  if (topP !== undefined) {
    if (body.thinking && topP < THINKING_MINIMUM_TOP_P) {
      adjustments.push({ parameter: 'top_p', action: 'dropped', reason: `Claude takes top_p of ${THINKING_MINIMUM_TOP_P} or more only while thinking` });
    } else {
      body.top_p = topP;
    }
  }
  const topK = finite(request.top_k);
  if (topK !== undefined) {
    if (body.thinking) adjustments.push({ parameter: 'top_k', action: 'dropped', reason: 'Claude takes no top_k while thinking' });
    else body.top_k = topK;
  }

  const stop = typeof request.stop === 'string' ? [request.stop] : Array.isArray(request.stop) ? request.stop.filter((sequence) => typeof sequence === 'string' && sequence !== '') : [];
  if (stop.length > 0) body.stop_sequences = stop;
  if (tools.tools) body.tools = tools.tools;
  if (tools.toolChoice) body.tool_choice = tools.toolChoice;
  if (typeof request.user === 'string' && request.user !== '') body.metadata = { user_id: request.user };

  const format = request.response_format;
  if (format?.type === 'json_schema') {
    const schema = (format.json_schema as { schema?: unknown } | undefined)?.schema;
    body.output_config = { format: { type: 'json_schema', schema: isRecord(schema) ? schema : { type: 'object' } } };
  } else if (format?.type === 'json_object') {
    system.push({ type: 'text', text: JSON_OBJECT_INSTRUCTION });
    adjustments.push({ parameter: 'response_format', action: 'rewritten', reason: 'Anthropic has no JSON mode; json_object sent as an instruction in the system prompt' });
  }
  if (system.length > 0) body.system = system;
  if (request.stream === true) body.stream = true;

  for (const [field, value] of Object.entries(request)) {
    if (TRANSLATED_FIELDS.has(field) || value === undefined || value === null || OPENAI_DEFAULTS[field] === value) continue;
    adjustments.push({ parameter: field, action: 'dropped', reason: MISSING_IN_ANTHROPIC[field] ?? "not part of Anthropic's Messages API" });
  }
  return { body, adjustments };
}

/**
 * Why Claude cannot think for this request, if it cannot: Anthropic refuses thinking with a forced
 * tool, and refuses a tool-result turn whose assistant turn does not start with a thinking block
 * (OpenAI clients usually send the assistant message back without the signed `thinking_blocks`).
 * @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#extended-thinking-with-tool-use
 */
function thinkingRefusal(toolChoiceType: string | undefined, messages: AnthropicMessageParam[]): string | undefined {
  if (toolChoiceType === 'any' || toolChoiceType === 'tool') return 'Claude cannot think while tool_choice forces a tool; the forced tool call was kept';
  const last = messages[messages.length - 1];
  const previous = messages[messages.length - 2];
  const continuesToolCall = last?.role === 'user' && Array.isArray(last.content) && last.content.some((block) => block.type === 'tool_result');
  if (!continuesToolCall || previous?.role !== 'assistant' || !Array.isArray(previous.content)) return undefined;
  const first = previous.content[0];
  if (first?.type === 'thinking' || first?.type === 'redacted_thinking') return undefined;
  return "the assistant tool call this turn answers carries no signed thinking block (send back the message's thinking_blocks to keep thinking on)";
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

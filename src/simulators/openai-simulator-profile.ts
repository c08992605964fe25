import { findToolMessageIssue } from './check-chat-request-shape.ts';
import { assertNever } from './assert-never.ts';
import { deterministicId } from './deterministic-id.ts';
import { planStreamParts } from './plan-stream-parts.ts';
import { SimulatorError } from './simulator-error.ts';
import type {
  ChatRequestBody,
  RenderedStream,
  RequestShapeIssue,
  SimulatedChoice,
  SimulatedModel,
  SimulatedTurn,
  SimulatorProfile,
  TurnPlan,
} from './simulator-profile.ts';

/**
 * How a model treats reasoning parameters:
 * - `classic`: no reasoning; `reasoning_effort` is an unsupported parameter.
 * - `gpt-5`: always reasons (default effort "medium"); only default sampling parameters.
 * - `gpt-5.1`: defaults to effort "none" and then accepts sampling parameters; reasoning efforts
 *   forbid them again. @see https://platform.openai.com/docs/guides/latest-model
 * - `chat-latest-reasoning`: gpt-5.1-chat-latest, a reasoning model fixed at effort "medium".
 * - `chat-latest`: gpt-5-chat-latest, a non-reasoning chat model without function calling.
 */
type ReasoningFamily = 'classic' | 'gpt-5' | 'gpt-5.1' | 'chat-latest-reasoning' | 'chat-latest';

interface OpenAIModel extends SimulatedModel {
  family: ReasoningFamily;
  efforts: readonly string[];
  defaultEffort: string | null;
  /**
   * Rejects function tools together with a reasoning effort on /v1/chat/completions. Not gpt-5.1,
   * whose reference says "Tool calls are supported for all reasoning values in gpt-5.1"; the
   * rejection appears from gpt-5.2/gpt-5.4 on (reports: openai/openai-openapi#541,
   * livekit/agents#5088, pipecat-ai/pipecat#4043).
   */
  rejectsToolsWithReasoningEffort: boolean;
}

const created = 1_754_500_000;

const models: OpenAIModel[] = [
  model('gpt-5.1-chat-latest', 'gpt-5.1-chat-latest', 'chat-latest-reasoning', ['medium'], 'medium'),
  model('gpt-5.1', 'gpt-5.1-2025-11-13', 'gpt-5.1', ['none', 'low', 'medium', 'high'], 'none'),
  model('gpt-5-chat-latest', 'gpt-5-chat-latest', 'chat-latest', [], null),
  model('gpt-5', 'gpt-5-2025-08-07', 'gpt-5', ['minimal', 'low', 'medium', 'high'], 'medium'),
  model('gpt-5-mini', 'gpt-5-mini-2025-08-07', 'gpt-5', ['minimal', 'low', 'medium', 'high'], 'medium'),
  { ...model('gpt-5.4', 'gpt-5.4-2026-03-05', 'gpt-5.1', ['none', 'low', 'medium', 'high', 'xhigh'], 'none'), rejectsToolsWithReasoningEffort: true },
  model('gpt-4o', 'gpt-4o-2024-08-06', 'classic', [], null),
  model('gpt-4.1-mini', 'gpt-4.1-mini-2025-04-14', 'classic', [], null),
];

function model(id: string, responseModel: string, family: ReasoningFamily, efforts: string[], defaultEffort: string | null): OpenAIModel {
  return {
    id,
    responseModel,
    created,
    ownedBy: 'system',
    vision: true,
    functionTools: family !== 'chat-latest',
    family,
    efforts,
    defaultEffort,
    rejectsToolsWithReasoningEffort: false,
  };
}

/** Hidden reasoning tokens per effort; the real counts vary, these keep metering tests stable. */
const reasoningTokensByEffort: Record<string, number> = { none: 0, minimal: 16, low: 64, medium: 128, high: 256, xhigh: 512 };

/** Roles /v1/chat/completions accepts. @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages */
const roles = ['system', 'user', 'assistant', 'tool', 'function', 'developer'] as const;

/** Parameters reasoning models refuse outright ("Unsupported parameter"). */
const samplingParameters = ['top_p', 'presence_penalty', 'frequency_penalty', 'logprobs', 'top_logprobs', 'logit_bias'] as const;

export const openaiSimulatorProfile: SimulatorProfile = {
  provider: 'openai',
  basePath: '/openai/v1',
  chatCompletionsRoute: '/chat/completions',
  credentials: 'bearer',
  requiresModelField: true,
  servesModelList: true,
  roles,

  findModel: (modelId) => models.find((candidate) => candidate.id === modelId),

  listModels: () => ({
    object: 'list',
    data: models.map((candidate) => ({ id: candidate.id, object: 'model', created: candidate.created, owned_by: candidate.ownedBy })),
  }),

  authenticationError: () =>
    openaiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
      'invalid_request_error',
      null,
      null,
    ),

  invalidJsonError: () =>
    openaiError(
      400,
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
      'invalid_request_error',
      null,
      null,
    ),

  requestShapeError: (issue) => renderShapeIssue(issue),

  unknownModelError: (modelId) =>
    openaiError(404, `The model \`${modelId}\` does not exist or you do not have access to it.`, 'invalid_request_error', null, 'model_not_found'),

  checkRequest: (request, simulatedModel) => checkOpenAIRequest(request, simulatedModel as OpenAIModel),

  planTurn: (request, simulatedModel): TurnPlan => {
    const openaiModel = simulatedModel as OpenAIModel;
    const effort = typeof request.reasoning_effort === 'string' ? request.reasoning_effort : openaiModel.defaultEffort;
    const reasons = openaiModel.family !== 'classic' && openaiModel.family !== 'chat-latest';
    return {
      responseModel: openaiModel.responseModel,
      reasoningPlacement: reasons ? 'hidden' : 'none',
      hiddenReasoningTokens: reasons ? (reasoningTokensByEffort[effort ?? 'none'] ?? 0) : 0,
      allowToolCalls: openaiModel.functionTools,
      honorsStop: true,
      promptCaching: 'openai',
      citationMarkers: false,
    };
  },

  toolCallId: (sequence, index) => `call_${deterministicId(`openai-tool:${sequence}:${index}`, 24)}`,
  completionId: (sequence) => `chatcmpl-${deterministicId(`openai:${sequence}`, 29)}`,

  // OpenAI pretty-prints non-streamed answers with two-space indentation.
  renderCompletion: (turn) => JSON.stringify(renderCompletionBody(turn), null, 2),

  renderStream: (turn): RenderedStream => {
    const includeUsage = turn.request.stream_options?.include_usage === true;
    const obfuscate = turn.request.stream_options?.include_obfuscation !== false;
    const events: string[] = [];
    let chunkNumber = 0;
    const chunk = (choices: unknown[], usage?: unknown): string => {
      chunkNumber += 1;
      const body: Record<string, unknown> = {
        id: turn.id,
        object: 'chat.completion.chunk',
        created: turn.created,
        model: turn.plan.responseModel,
        service_tier: 'default',
        system_fingerprint: null,
      };
      // With include_usage, every chunk carries `usage: null` until the final usage-only chunk.
      // @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
      if (includeUsage) body.usage = usage ?? null;
      body.choices = choices;
      // Random padding that evens out chunk sizes against side channels (default on).
      // @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options-include_obfuscation
      if (obfuscate) body.obfuscation = deterministicId(`${turn.id}:${chunkNumber}`, 1 + (chunkNumber * 7) % 15);
      return JSON.stringify(body);
    };
    for (const choice of turn.choices) {
      const opening = choice.toolCalls.length > 0 ? { role: 'assistant', content: null } : { role: 'assistant', content: '', refusal: null };
      events.push(chunk([{ index: choice.index, delta: opening, finish_reason: null }]));
      for (const part of planStreamParts(choice, { toolCalls: 'fragments' })) {
        switch (part.type) {
          case 'text-delta':
            events.push(chunk([{ index: choice.index, delta: { content: part.text }, finish_reason: null }]));
            break;
          case 'tool-call-start':
            events.push(chunk([{ index: choice.index, delta: { tool_calls: [{ index: part.toolIndex, id: part.id, type: 'function', function: { name: part.name, arguments: '' } }] }, finish_reason: null }]));
            break;
          case 'tool-call-delta':
            events.push(chunk([{ index: choice.index, delta: { tool_calls: [{ index: part.toolIndex, function: { arguments: part.argumentsDelta } }] }, finish_reason: null }]));
            break;
          case 'finish':
            events.push(chunk([{ index: choice.index, delta: {}, finish_reason: part.finishReason }]));
            break;
          case 'reasoning-delta':
          case 'tool-call':
            // OpenAI never streams reasoning text or whole tool calls on /v1/chat/completions.
            break;
          default:
            assertNever(part);
        }
      }
    }
    if (includeUsage) events.push(chunk([], renderUsage(turn)));
    return { events, lineEnding: '\n', terminator: '[DONE]' };
  },

  responseHeaders: (turn, streamed) => {
    const sequence = turn?.sequence ?? 0;
    const promptTokens = turn?.usage.promptTokens ?? 0;
    return {
      'content-type': streamed ? 'text/event-stream; charset=utf-8' : 'application/json',
      'x-request-id': `req_${deterministicId(`openai-request:${sequence}`, 32, '0123456789abcdef')}`,
      'openai-organization': 'user-simulated',
      'openai-project': 'proj_simulated',
      'openai-processing-ms': String(40 + (sequence % 60)),
      'openai-version': '2020-10-01',
      'x-ratelimit-limit-requests': '10000',
      'x-ratelimit-limit-tokens': '30000000',
      'x-ratelimit-remaining-requests': '9999',
      'x-ratelimit-remaining-tokens': String(30_000_000 - promptTokens),
      'x-ratelimit-reset-requests': '6ms',
      'x-ratelimit-reset-tokens': '0s',
    };
  },

  faultError: (status) => {
    switch (status) {
      case 429:
        return openaiError(429, 'Rate limit reached for requests per min (RPM): Limit 10000, Used 10000, Requested 1. Please try again in 6ms. Visit https://platform.openai.com/account/rate-limits to learn more.', 'requests', null, 'rate_limit_exceeded');
      case 503:
        return openaiError(503, 'The engine is currently overloaded, please try again later', 'server_error', null, null);
      default:
        return status >= 500
          ? openaiError(status, 'The server had an error while processing your request. Sorry about that!', 'server_error', null, null)
          : openaiError(status, 'The request was rejected by the simulator fault.', 'invalid_request_error', null, null);
    }
  },

  streamErrorEvent: () =>
    JSON.stringify({ error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } }),
};

/** OpenAI refuses longer tool call ids (a Gemini id carrying its thought signature, for one). */
const MAX_TOOL_CALL_ID_LENGTH = 40;

function checkOpenAIRequest(request: ChatRequestBody, openaiModel: OpenAIModel): SimulatorError | undefined {
  const toolIssue = findToolMessageIssue(request);
  if (toolIssue) return renderShapeIssue(toolIssue);
  for (const [index, message] of request.messages.entries()) {
    for (const [callIndex, call] of (message.tool_calls ?? []).entries()) {
      const id = String(call.id);
      if (id.length > MAX_TOOL_CALL_ID_LENGTH) {
        const param = `messages[${index}].tool_calls[${callIndex}].id`;
        return openaiError(400, `Invalid '${param}': string too long. Expected a string with maximum length ${MAX_TOOL_CALL_ID_LENGTH}, but got a string with length ${id.length} instead.`, 'invalid_request_error', param, 'string_above_max_length');
      }
    }
  }

  const hasTools = Array.isArray(request.tools) && request.tools.length > 0;
  if (!hasTools && request.tool_choice !== undefined && request.tool_choice !== null) {
    return openaiError(400, "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", 'invalid_request_error', 'tool_choice', null);
  }
  if (hasTools && !openaiModel.functionTools) {
    return openaiError(400, 'tools is not supported in this model. For a list of supported models, refer to https://platform.openai.com/docs/guides/function-calling#models-supporting-function-calling.', 'invalid_request_error', null, null);
  }

  const effort = request.reasoning_effort;
  const hasEffort = effort !== undefined && effort !== null;
  if (hasEffort && (openaiModel.family === 'classic' || openaiModel.family === 'chat-latest')) {
    return unsupportedParameter('reasoning_effort');
  }
  if (hasEffort && !openaiModel.efforts.includes(String(effort))) {
    return openaiError(400, `Unsupported value: 'reasoning_effort' does not support '${String(effort)}' with this model. Supported values are: ${listValues(openaiModel.efforts)}.`, 'invalid_request_error', 'reasoning_effort', 'unsupported_value');
  }
  if (hasTools && hasEffort && effort !== 'none' && openaiModel.rejectsToolsWithReasoningEffort) {
    return openaiError(400, `Function tools with reasoning_effort are not supported for ${openaiModel.id} in /v1/chat/completions. Please use /v1/responses instead.`, 'invalid_request_error', 'reasoning_effort', null);
  }

  if (openaiModel.family === 'classic' || openaiModel.family === 'chat-latest') return undefined;

  // Reasoning models count visible and reasoning tokens against one limit with a new name.
  // @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-max_tokens
  if (request.max_tokens !== undefined && request.max_tokens !== null) {
    return openaiError(400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'invalid_request_error', 'max_tokens', 'unsupported_parameter');
  }
  if (request.stop !== undefined && request.stop !== null) return unsupportedParameter('stop');

  const reasoningOff = openaiModel.family === 'gpt-5.1' && (hasEffort ? effort : openaiModel.defaultEffort) === 'none';
  for (const parameter of ['presence_penalty', 'frequency_penalty', 'logit_bias'] as const) {
    if (request[parameter] !== undefined && request[parameter] !== null) return unsupportedParameter(parameter);
  }
  if (reasoningOff) return undefined;
  const temperature = request.temperature;
  if (typeof temperature === 'number' && temperature !== 1) {
    return openaiError(400, `Unsupported value: 'temperature' does not support ${String(temperature)} with this model. Only the default (1) value is supported.`, 'invalid_request_error', 'temperature', 'unsupported_value');
  }
  for (const parameter of samplingParameters) {
    if (request[parameter] !== undefined && request[parameter] !== null) return unsupportedParameter(parameter);
  }
  return undefined;
}

function renderShapeIssue(issue: RequestShapeIssue): SimulatorError {
  switch (issue.kind) {
    case 'missing':
      return issue.param === 'model'
        ? openaiError(400, 'you must provide a model parameter', 'invalid_request_error', null, null)
        : openaiError(400, `Missing required parameter: '${issue.param}'.`, 'invalid_request_error', issue.param, 'missing_required_parameter');
    case 'invalid-type':
      return issue.param === 'body'
        ? openaiError(400, `Invalid type for body: expected an object, but got ${article(issue.received)} instead.`, 'invalid_request_error', null, 'invalid_type')
        : openaiError(400, `Invalid type for '${issue.param}': expected ${article(openaiTypeName(issue.expected))}, but got ${article(issue.received)} instead.`, 'invalid_request_error', issue.param, 'invalid_type');
    case 'empty-array':
      return openaiError(400, `Invalid '${issue.param}': empty array. Expected an array with minimum length 1, but got an empty array instead.`, 'invalid_request_error', issue.param, 'empty_array');
    case 'invalid-role':
      return openaiError(400, `Invalid value: '${issue.role}'. Supported values are: ${listValues(roles)}.`, 'invalid_request_error', issue.param, 'invalid_value');
    case 'orphan-tool-message':
      // The misspelling is OpenAI's own.
      return openaiError(400, "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", 'invalid_request_error', issue.param, null);
    case 'unanswered-tool-calls':
      return openaiError(400, `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${issue.toolCallIds.join(', ')}`, 'invalid_request_error', issue.param, null);
    default:
      return assertNever(issue);
  }
}

function renderCompletionBody(turn: SimulatedTurn): unknown {
  return {
    id: turn.id,
    object: 'chat.completion',
    created: turn.created,
    model: turn.plan.responseModel,
    choices: turn.choices.map((choice) => ({
      index: choice.index,
      message: renderMessage(choice),
      logprobs: null,
      finish_reason: choice.finishReason,
    })),
    usage: renderUsage(turn),
    service_tier: 'default',
    system_fingerprint: null,
  };
}

function renderMessage(choice: SimulatedChoice): unknown {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: choice.toolCalls.length > 0 ? null : (choice.content ?? ''),
    refusal: null,
    annotations: [],
  };
  if (choice.toolCalls.length > 0) {
    message.tool_calls = choice.toolCalls.map((toolCall) => ({
      id: toolCall.id,
      type: 'function',
      function: { name: toolCall.name, arguments: toolCall.arguments },
    }));
  }
  return message;
}

/**
 * OpenAI counts reasoning tokens inside `completion_tokens` and reports them again in the details.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
function renderUsage(turn: SimulatedTurn): unknown {
  const completionTokens = turn.usage.answerTokens + turn.usage.reasoningTokens;
  return {
    prompt_tokens: turn.usage.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: turn.usage.promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: turn.usage.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: turn.usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function unsupportedParameter(parameter: string): SimulatorError {
  return openaiError(400, `Unsupported parameter: '${parameter}' is not supported with this model.`, 'invalid_request_error', parameter, 'unsupported_parameter');
}

export function openaiError(status: number, message: string, type: string, param: string | null, code: string | null): SimulatorError {
  return new SimulatorError(status, { error: { message, type, param, code } });
}

/** "'a', 'b', and 'c'", the way OpenAI lists allowed values. */
function listValues(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  if (quoted.length <= 1) return quoted.join('');
  if (quoted.length === 2) return `${quoted[0]} and ${quoted[1]}`;
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
}

/** OpenAI calls a JSON number that may have a fraction a "decimal". */
function openaiTypeName(expected: string): string {
  return expected === 'number' ? 'decimal' : expected;
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

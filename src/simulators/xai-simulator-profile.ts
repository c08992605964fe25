import { assertNever } from './assert-never.ts';
import { deterministicId } from './deterministic-id.ts';
import { deterministicUuid } from './deterministic-uuid.ts';
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

interface XaiModel extends SimulatedModel {
  /**
   * grok-4 reasons but never shows it; grok-3-mini returns `reasoning_content`; grok-3 does not
   * reason. "In Chat Completions, only grok-3-mini returns message.reasoning_content."
   * @see https://docs.x.ai/docs/guides/reasoning
   */
  reasoning: 'hidden' | 'field' | 'none';
  /** Only grok-3-mini takes `reasoning_effort`, and only "low" or "high". */
  efforts: readonly string[];
  /** USD per million tokens: input, cached input, output (reasoning bills as output). */
  prices: { input: number; cachedInput: number; output: number };
}

const models: XaiModel[] = [
  {
    id: 'grok-4',
    responseModel: 'grok-4-0709',
    created: 1_752_019_200,
    ownedBy: 'xai',
    vision: true,
    functionTools: true,
    reasoning: 'hidden',
    efforts: [],
    prices: { input: 3, cachedInput: 0.75, output: 15 },
  },
  {
    id: 'grok-3-mini',
    responseModel: 'grok-3-mini',
    created: 1_743_724_800,
    ownedBy: 'xai',
    vision: false,
    functionTools: true,
    reasoning: 'field',
    efforts: ['low', 'high'],
    prices: { input: 0.3, cachedInput: 0.075, output: 0.5 },
  },
  {
    id: 'grok-3',
    responseModel: 'grok-3',
    created: 1_743_724_800,
    ownedBy: 'xai',
    vision: false,
    functionTools: true,
    reasoning: 'none',
    efforts: [],
    prices: { input: 3, cachedInput: 0.75, output: 15 },
  },
];

/** grok-4's hidden reasoning cannot be tuned; a fixed count keeps metering tests stable. */
const grok4ReasoningTokens = 192;

const roles = ['system', 'user', 'assistant', 'tool', 'function', 'developer'] as const;

/**
 * xAI's error body is `{"code": <gRPC status description>, "error": <message>}`; the codes below are
 * the descriptions its API returns for each status.
 * @see https://docs.x.ai/docs/key-information/debugging
 */
const statusCodes: Record<number, string> = {
  400: 'Client specified an invalid argument',
  401: 'The request does not have valid authentication credentials for the operation',
  403: 'The caller does not have permission to execute the specified operation',
  404: 'Some requested entity was not found',
  422: 'Client specified an invalid argument',
  429: 'Some resource has been exhausted',
  500: 'Internal error',
  503: 'The service is currently unavailable',
};

/** Parameter names as xAI spells them in its refusals ("does not support parameter presencePenalty"). */
const wireNames: Record<string, string> = {
  presence_penalty: 'presencePenalty',
  frequency_penalty: 'frequencyPenalty',
  stop: 'stop',
  reasoning_effort: 'reasoningEffort',
};

export const xaiSimulatorProfile: SimulatorProfile = {
  provider: 'xai',
  basePath: '/xai/v1',
  chatCompletionsRoute: '/chat/completions',
  credentials: 'bearer',
  requiresModelField: true,
  roles,
  servesModelList: true,

  findModel: (modelId) => models.find((candidate) => candidate.id === modelId),

  listModels: () => ({
    data: models.map((candidate) => ({ id: candidate.id, created: candidate.created, object: 'model', owned_by: candidate.ownedBy })),
    object: 'list',
  }),

  authenticationError: () =>
    xaiError(401, 'Missing or invalid authorization header. Supply an Authorization: Bearer <XAI_API_KEY> header. You can obtain an API key from https://console.x.ai.'),

  invalidJsonError: () => xaiError(400, 'Failed to parse the request body as JSON: expected value at line 1 column 1'),

  requestShapeError: (issue) => renderShapeIssue(issue),

  unknownModelError: (modelId) =>
    xaiError(
      404,
      `The model ${modelId} does not exist or your team 00000000-0000-4000-8000-000000000000 does not have access to it. Please ensure you're using the correct API key. If you believe this is a mistake, please contact support and quote your team ID and the model name.`,
    ),

  checkRequest: (request, simulatedModel) => checkXaiRequest(request, simulatedModel as XaiModel),

  planTurn: (request, simulatedModel): TurnPlan => {
    const xaiModel = simulatedModel as XaiModel;
    // grok-3-mini answers under an effort-suffixed name when asked to think hard ("grok-3-mini-high").
    const responseModel = xaiModel.id === 'grok-3-mini' && request.reasoning_effort === 'high' ? 'grok-3-mini-high' : xaiModel.responseModel;
    return {
      responseModel,
      reasoningPlacement: xaiModel.reasoning,
      hiddenReasoningTokens: xaiModel.reasoning === 'hidden' ? grok4ReasoningTokens : 0,
      allowToolCalls: xaiModel.functionTools,
      honorsStop: true,
      promptCaching: 'prefix',
      citationMarkers: false,
    };
  },

  toolCallId: (sequence, index) => `call_${deterministicId(`xai-tool:${sequence}:${index}`, 8, '0123456789')}`,
  completionId: (sequence) => deterministicUuid(`xai:${sequence}`),

  renderCompletion: (turn) =>
    JSON.stringify({
      id: turn.id,
      object: 'chat.completion',
      created: turn.created,
      model: turn.plan.responseModel,
      choices: turn.choices.map((choice) => ({ index: choice.index, message: renderMessage(choice), finish_reason: choice.finishReason })),
      usage: renderUsage(turn),
      system_fingerprint: fingerprint(turn),
    }),

  renderStream: (turn): RenderedStream => {
    const base = { id: turn.id, object: 'chat.completion.chunk', created: turn.created, model: turn.plan.responseModel };
    const events: string[] = [];
    for (const choice of turn.choices) {
      let first = true;
      // The first delta carries the role next to its text, and interim chunks have no finish_reason.
      const delta = (fields: Record<string, unknown>): Record<string, unknown> => {
        if (!first) return fields;
        first = false;
        return { ...fields, role: 'assistant' };
      };
      for (const part of planStreamParts(choice, { toolCalls: 'whole' })) {
        let chunkChoice: Record<string, unknown>;
        switch (part.type) {
          case 'reasoning-delta':
            chunkChoice = { index: choice.index, delta: delta({ reasoning_content: part.text }) };
            break;
          case 'text-delta':
            chunkChoice = { index: choice.index, delta: delta({ content: part.text }) };
            break;
          case 'tool-call':
            chunkChoice = {
              index: choice.index,
              delta: delta({ tool_calls: [{ id: part.id, function: { name: part.name, arguments: part.arguments }, index: part.toolIndex, type: 'function' }] }),
            };
            break;
          case 'finish':
            chunkChoice = { index: choice.index, delta: first ? delta({}) : {}, finish_reason: part.finishReason };
            break;
          case 'tool-call-start':
          case 'tool-call-delta':
            continue;
          default:
            return assertNever(part);
        }
        events.push(JSON.stringify({ ...base, choices: [chunkChoice], system_fingerprint: fingerprint(turn) }));
      }
    }
    if (turn.request.stream_options?.include_usage === true) {
      events.push(JSON.stringify({ ...base, choices: [], usage: renderUsage(turn), system_fingerprint: fingerprint(turn) }));
    }
    return { events, lineEnding: '\n', terminator: '[DONE]' };
  },

  responseHeaders: (_turn, streamed) => ({ 'content-type': streamed ? 'text/event-stream' : 'application/json' }),

  faultError: (status) => {
    if (status === 429) return xaiError(429, 'Your team has exceeded its rate limit of requests per second. Please slow down or increase your rate limit on xAI Console.');
    if (status >= 500) return xaiError(status, 'The service is temporarily unavailable. Please try again later.');
    return xaiError(status, 'The request was rejected by the simulator fault.');
  },

  streamErrorEvent: () => JSON.stringify({ code: statusCodes[500], error: 'The model stopped responding. Please try again later.' }),
};

function checkXaiRequest(request: ChatRequestBody, xaiModel: XaiModel): SimulatorError | undefined {
  // "presencePenalty, frequencyPenalty and stop parameters are not supported by reasoning models.
  // Adding them in the request would result in an error." — even when set to 0.
  // @see https://docs.x.ai/docs/guides/reasoning
  if (xaiModel.reasoning !== 'none') {
    for (const parameter of ['presence_penalty', 'frequency_penalty', 'stop'] as const) {
      if (request[parameter] !== undefined && request[parameter] !== null) return unsupportedParameter(xaiModel, parameter);
    }
  }
  const effort = request.reasoning_effort;
  if (effort !== undefined && effort !== null) {
    // "reasoning_effort is not supported by grok-3, grok-4 ... Only grok-3-mini supports
    // reasoning_effort", with the values "low" and "high".
    if (xaiModel.efforts.length === 0) return unsupportedParameter(xaiModel, 'reasoning_effort');
    if (!xaiModel.efforts.includes(String(effort))) {
      return xaiError(422, `Failed to deserialize the JSON body into the target type: reasoning_effort: unknown variant \`${String(effort)}\`, expected \`low\` or \`high\``);
    }
  }
  if (!xaiModel.vision && hasImages(request)) {
    return xaiError(400, `Model ${xaiModel.responseModel} does not support image inputs.`);
  }
  return undefined;
}

function renderShapeIssue(issue: RequestShapeIssue): SimulatorError {
  // xAI deserializes request bodies strictly; malformed fields are 422s in serde's words.
  switch (issue.kind) {
    case 'missing':
      return xaiError(422, `Failed to deserialize the JSON body into the target type: missing field \`${lastSegment(issue.param)}\``);
    case 'invalid-type':
      return xaiError(422, `Failed to deserialize the JSON body into the target type: ${issue.param}: invalid type: ${issue.received}, expected ${issue.expected === 'array' ? 'a sequence' : `a ${issue.expected}`}`);
    case 'empty-array':
      return xaiError(400, 'Empty messages are not allowed. Please provide at least one message.');
    case 'invalid-role':
      return xaiError(422, `Failed to deserialize the JSON body into the target type: ${issue.param}: unknown variant \`${issue.role}\`, expected one of ${roles.map((role) => `\`${role}\``).join(', ')}`);
    case 'orphan-tool-message':
    case 'unanswered-tool-calls':
      return xaiError(400, 'Tool messages must follow an assistant message with tool calls.');
    default:
      return assertNever(issue);
  }
}

function renderMessage(choice: SimulatedChoice): unknown {
  const message: Record<string, unknown> = { role: 'assistant', content: choice.content ?? '' };
  if (choice.reasoning !== null) message.reasoning_content = choice.reasoning;
  if (choice.toolCalls.length > 0) {
    message.tool_calls = choice.toolCalls.map((toolCall) => ({
      id: toolCall.id,
      function: { name: toolCall.name, arguments: toolCall.arguments },
      type: 'function',
    }));
  }
  message.refusal = null;
  return message;
}

/**
 * Unlike OpenAI, xAI leaves reasoning out of `completion_tokens` and adds it to `total_tokens`
 * (a recorded grok-3-mini answer: prompt 288 + completion 27 + reasoning 350 = total 665), and
 * prices the request in `cost_in_usd_ticks` (10^-10 USD).
 * @see https://docs.x.ai/docs/guides/reasoning
 */
function renderUsage(turn: SimulatedTurn): unknown {
  const { promptTokens, cachedTokens, imageTokens, answerTokens, reasoningTokens } = turn.usage;
  const prices = (turn.model as XaiModel).prices;
  const ticksPerToken = 1e4; // 10^-6 million × 10^10 ticks per dollar
  const costInUsdTicks = Math.round(
    ((promptTokens - cachedTokens) * prices.input + cachedTokens * prices.cachedInput + (answerTokens + reasoningTokens) * prices.output) * ticksPerToken,
  );
  return {
    prompt_tokens: promptTokens,
    completion_tokens: answerTokens,
    total_tokens: promptTokens + answerTokens + reasoningTokens,
    prompt_tokens_details: { text_tokens: promptTokens - imageTokens, audio_tokens: 0, image_tokens: imageTokens, cached_tokens: cachedTokens },
    completion_tokens_details: { reasoning_tokens: reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    num_sources_used: 0,
    cost_in_usd_ticks: costInUsdTicks,
  };
}

function unsupportedParameter(xaiModel: XaiModel, parameter: string): SimulatorError {
  return xaiError(400, `Model ${xaiModel.responseModel} does not support parameter ${wireNames[parameter] ?? parameter}.`);
}

function xaiError(status: number, message: string): SimulatorError {
  return new SimulatorError(status, { code: statusCodes[status] ?? statusCodes[400], error: message });
}

function hasImages(request: ChatRequestBody): boolean {
  return request.messages.some((message) => Array.isArray(message.content) && message.content.some((part) => part.type === 'image_url'));
}

function fingerprint(turn: SimulatedTurn): string {
  return `fp_${deterministicId(`xai-fingerprint:${turn.model.id}`, 10, '0123456789abcdef')}`;
}

function lastSegment(param: string): string {
  return param.split('.').pop() ?? param;
}

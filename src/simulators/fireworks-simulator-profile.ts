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

interface FireworksModel extends SimulatedModel {
  /**
   * "reasoning_content ... is only available for certain reasoning models (GLM 4.5, GLM 4.5 Air,
   * GPT OSS 120B, GPT OSS 20B)"; "For OpenAI GPT OSS models, only the string values ('low',
   * 'medium', 'high') are supported."
   * @see https://docs.fireworks.ai/api-reference/post-chatcompletions
   */
  reasoningEfforts: readonly string[] | null;
}

const created = 1_743_897_600;

const models: FireworksModel[] = [
  { id: 'accounts/fireworks/models/gpt-oss-120b', responseModel: 'accounts/fireworks/models/gpt-oss-120b', created, ownedBy: 'fireworks', vision: false, functionTools: true, reasoningEfforts: ['low', 'medium', 'high'] },
  { id: 'accounts/fireworks/models/llama4-scout-instruct-basic', responseModel: 'accounts/fireworks/models/llama4-scout-instruct-basic', created, ownedBy: 'fireworks', vision: true, functionTools: true, reasoningEfforts: null },
  { id: 'accounts/fireworks/models/llama4-maverick-instruct-basic', responseModel: 'accounts/fireworks/models/llama4-maverick-instruct-basic', created, ownedBy: 'fireworks', vision: true, functionTools: true, reasoningEfforts: null },
];

const roles = ['system', 'user', 'assistant', 'tool', 'developer'] as const;

export const fireworksSimulatorProfile: SimulatorProfile = {
  provider: 'fireworks',
  basePath: '/fireworks/inference/v1',
  chatCompletionsRoute: '/chat/completions',
  credentials: 'bearer',
  requiresModelField: true,
  roles,
  servesModelList: true,

  findModel: (modelId) => models.find((candidate) => candidate.id === modelId),

  listModels: () => ({
    object: 'list',
    data: models.map((candidate) => ({ id: candidate.id, object: 'model', owned_by: candidate.ownedBy, created: candidate.created })),
  }),

  authenticationError: () => fireworksError(401, 'unauthorized', 'The API key you provided is invalid.'),
  invalidJsonError: () => fireworksError(400, 'invalid_request_error', 'Invalid JSON in request body.'),
  requestShapeError: (issue) => renderShapeIssue(issue),
  unknownModelError: () => fireworksError(404, 'invalid_request_error', 'Model not found, inaccessible, and/or not deployed'),

  checkRequest: (request, simulatedModel) => checkFireworksRequest(request, simulatedModel as FireworksModel),

  planTurn: (_request, simulatedModel): TurnPlan => ({
    responseModel: simulatedModel.responseModel,
    reasoningPlacement: (simulatedModel as FireworksModel).reasoningEfforts ? 'field' : 'none',
    hiddenReasoningTokens: 0,
    allowToolCalls: simulatedModel.functionTools,
    honorsStop: true,
    promptCaching: 'none',
    citationMarkers: false,
  }),

  toolCallId: (sequence, index) => `call_${deterministicId(`fireworks-tool:${sequence}:${index}`, 24)}`,
  completionId: (sequence) => deterministicUuid(`fireworks:${sequence}`),

  renderCompletion: (turn) =>
    JSON.stringify({
      id: turn.id,
      object: 'chat.completion',
      created: turn.created,
      model: turn.plan.responseModel,
      choices: turn.choices.map((choice) => ({ index: choice.index, message: renderMessage(choice), finish_reason: choice.finishReason })),
      usage: renderUsage(turn),
    }),

  renderStream: (turn): RenderedStream => {
    const base = { id: turn.id, object: 'chat.completion.chunk', created: turn.created, model: turn.plan.responseModel };
    const events: string[] = [];
    const lastChoice = turn.choices[turn.choices.length - 1];
    for (const choice of turn.choices) {
      events.push(JSON.stringify({ ...base, choices: [{ index: choice.index, delta: { role: 'assistant' }, finish_reason: null }] }));
      for (const part of planStreamParts(choice, { toolCalls: 'fragments' })) {
        const delta = (fields: Record<string, unknown>): string =>
          JSON.stringify({ ...base, choices: [{ index: choice.index, delta: fields, finish_reason: null }] });
        switch (part.type) {
          case 'reasoning-delta':
            events.push(delta({ reasoning_content: part.text }));
            break;
          case 'text-delta':
            events.push(delta({ content: part.text }));
            break;
          case 'tool-call-start':
            events.push(delta({ tool_calls: [{ index: part.toolIndex, id: part.id, type: 'function', function: { name: part.name, arguments: '' } }] }));
            break;
          case 'tool-call-delta':
            events.push(delta({ tool_calls: [{ index: part.toolIndex, function: { arguments: part.argumentsDelta } }] }));
            break;
          case 'finish': {
            // Fireworks puts `usage` on the very last chunk — the one that carries finish_reason,
            // with its choice still in `choices` — whether or not stream_options asked for it.
            // @see https://docs.fireworks.ai/api-reference/post-chatcompletions (UsageInfo:
            // "For streaming responses, usage field is included in the very last response chunk")
            const finishChunk: Record<string, unknown> = { ...base, choices: [{ index: choice.index, delta: {}, finish_reason: part.finishReason }] };
            if (choice === lastChoice) finishChunk.usage = renderUsage(turn);
            events.push(JSON.stringify(finishChunk));
            break;
          }
          case 'tool-call':
            break;
          default:
            assertNever(part);
        }
      }
    }
    return { events, lineEnding: '\n', terminator: '[DONE]' };
  },

  responseHeaders: (turn, streamed) => {
    const headers: Record<string, string> = { 'content-type': streamed ? 'text/event-stream' : 'application/json' };
    // Non-streamed answers always carry performance metrics in headers.
    // @see https://docs.fireworks.ai/api-reference/post-chatcompletions (perf_metrics_in_response)
    if (!streamed && turn) {
      headers['fireworks-prompt-tokens'] = String(turn.usage.promptTokens);
      headers['fireworks-server-time-to-first-token'] = '0.05';
      headers['fireworks-server-processing-time'] = '0.1';
    }
    return headers;
  },

  faultError: (status) => {
    if (status === 429) return fireworksError(429, 'rate_limit_exceeded', 'Request rate limit exceeded, please try again later.');
    if (status >= 500) return fireworksError(status, 'internal_server_error', 'Internal server error');
    return fireworksError(status, 'invalid_request_error', 'The request was rejected by the simulator fault.');
  },

  streamErrorEvent: () => JSON.stringify({ error: { object: 'error', type: 'internal_server_error', message: 'Internal server error' } }),
};

function checkFireworksRequest(request: ChatRequestBody, fireworksModel: FireworksModel): SimulatorError | undefined {
  const effort = request.reasoning_effort;
  if (effort !== undefined && effort !== null && fireworksModel.reasoningEfforts && !fireworksModel.reasoningEfforts.includes(String(effort))) {
    return fireworksError(400, 'invalid_request_error', `reasoning_effort must be one of 'low', 'medium' or 'high' for ${fireworksModel.id}, got ${JSON.stringify(effort)}`);
  }
  if (!fireworksModel.vision && request.messages.some((message) => Array.isArray(message.content) && message.content.some((part) => part.type === 'image_url'))) {
    return fireworksError(400, 'invalid_request_error', `Model ${fireworksModel.id} does not support image inputs`);
  }
  return undefined;
}

function renderShapeIssue(issue: RequestShapeIssue): SimulatorError {
  switch (issue.kind) {
    case 'missing':
      return fireworksError(400, 'invalid_request_error', `${issue.param}: field required`);
    case 'invalid-type':
      return fireworksError(400, 'invalid_request_error', `${issue.param}: expected ${issue.expected}, got ${issue.received}`);
    case 'empty-array':
      return fireworksError(400, 'invalid_request_error', `${issue.param}: ensure this value has at least 1 items`);
    case 'invalid-role':
      return fireworksError(400, 'invalid_request_error', `${issue.param}: unexpected role '${issue.role}'`);
    case 'orphan-tool-message':
    case 'unanswered-tool-calls':
      return fireworksError(400, 'invalid_request_error', 'Tool messages must answer a tool call of the preceding assistant message.');
    default:
      return assertNever(issue);
  }
}

function renderMessage(choice: SimulatedChoice): unknown {
  const message: Record<string, unknown> = { role: 'assistant', content: choice.toolCalls.length > 0 ? null : (choice.content ?? '') };
  if (choice.reasoning !== null) message.reasoning_content = choice.reasoning;
  if (choice.toolCalls.length > 0) {
    message.tool_calls = choice.toolCalls.map((toolCall, index) => ({
      index,
      id: toolCall.id,
      type: 'function',
      function: { name: toolCall.name, arguments: toolCall.arguments },
    }));
  }
  return message;
}

/**
 * Fireworks documents three usage fields; generated reasoning counts as completion tokens.
 * @see https://docs.fireworks.ai/api-reference/post-chatcompletions (UsageInfo)
 */
function renderUsage(turn: SimulatedTurn): unknown {
  const completionTokens = turn.usage.answerTokens + turn.usage.reasoningTokens;
  return { prompt_tokens: turn.usage.promptTokens, total_tokens: turn.usage.promptTokens + completionTokens, completion_tokens: completionTokens };
}

export function fireworksError(status: number, type: string, message: string): SimulatorError {
  return new SimulatorError(status, { error: { object: 'error', type, message } });
}

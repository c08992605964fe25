import { assertNever } from '../assert-never.ts';
import { findToolMessageIssue } from '../check-chat-request-shape.ts';
import { deterministicId } from '../deterministic-id.ts';
import { deterministicUuid } from '../deterministic-uuid.ts';
import { planStreamParts } from '../plan-stream-parts.ts';
import { SimulatorError } from '../simulator-error.ts';
import type {
  ChatRequestBody,
  RenderedStream,
  RequestShapeIssue,
  SimulatedChoice,
  SimulatedModel,
  SimulatedTurn,
  SimulatorProfile,
  TurnPlan,
} from '../simulator-profile.ts';
import type { SimulatorRoute } from '../simulator-route.ts';
import { acceptsDeveloperRole, acceptsStreamOptions, isAzureApiVersion, LATEST_GA_AZURE_API_VERSION } from './azure-api-versions.ts';
import { completionFilterResults, contentFilterError, promptFilterResults, streamedCompletionFilterResults, triggersContentFilter } from './azure-content-filter.ts';

/**
 * A deployment of the simulated Azure OpenAI resource: `id` is the deployment name the path
 * carries, `responseModel` the model version it answers with. The body's `model` plays no part.
 * @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/create-resource#deploy-a-model
 */
interface AzureDeployment extends SimulatedModel {
  /** The base model deployed, as the portal names it. */
  model: string;
}

const created = 1_732_060_800;

const deployments: AzureDeployment[] = [
  { id: 'gpt-4o-prod', model: 'gpt-4o', responseModel: 'gpt-4o-2024-11-20', created, ownedBy: 'system', vision: true, functionTools: true },
  { id: 'gpt-4.1-mini', model: 'gpt-4.1-mini', responseModel: 'gpt-4.1-mini-2025-04-14', created, ownedBy: 'system', vision: true, functionTools: true },
];

const roles = ['system', 'user', 'assistant', 'tool', 'function', 'developer'] as const;

const accessDeniedMessage =
  'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.';

/**
 * Azure OpenAI's chat completions on a resource endpoint (`https://NAME.openai.azure.com`):
 * `POST /openai/deployments/{deployment}/chat/completions?api-version=…` with an `api-key` header
 * (or a Microsoft Entra ID bearer token). The deployment in the path chooses the model; answers
 * are OpenAI's plus content-filter annotations (`prompt_filter_results`, per choice
 * `content_filter_results`) and Azure's own headers; errors outside the model service come as
 * `{"error": {"code", "message"}}`, the service's own in OpenAI's `{"error": {message, type, param, code}}`.
 * @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference#chat-completions
 * @see https://github.com/openai/openai-node/blob/master/src/azure.ts (the `AzureOpenAI` client)
 */
export const azureOpenAISimulatorProfile: SimulatorProfile = {
  provider: 'azure-openai',
  basePath: '/azure',
  chatCompletionsRoute: '/openai/deployments/:deployment/chat/completions',
  credentials: 'api-key-or-bearer',
  requiresModelField: false,
  roles,
  servesModelList: false,

  // A missing api-version does not route at all: 404 "Resource not found", as for a wrong path.
  // @see https://github.com/MicrosoftDocs/azure-docs/issues/114602
  // An unknown one is refused with 400. @see https://github.com/hotovo/aider-desk/issues/460
  checkRoute: (route) => {
    const version = route.query.get('api-version');
    if (version === null || version === '') return azureError(404, '404', 'Resource not found');
    if (!isAzureApiVersion(version)) return azureError(400, 'BadRequest', 'API version not supported');
    return undefined;
  },

  routeModel: (route) => route.params.deployment ?? '',
  findModel: (deployment) => deployments.find((candidate) => candidate.id === deployment),
  listModels: () => ({ object: 'list', data: [] }),

  /** @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference#authentication */
  authenticationError: () => azureError(401, '401', accessDeniedMessage),

  // The model service parses the body; its refusal is assumed to be OpenAI's, as its validation errors are.
  invalidJsonError: () =>
    openaiError(
      400,
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
      'invalid_request_error',
      null,
      null,
    ),

  requestShapeError: (issue, route) => renderShapeIssue(issue, apiVersionOf(route)),

  /** @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/create-resource#deploy-a-model */
  unknownModelError: () =>
    azureError(404, 'DeploymentNotFound', 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.'),

  checkRequest: (request, _deployment, route) => checkAzureRequest(request, apiVersionOf(route)),

  planTurn: (_request, deployment): TurnPlan => ({
    responseModel: deployment.responseModel,
    reasoningPlacement: 'none',
    hiddenReasoningTokens: 0,
    allowToolCalls: deployment.functionTools,
    honorsStop: true,
    // gpt-4o (2024-11-20) and gpt-4.1 cache prompts of 1024+ tokens as OpenAI does.
    // @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/prompt-caching
    promptCaching: 'openai',
    citationMarkers: false,
  }),

  toolCallId: (sequence, index) => `call_${deterministicId(`azure-tool:${sequence}:${index}`, 24)}`,
  completionId: (sequence) => `chatcmpl-${deterministicId(`azure:${sequence}`, 29)}`,

  // Azure re-serializes the model's answer with its keys in alphabetical order.
  renderCompletion: (turn) =>
    JSON.stringify({
      choices: turn.choices.map((choice) => ({
        // A choice that only calls tools has no text to annotate.
        content_filter_results: choice.toolCalls.length > 0 ? {} : completionFilterResults(),
        finish_reason: choice.finishReason,
        index: choice.index,
        logprobs: null,
        message: renderMessage(choice),
      })),
      created: turn.created,
      id: turn.id,
      model: turn.plan.responseModel,
      object: 'chat.completion',
      prompt_filter_results: promptFilterResults(),
      system_fingerprint: systemFingerprint(turn),
      usage: renderUsage(turn),
    }),

  /**
   * The first chunk carries only the prompt's filter results, with empty `id`, `model`, `object`
   * and `created: 0`; every choice chunk carries `content_filter_results` (empty where there is no
   * text); with `stream_options.include_usage`, a last chunk with no choices carries the usage.
   * @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/concepts/content-streaming
   */
  renderStream: (turn): RenderedStream => {
    const includeUsage = turn.request.stream_options?.include_usage === true;
    const events: string[] = [JSON.stringify({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: promptFilterResults() })];
    const chunk = (choices: unknown[], usage?: unknown): string => {
      const body: Record<string, unknown> = {
        choices,
        created: turn.created,
        id: turn.id,
        model: turn.plan.responseModel,
        object: 'chat.completion.chunk',
        system_fingerprint: systemFingerprint(turn),
      };
      if (includeUsage) body.usage = usage ?? null;
      return JSON.stringify(body);
    };
    const choiceChunk = (choice: SimulatedChoice, delta: unknown, filterResults: unknown, finishReason: string | null = null): string =>
      chunk([{ content_filter_results: filterResults, delta, finish_reason: finishReason, index: choice.index, logprobs: null }]);
    for (const choice of turn.choices) {
      const opening = choice.toolCalls.length > 0 ? { content: null, refusal: null, role: 'assistant' } : { content: '', refusal: null, role: 'assistant' };
      events.push(choiceChunk(choice, opening, {}));
      for (const part of planStreamParts(choice, { toolCalls: 'fragments' })) {
        switch (part.type) {
          case 'text-delta':
            events.push(choiceChunk(choice, { content: part.text }, streamedCompletionFilterResults()));
            break;
          case 'tool-call-start':
            events.push(choiceChunk(choice, { tool_calls: [{ function: { arguments: '', name: part.name }, id: part.id, index: part.toolIndex, type: 'function' }] }, {}));
            break;
          case 'tool-call-delta':
            events.push(choiceChunk(choice, { tool_calls: [{ function: { arguments: part.argumentsDelta }, index: part.toolIndex }] }, {}));
            break;
          case 'finish':
            events.push(choiceChunk(choice, {}, {}, part.finishReason));
            break;
          case 'reasoning-delta':
          case 'tool-call':
            // The simulated deployments do not reason; calls arrive in fragments.
            break;
          default:
            assertNever(part);
        }
      }
    }
    if (includeUsage) events.push(chunk([], renderUsage(turn)));
    return { events, lineEnding: '\n', terminator: '[DONE]' };
  },

  /**
   * Azure's gateway headers: the request id (`apim-request-id`, also asked for by support), the
   * region, the deployment, and the deployment's remaining quota.
   * @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/quota#understanding-rate-limits
   */
  responseHeaders: (turn, streamed) => {
    const sequence = turn?.sequence ?? 0;
    const headers: Record<string, string> = {
      'content-type': streamed ? 'text/event-stream; charset=utf-8' : 'application/json',
      'apim-request-id': deterministicUuid(`azure-apim:${sequence}`),
      'x-request-id': deterministicUuid(`azure-request:${sequence}`),
      'x-ms-region': 'East US',
      'x-ms-rai-invoked': 'true',
      'x-ratelimit-limit-requests': '450',
      'x-ratelimit-limit-tokens': '450000',
      'x-ratelimit-remaining-requests': '449',
      'x-ratelimit-remaining-tokens': String(450_000 - (turn?.usage.promptTokens ?? 0)),
      'x-content-type-options': 'nosniff',
      'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
    };
    if (turn) headers['x-ms-deployment-name'] = turn.model.id;
    return headers;
  },

  faultError: (status, route) => {
    switch (status) {
      case 401:
        return azureError(401, '401', accessDeniedMessage);
      case 404:
        return azureError(404, '404', 'Resource not found');
      case 429: {
        // @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/quota
        // @see https://github.com/alex-wolf-ps/dbchatprov2/issues/2 (the message, api-version included)
        const retryAfterSeconds = 6;
        const version = apiVersionOf(route);
        return new SimulatorError(
          429,
          {
            error: {
              code: '429',
              message: `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version ${version} have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after ${retryAfterSeconds} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.`,
            },
          },
          { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-remaining-requests': '449', 'x-ratelimit-remaining-tokens': '0' },
        );
      }
      default:
        return status >= 500 ? serverError(status) : openaiError(status, 'The request was rejected by the simulator fault.', 'invalid_request_error', null, null);
    }
  },

  streamErrorEvent: () => JSON.stringify(serverError(500).body),
};

function apiVersionOf(route: SimulatorRoute | undefined): string {
  return route?.query.get('api-version') ?? LATEST_GA_AZURE_API_VERSION;
}

/** Roles in the order Azure's refusal lists them; `developer` only where the version knows it. */
function rolesFor(apiVersion: string): string[] {
  const known = ['system', 'assistant', 'user', 'function', 'tool'];
  return acceptsDeveloperRole(apiVersion) ? [...known, 'developer'] : known;
}

/** OpenAI refuses longer tool call ids, and Azure's model service with it. */
const MAX_TOOL_CALL_ID_LENGTH = 40;

function checkAzureRequest(request: ChatRequestBody, apiVersion: string): SimulatorError | undefined {
  if (triggersContentFilter(request)) return contentFilterError();

  for (const [index, message] of request.messages.entries()) {
    if (!rolesFor(apiVersion).includes(message.role)) return renderShapeIssue({ kind: 'invalid-role', param: `messages[${index}].role`, role: message.role }, apiVersion);
  }
  if (request.stream_options !== undefined && request.stream_options !== null && !acceptsStreamOptions(apiVersion)) {
    return openaiError(400, "Unknown parameter: 'stream_options'.", 'invalid_request_error', 'stream_options', 'unknown_parameter');
  }

  const toolIssue = findToolMessageIssue(request);
  if (toolIssue) return renderShapeIssue(toolIssue, apiVersion);
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
  return undefined;
}

/** The model service's validation messages, OpenAI's, with the roles of the request's API version. */
function renderShapeIssue(issue: RequestShapeIssue, apiVersion: string): SimulatorError {
  switch (issue.kind) {
    case 'missing':
      return openaiError(400, `Missing required parameter: '${issue.param}'.`, 'invalid_request_error', issue.param, 'missing_required_parameter');
    case 'invalid-type':
      return issue.param === 'body'
        ? openaiError(400, `Invalid type for body: expected an object, but got ${article(issue.received)} instead.`, 'invalid_request_error', null, 'invalid_type')
        : openaiError(400, `Invalid type for '${issue.param}': expected ${article(issue.expected === 'number' ? 'decimal' : issue.expected)}, but got ${article(issue.received)} instead.`, 'invalid_request_error', issue.param, 'invalid_type');
    case 'empty-array':
      return openaiError(400, `Invalid '${issue.param}': empty array. Expected an array with minimum length 1, but got an empty array instead.`, 'invalid_request_error', issue.param, 'empty_array');
    case 'invalid-role':
      // @see https://github.com/run-llama/llama_index/issues/17748 (the refusal of `developer` on a GA version)
      return openaiError(400, `Invalid value: '${issue.role}'. Supported values are: ${listValues(rolesFor(apiVersion))}.`, 'invalid_request_error', issue.param, 'invalid_value');
    case 'orphan-tool-message':
      return openaiError(400, "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", 'invalid_request_error', issue.param, null);
    case 'unanswered-tool-calls':
      return openaiError(400, `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${issue.toolCallIds.join(', ')}`, 'invalid_request_error', issue.param, null);
    default:
      return assertNever(issue);
  }
}

function renderMessage(choice: SimulatedChoice): unknown {
  const message: Record<string, unknown> = {
    annotations: [],
    content: choice.toolCalls.length > 0 ? null : (choice.content ?? ''),
    refusal: null,
    role: 'assistant',
  };
  if (choice.toolCalls.length > 0) {
    message.tool_calls = choice.toolCalls.map((toolCall) => ({ function: { arguments: toolCall.arguments, name: toolCall.name }, id: toolCall.id, type: 'function' }));
  }
  return message;
}

/** OpenAI's usage, keys sorted. @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference#completionusage */
function renderUsage(turn: SimulatedTurn): unknown {
  const completionTokens = turn.usage.answerTokens + turn.usage.reasoningTokens;
  return {
    completion_tokens: completionTokens,
    completion_tokens_details: { accepted_prediction_tokens: 0, audio_tokens: 0, reasoning_tokens: turn.usage.reasoningTokens, rejected_prediction_tokens: 0 },
    prompt_tokens: turn.usage.promptTokens,
    prompt_tokens_details: { audio_tokens: 0, cached_tokens: turn.usage.cachedTokens },
    total_tokens: turn.usage.promptTokens + completionTokens,
  };
}

function systemFingerprint(turn: SimulatedTurn): string {
  return `fp_${deterministicId(`azure-fingerprint:${turn.model.id}`, 10, '0123456789abcdef')}`;
}

/** Errors from Azure's own front door (routing, keys, deployments, quota): `{"error": {"code", "message"}}`. */
function azureError(status: number, code: string, message: string): SimulatorError {
  return new SimulatorError(status, { error: { code, message } });
}

/** Errors from the model service behind it, in OpenAI's shape. */
function openaiError(status: number, message: string, type: string, param: string | null, code: string | null): SimulatorError {
  return new SimulatorError(status, { error: { message, type, param, code } });
}

/** @see https://github.com/Azure-Samples/azure-search-openai-demo/issues/1390 (Azure's 500 body) */
function serverError(status: number): SimulatorError {
  return openaiError(
    status,
    'The server had an error while processing your request. Sorry about that! You can retry your request, or contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 if the error persists.',
    'server_error',
    null,
    null,
  );
}

/** "'a', 'b', and 'c'", the way OpenAI's validation lists allowed values. */
function listValues(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  if (quoted.length <= 1) return quoted.join('');
  if (quoted.length === 2) return `${quoted[0]} and ${quoted[1]}`;
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

import { STATUS_CODES } from 'node:http';
import { assertNever } from './assert-never.ts';
import { deterministicId } from './deterministic-id.ts';
import { estimatePromptTokens } from './estimate-tokens.ts';
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
 * A model as `vllm serve` serves it, with the flags the simulator assumes it was started with:
 * `--enable-auto-tool-choice --tool-call-parser llama3_json` (Llama) or `hermes` (Qwen3), and
 * `--reasoning-parser qwen3` for Qwen3. No `--api-key`, no `--enable-prompt-tokens-details`, no
 * `--enable-force-include-usage`.
 * @see https://docs.vllm.ai/en/latest/features/tool_calling.html
 * @see https://docs.vllm.ai/en/latest/features/reasoning_outputs.html
 */
interface VllmModel extends SimulatedModel {
  /** `--max-model-len` (the model's context by default): prompt and `max_tokens` must fit in it. */
  maxModelLen: number;
  /** Served with a reasoning parser: the thinking goes to the message's `reasoning` field. */
  reasoningParser: boolean;
  /**
   * Llama 3.1's chat template raises `This model only supports single tool-calls at once!` for an
   * assistant message with more than one tool call, and vLLM answers the template error with 400.
   * @see https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct/blob/main/tokenizer_config.json (chat_template)
   */
  oneToolCallPerMessage: boolean;
}

/** vLLM writes the time of the request into model cards; completions carry their own `created`. */
const created = 0;

const models: VllmModel[] = [
  {
    id: 'meta-llama/Llama-3.1-8B-Instruct',
    responseModel: 'meta-llama/Llama-3.1-8B-Instruct',
    created,
    ownedBy: 'vllm',
    vision: false,
    functionTools: true,
    maxModelLen: 131_072,
    reasoningParser: false,
    oneToolCallPerMessage: true,
  },
  {
    id: 'Qwen/Qwen3-8B',
    responseModel: 'Qwen/Qwen3-8B',
    created,
    ownedBy: 'vllm',
    vision: false,
    functionTools: true,
    maxModelLen: 40_960,
    reasoningParser: true,
    oneToolCallPerMessage: false,
  },
];

const hexDigits = '0123456789abcdef';

/**
 * vLLM's OpenAI-compatible server (`vllm serve`) as current releases answer: errors nested as
 * `{"error": {message, type, param, code}}` with the HTTP status as a number in `code` (since
 * v0.10.1; before, the same fields sat at the top level beside `"object": "error"`), and reasoning
 * in the message's `reasoning` field (called `reasoning_content` until late 2025, then sent under
 * both names until the old one was removed in early 2026, v0.17).
 * @see https://github.com/vllm-project/vllm/pull/22099 (ErrorResponse nested in `error`)
 * @see https://github.com/vllm-project/vllm/pull/27752 (`reasoning_content` → `reasoning`)
 * @see https://github.com/vllm-project/vllm/pull/33402 (`reasoning_content` removed)
 * @see https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html
 *
 * A real `vllm serve` serves one model (and its LoRA adapters); this one serves two, as two vLLM
 * servers behind a router would. A request without `model` gets the first.
 */
export const vllmSimulatorProfile: SimulatorProfile = {
  provider: 'vllm',
  basePath: '/vllm/v1',
  chatCompletionsRoute: '/chat/completions',
  // Without `--api-key`, vLLM serves requests with or without an Authorization header.
  credentials: 'none',
  // ChatCompletionRequest.model is `str | None = None`: without one, vLLM answers with its served model.
  requiresModelField: false,
  // A message is an OpenAI message param or a CustomChatCompletionMessageParam whose `role` is any
  // string: vLLM hands every role to the model's chat template. Llama 3.1's template renders an
  // unknown role (`developer` included) as its own header; Qwen3's skips roles it does not know.
  // @see https://github.com/vllm-project/vllm/blob/main/vllm/entrypoints/chat_utils.py (CustomChatCompletionMessageParam)
  roles: 'any',
  servesModelList: true,
  terminatesFailedStream: true,

  findModel: (modelId) => (modelId === undefined ? models[0] : models.find((candidate) => candidate.id === modelId)),

  /** vLLM's ModelList of ModelCards. @see https://github.com/vllm-project/vllm/blob/main/vllm/entrypoints/openai/engine/protocol.py */
  listModels: () => {
    const now = Math.floor(Date.now() / 1000);
    return {
      object: 'list',
      data: models.map((candidate) => ({
        id: candidate.id,
        object: 'model',
        created: now,
        owned_by: 'vllm',
        root: candidate.id,
        parent: null,
        max_model_len: candidate.maxModelLen,
        permission: [
          {
            id: `modelperm-${deterministicId(`vllm-permission:${candidate.id}`, 32, hexDigits)}`,
            object: 'model_permission',
            created: now,
            allow_create_engine: false,
            allow_sampling: true,
            allow_logprobs: true,
            allow_search_indices: false,
            allow_view: true,
            allow_fine_tuning: false,
            organization: '*',
            group: null,
            is_blocking: false,
          },
        ],
      })),
    };
  },

  // What `vllm serve --api-key` answers a wrong or missing key (its AuthenticationMiddleware); this
  // simulator runs without `--api-key` and never sends it.
  authenticationError: () => new SimulatorError(401, { error: 'Unauthorized' }),

  invalidJsonError: () => validationError([{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', extra: "'input': {}, 'ctx': {'error': 'Expecting value'}" }]),

  requestShapeError: (issue) => renderShapeIssue(issue),

  /** @see https://github.com/vllm-project/vllm/blob/main/vllm/entrypoints/openai/engine/serving.py (_check_model) */
  unknownModelError: (modelId) => vllmError(404, `The model \`${modelId}\` does not exist.`, 'NotFoundError', 'model'),

  checkRequest: (request, simulatedModel) => checkVllmRequest(request, simulatedModel as VllmModel),

  planTurn: (request, simulatedModel): TurnPlan => {
    const vllmModel = simulatedModel as VllmModel;
    // Qwen3 thinks unless the chat template is told not to.
    // @see https://docs.vllm.ai/en/latest/features/reasoning_outputs.html (enable_thinking)
    const kwargs = request.chat_template_kwargs;
    const thinkingOff = kwargs !== null && typeof kwargs === 'object' && (kwargs as Record<string, unknown>).enable_thinking === false;
    return {
      responseModel: vllmModel.responseModel,
      reasoningPlacement: vllmModel.reasoningParser && !thinkingOff ? 'field' : 'none',
      hiddenReasoningTokens: 0,
      allowToolCalls: vllmModel.functionTools,
      honorsStop: true,
      // Prefix caching is on, but cached tokens are reported only with --enable-prompt-tokens-details.
      promptCaching: 'none',
      citationMarkers: false,
    };
  },

  /** `make_tool_call_id()`: `chatcmpl-tool-` and a random hex uuid. */
  toolCallId: (sequence, index) => `chatcmpl-tool-${deterministicId(`vllm-tool:${sequence}:${index}`, 32, hexDigits)}`,
  completionId: (sequence) => `chatcmpl-${deterministicId(`vllm:${sequence}`, 32, hexDigits)}`,

  // ChatCompletionResponse.model_dump(): every field, unset ones as null.
  renderCompletion: (turn) =>
    JSON.stringify({
      id: turn.id,
      object: 'chat.completion',
      created: turn.created,
      model: turn.plan.responseModel,
      choices: turn.choices.map((choice) => ({
        index: choice.index,
        message: renderMessage(choice, turn.request),
        logprobs: null,
        finish_reason: finishReason(choice, turn.request),
        stop_reason: null,
        token_ids: null,
      })),
      service_tier: null,
      system_fingerprint: null,
      usage: { ...renderUsage(turn), prompt_tokens_details: null },
      prompt_logprobs: null,
      prompt_token_ids: null,
      kv_transfer_params: null,
    }),

  // Chunks are dumped with exclude_unset: fields never set (usage, stop_reason on most chunks) are absent.
  renderStream: (turn): RenderedStream => {
    const base = { id: turn.id, object: 'chat.completion.chunk', created: turn.created, model: turn.plan.responseModel };
    const events: string[] = [];
    const chunk = (choice: Record<string, unknown>): string => JSON.stringify({ ...base, choices: [choice] });
    for (const choice of turn.choices) {
      events.push(chunk({ index: choice.index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }));
      for (const part of planStreamParts(choice, { toolCalls: 'fragments' })) {
        const delta = (fields: Record<string, unknown>): string => chunk({ index: choice.index, delta: fields, logprobs: null, finish_reason: null });
        switch (part.type) {
          case 'reasoning-delta':
            events.push(delta({ reasoning: part.text }));
            break;
          case 'text-delta':
            events.push(delta({ content: part.text }));
            break;
          case 'tool-call-start':
            // The tool parsers name the call first, without an `arguments` key, then stream the arguments.
            events.push(delta({ tool_calls: [{ id: part.id, type: 'function', index: part.toolIndex, function: { name: part.name } }] }));
            break;
          case 'tool-call-delta':
            events.push(delta({ tool_calls: [{ index: part.toolIndex, function: { arguments: part.argumentsDelta } }] }));
            break;
          case 'finish': {
            // The last engine output carries the finish reason; after plain text its delta is the
            // (empty) text of the end-of-sequence token.
            const plainText = choice.toolCalls.length === 0 && choice.reasoning === null;
            events.push(chunk({ index: choice.index, delta: plainText ? { content: '' } : {}, logprobs: null, finish_reason: finishReason(choice, turn.request), stop_reason: null }));
            break;
          }
          case 'tool-call':
            break;
          default:
            assertNever(part);
        }
      }
    }
    // With stream_options, usage comes in a last chunk with no choices: `include_usage` defaults to
    // true once stream_options is sent at all. Dumped with exclude_none, so no prompt_tokens_details.
    // @see https://github.com/vllm-project/vllm/blob/main/vllm/entrypoints/openai/engine/protocol.py (StreamOptions)
    if (includesUsage(turn.request)) events.push(JSON.stringify({ ...base, choices: [], usage: renderUsage(turn) }));
    return { events, lineEnding: '\n', terminator: '[DONE]' };
  },

  // uvicorn's own headers; vLLM adds x-request-id only with --enable-request-id-headers.
  responseHeaders: (_turn, streamed) => ({ 'content-type': streamed ? 'text/event-stream; charset=utf-8' : 'application/json', server: 'uvicorn' }),

  faultError: (status) => {
    if (status === 500) return vllmError(500, 'Internal server error', 'InternalServerError');
    const phrase = STATUS_CODES[status] ?? 'Error';
    return vllmError(status, phrase, phrase);
  },

  // A stream that fails midway gets create_streaming_error_response()'s payload, then `data: [DONE]`.
  streamErrorEvent: () => JSON.stringify({ error: { message: 'Internal server error', type: 'InternalServerError', param: null, code: 500 } }),
};

function checkVllmRequest(request: ChatRequestBody, vllmModel: VllmModel): SimulatorError | undefined {
  // Parsing an image part asks the multimodal registry for a processor, which a text-only model has not.
  // @see https://github.com/vllm-project/vllm/blob/main/vllm/multimodal/registry.py (create_processor)
  const hasImage = request.messages.some((message) => Array.isArray(message.content) && message.content.some((part) => part.type === 'image_url'));
  if (hasImage && !vllmModel.vision) return vllmError(400, `${vllmModel.id} is not a multimodal model`, 'BadRequestError');

  if (vllmModel.oneToolCallPerMessage && request.messages.some((message) => message.role === 'assistant' && (message.tool_calls?.length ?? 0) > 1)) {
    return vllmError(400, 'This model only supports single tool-calls at once!', 'BadRequestError');
  }

  // VLLMValidationError's text ends with its parameter and value, and create_error_response() keeps it.
  // @see https://github.com/vllm-project/vllm/blob/main/vllm/entrypoints/openai/engine/serving.py (_validate_input)
  const inputTokens = estimatePromptTokens(request).promptTokens;
  const maxLength = vllmModel.maxModelLen;
  if (inputTokens >= maxLength) {
    return vllmError(
      400,
      `This model's maximum context length is ${maxLength} tokens. However, your request has ${inputTokens} input tokens. Please reduce the length of the input messages. (parameter=input_tokens, value=${inputTokens})`,
      'BadRequestError',
      'input_tokens',
    );
  }
  const maxTokens = request.max_completion_tokens || request.max_tokens;
  if (typeof maxTokens === 'number' && inputTokens + maxTokens > maxLength) {
    return vllmError(
      400,
      `'max_tokens' or 'max_completion_tokens' is too large: ${maxTokens}. This model's maximum context length is ${maxLength} tokens and your request has ${inputTokens} input tokens (${maxTokens} > ${maxLength} - ${inputTokens}). (parameter=max_tokens, value=${maxTokens})`,
      'BadRequestError',
      'max_tokens',
    );
  }
  return undefined;
}

/**
 * A named `tool_choice` is served by structured output, not by the tool parser: the call comes
 * with `finish_reason: "stop"` and `content: ""`; `required` also leaves `content` empty. Calls the
 * parser found under `auto` finish with `tool_calls` and `content: null`.
 * @see https://docs.vllm.ai/en/latest/features/tool_calling.html
 */
function finishReason(choice: SimulatedChoice, request: ChatRequestBody): string {
  if (choice.finishReason === 'tool_calls' && isNamedToolChoice(request)) return 'stop';
  return choice.finishReason;
}

function isNamedToolChoice(request: ChatRequestBody): boolean {
  return request.tool_choice !== null && typeof request.tool_choice === 'object';
}

function renderMessage(choice: SimulatedChoice, request: ChatRequestBody): unknown {
  const called = choice.toolCalls.length > 0;
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: called ? (isNamedToolChoice(request) || request.tool_choice === 'required' ? '' : null) : (choice.content ?? ''),
    refusal: null,
    annotations: null,
    audio: null,
    function_call: null,
  };
  // An empty tool_calls list is dropped from the dump.
  if (called) {
    message.tool_calls = choice.toolCalls.map((toolCall) => ({ id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: toolCall.arguments } }));
  }
  message.reasoning = choice.reasoning;
  return message;
}

/** UsageInfo: generated tokens, reasoning included, are completion tokens. */
function renderUsage(turn: SimulatedTurn): Record<string, unknown> {
  const completionTokens = turn.usage.answerTokens + turn.usage.reasoningTokens;
  return { prompt_tokens: turn.usage.promptTokens, total_tokens: turn.usage.promptTokens + completionTokens, completion_tokens: completionTokens };
}

function includesUsage(request: ChatRequestBody): boolean {
  const options = request.stream_options;
  if (options === null || options === undefined || typeof options !== 'object') return false;
  return options.include_usage !== false && options.include_usage !== null;
}

function vllmError(status: number, message: string, type: string, param: string | null = null): SimulatorError {
  return new SimulatorError(status, { error: { message, type, param, code: status } });
}

/** One entry of a pydantic validation error, as Python prints it. */
interface PydanticError {
  type: string;
  loc: (string | number)[];
  msg: string;
  /** Further keys, already in Python's notation. */
  extra?: string;
}

/**
 * A body FastAPI could not validate: vLLM answers it with its own envelope, type "Bad Request", and
 * the validation errors as Python prints them (here without the `input` pydantic echoes).
 * @see https://github.com/vllm-project/vllm/blob/main/vllm/entrypoints/openai/api_server.py (validation_exception_handler)
 */
function validationError(errors: PydanticError[]): SimulatorError {
  const printed = errors.map((error) => {
    const loc = error.loc.map((part) => (typeof part === 'number' ? String(part) : `'${part}'`));
    const tuple = loc.length === 1 ? `(${loc[0]},)` : `(${loc.join(', ')})`;
    return `{'type': '${error.type}', 'loc': ${tuple}, 'msg': '${error.msg}'${error.extra ? `, ${error.extra}` : ''}}`;
  });
  return vllmError(400, `[${printed.join(', ')}]`, 'Bad Request');
}

/** `messages[0].content` → `('body', 'messages', 0, 'content')`. */
function locOf(param: string): (string | number)[] {
  const loc: (string | number)[] = ['body'];
  for (const match of param.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) loc.push(match[2] !== undefined ? Number(match[2]) : match[1]!);
  return loc;
}

const pydanticTypes: Record<string, { type: string; msg: string }> = {
  string: { type: 'string_type', msg: 'Input should be a valid string' },
  array: { type: 'list_type', msg: 'Input should be a valid list' },
  object: { type: 'dict_type', msg: 'Input should be a valid dictionary' },
  number: { type: 'float_type', msg: 'Input should be a valid number' },
  integer: { type: 'int_type', msg: 'Input should be a valid integer' },
  boolean: { type: 'bool_type', msg: 'Input should be a valid boolean' },
};

function renderShapeIssue(issue: RequestShapeIssue): SimulatorError {
  switch (issue.kind) {
    case 'missing':
      return validationError([{ type: 'missing', loc: locOf(issue.param), msg: 'Field required' }]);
    case 'invalid-type': {
      if (issue.param === 'body') return validationError([{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from' }]);
      if (issue.expected === 'integer' && issue.received === 'decimal') {
        return validationError([{ type: 'int_from_float', loc: locOf(issue.param), msg: 'Input should be a valid integer, got a number with a fractional part' }]);
      }
      const expected = pydanticTypes[issue.expected]!;
      return validationError([{ type: expected.type, loc: locOf(issue.param), msg: expected.msg }]);
    }
    case 'empty-array':
      // Pydantic takes an empty list; the chat template then reads messages[0] and jinja raises.
      return vllmError(400, 'list object has no element 0', 'BadRequestError');
    case 'invalid-role':
    case 'orphan-tool-message':
    case 'unanswered-tool-calls':
      // vLLM checks neither roles nor tool message order; the engine never reports these for it.
      return vllmError(400, `Invalid ${issue.param}`, 'BadRequestError');
    default:
      return assertNever(issue);
  }
}

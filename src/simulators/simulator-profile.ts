import type { SimulatorCredentials } from './simulator-credentials.ts';
import type { SimulatorError } from './simulator-error.ts';
import type { SimulatorRoute } from './simulator-route.ts';

export type SimulatedProvider = 'openai' | 'xai' | 'fireworks' | 'perplexity' | 'vllm' | 'azure-openai' | 'anthropic' | 'google';

/**
 * A chat completion request body as it arrived, after the shape checks that every provider makes
 * (`model` is a string, `messages` a non-empty array of objects with a known role). Fields keep the
 * wire names of the OpenAI Chat Completions API, which all these providers copy.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export interface ChatRequestBody {
  /** Absent only where the provider does not need it: vLLM falls back to its served model, Azure reads the deployment from the path. */
  model?: string;
  messages: ChatRequestMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean | null; include_obfuscation?: boolean | null } | null;
  tools?: ChatRequestTool[] | null;
  tool_choice?: string | { type: string; function?: { name: string }; name?: string } | null;
  response_format?: { type: string; json_schema?: { name?: string; schema?: unknown; strict?: boolean | null } } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  reasoning_effort?: string | number | null;
  [parameter: string]: unknown;
}

export interface ChatRequestMessage {
  role: string;
  content?: string | ChatRequestContentPart[] | null;
  name?: string;
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[] | null;
  tool_call_id?: string;
  [field: string]: unknown;
}

export interface ChatRequestContentPart {
  type: string;
  text?: string;
  image_url?: { url: string; detail?: string };
  [field: string]: unknown;
}

export interface ChatRequestTool {
  type: string;
  function: { name: string; description?: string; parameters?: unknown; strict?: boolean | null };
}

/** A model a simulator serves; each profile keeps its own table of these. */
export interface SimulatedModel {
  id: string;
  /** The `model` the provider writes in its answers (OpenAI answers `gpt-5` with its dated snapshot). */
  responseModel: string;
  created: number;
  ownedBy: string;
  vision: boolean;
  functionTools: boolean;
}

/**
 * Where a model's reasoning goes: nowhere visible (OpenAI, grok-4: only counted), a separate
 * `reasoning_content` field (grok-3-mini, gpt-oss on Fireworks), or `<think>` tags at the start of
 * the content (Perplexity's sonar-reasoning-pro).
 */
export type ReasoningPlacement = 'none' | 'hidden' | 'field' | 'content-think-tags';

/** What a profile decides about one accepted request before the answer is generated. */
export interface TurnPlan {
  responseModel: string;
  reasoningPlacement: ReasoningPlacement;
  /** Tokens spent on hidden reasoning ('hidden' placement only). */
  hiddenReasoningTokens: number;
  /** Whether the model may answer with tool calls (Perplexity's Sonar never does). */
  allowToolCalls: boolean;
  /** Whether `stop` sequences cut the answer (providers that reject `stop` never get here with one). */
  honorsStop: boolean;
  /** How repeated prompt prefixes are reported as cached input tokens. */
  promptCaching: 'openai' | 'prefix' | 'none';
  /** Perplexity writes citation markers like `[1]` into its answers. */
  citationMarkers: boolean;
}

export interface SimulatedToolCall {
  id: string;
  name: string;
  arguments: string;
}

export type SimulatedFinishReason = 'stop' | 'length' | 'tool_calls';

export interface SimulatedChoice {
  index: number;
  content: string | null;
  reasoning: string | null;
  toolCalls: SimulatedToolCall[];
  finishReason: SimulatedFinishReason;
}

/** Token counts of one turn; each profile decides how they appear on the wire. */
export interface SimulatedUsage {
  promptTokens: number;
  cachedTokens: number;
  imageTokens: number;
  /** Tokens of the visible answer: content (including any `<think>` block) and tool calls. */
  answerTokens: number;
  reasoningTokens: number;
}

/** One accepted request and its generated answer, ready to be rendered in a provider's format. */
export interface SimulatedTurn {
  id: string;
  created: number;
  model: SimulatedModel;
  plan: TurnPlan;
  request: ChatRequestBody;
  choices: SimulatedChoice[];
  usage: SimulatedUsage;
  /** Sequence number of the request in this simulator, for deterministic ids and header values. */
  sequence: number;
}

/** A stream as a provider frames it: data payloads, the line ending and the closing sentinel. */
export interface RenderedStream {
  events: string[];
  lineEnding: '\n' | '\r\n';
  /** `[DONE]` where the provider sends it; `null` where the stream just ends (Perplexity). */
  terminator: string | null;
}

export interface RenderedHeaders {
  [name: string]: string;
}

/**
 * Everything that differs between the simulated providers. The engine in `start-simulators.ts`
 * parses, records, applies faults and generates a neutral answer; a profile validates the request
 * the way its provider does and renders answers and errors in its provider's wire format.
 */
export interface SimulatorProfile {
  readonly provider: SimulatedProvider;
  /** Path prefix under the simulator URL that makes `${url}${basePath}` look like the real base URL. */
  readonly basePath: string;
  /**
   * The chat completions route under `basePath`, in Fastify's syntax: `/chat/completions`, or
   * Azure's `/openai/deployments/:deployment/chat/completions`.
   */
  readonly chatCompletionsRoute: string;
  /** How the provider wants its key; `none` where it serves anyone (vLLM without `--api-key`). */
  readonly credentials: SimulatorCredentials;
  /**
   * Message roles the provider knows; others are refused in the provider's words. `any` where the
   * provider takes any role string and leaves it to the model's chat template (vLLM).
   */
  readonly roles: readonly string[] | 'any';
  /** Whether the body must name a `model` (not on vLLM, which falls back to its served model, nor on Azure, where the path names the deployment). */
  readonly requiresModelField: boolean;
  /** Whether the provider serves `GET {base}/models`. */
  readonly servesModelList: boolean;
  /**
   * Refuses a request whose route the provider does not serve, before the key is checked (Azure
   * without a known `api-version`); `undefined` when the route is fine.
   */
  checkRoute?(route: SimulatorRoute): SimulatorError | undefined;
  /** The model a route addresses, where the path names it rather than the body (Azure's deployment). */
  routeModel?(route: SimulatorRoute): string;
  /** The model addressed by `modelId` (the body's `model`, or `routeModel`); `undefined` is asked of providers with a default. */
  findModel(modelId: string | undefined): SimulatedModel | undefined;
  listModels(): unknown;
  authenticationError(): SimulatorError;
  invalidJsonError(): SimulatorError;
  requestShapeError(issue: RequestShapeIssue, route: SimulatorRoute): SimulatorError;
  unknownModelError(modelId: string): SimulatorError;
  /**
   * The provider's own rules about roles, parameters and models; `undefined` when it accepts.
   * `route` is absent when another simulated endpoint asks (OpenAI Responses probing a model's rules).
   */
  checkRequest(request: ChatRequestBody, model: SimulatedModel, route?: SimulatorRoute): SimulatorError | undefined;
  planTurn(request: ChatRequestBody, model: SimulatedModel): TurnPlan;
  toolCallId(sequence: number, index: number): string;
  completionId(sequence: number): string;
  renderCompletion(turn: SimulatedTurn): string;
  renderStream(turn: SimulatedTurn): RenderedStream;
  responseHeaders(turn: SimulatedTurn | undefined, streamed: boolean): RenderedHeaders;
  /** The error a fault with this status answers when the test gave no body (`route` is absent outside chat completions). */
  faultError(status: number, route?: SimulatorRoute): SimulatorError;
  /** The data payload a stream carries when it fails midway (`breakMode: 'error-event'`). */
  streamErrorEvent(): string;
  /** Whether the stream's terminator still follows that error payload (vLLM sends `data: [DONE]` after it). */
  readonly terminatesFailedStream?: boolean;
}

/** A problem with the request's shape that every provider rejects, each in its own words. */
export type RequestShapeIssue =
  | { kind: 'missing'; param: string }
  | { kind: 'invalid-type'; param: string; expected: 'string' | 'array' | 'object' | 'number' | 'integer' | 'boolean'; received: string }
  | { kind: 'empty-array'; param: string }
  | { kind: 'invalid-role'; param: string; role: string }
  | { kind: 'orphan-tool-message'; param: string; index: number }
  | { kind: 'unanswered-tool-calls'; param: string; toolCallIds: string[] };

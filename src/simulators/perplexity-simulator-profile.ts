import { assertNever } from './assert-never.ts';
import { deterministicUuid } from './deterministic-uuid.ts';
import { estimateTokens } from './estimate-tokens.ts';
import { planStreamParts } from './plan-stream-parts.ts';
import { SimulatorError } from './simulator-error.ts';
import type {
  ChatRequestBody,
  RenderedStream,
  RequestShapeIssue,
  SimulatedModel,
  SimulatedTurn,
  SimulatorProfile,
  TurnPlan,
} from './simulator-profile.ts';

interface PerplexityModel extends SimulatedModel {
  thinksInContent: boolean;
  /** USD per million tokens, and the request fee per thousand requests at "low" search context. */
  prices: { input: number; output: number; requestPerThousand: number };
}

const created = 1_738_000_000;

/** @see https://docs.perplexity.ai/guides/pricing */
const models: PerplexityModel[] = [
  { id: 'sonar', responseModel: 'sonar', created, ownedBy: 'perplexity', vision: true, functionTools: false, thinksInContent: false, prices: { input: 1, output: 1, requestPerThousand: 5 } },
  { id: 'sonar-pro', responseModel: 'sonar-pro', created, ownedBy: 'perplexity', vision: true, functionTools: false, thinksInContent: false, prices: { input: 3, output: 15, requestPerThousand: 6 } },
  { id: 'sonar-reasoning-pro', responseModel: 'sonar-reasoning-pro', created, ownedBy: 'perplexity', vision: true, functionTools: false, thinksInContent: true, prices: { input: 2, output: 8, requestPerThousand: 6 } },
];

const roles = ['system', 'user', 'assistant', 'tool'] as const;

/** The sources every simulated answer cites; `[1]` in the content points at the first. */
const searchResults = [
  { title: 'Switchyard simulator source one', url: 'https://example.com/simulated-source-1', date: '2025-01-01', last_updated: '2025-01-02', snippet: 'A simulated search result.', source: 'web' },
  { title: 'Switchyard simulator source two', url: 'https://example.org/simulated-source-2', date: '2025-02-01', last_updated: '2025-02-02', snippet: 'Another simulated search result.', source: 'web' },
];

export const perplexitySimulatorProfile: SimulatorProfile = {
  provider: 'perplexity',
  // The real base URL is https://api.perplexity.ai, with no version segment.
  basePath: '/perplexity',
  chatCompletionsRoute: '/chat/completions',
  credentials: 'bearer',
  requiresModelField: true,
  roles,
  servesModelList: false,

  findModel: (modelId) => models.find((candidate) => candidate.id === modelId),
  listModels: () => ({ object: 'list', data: [] }),

  // Perplexity's edge answers a missing or malformed key with an HTML page, not JSON.
  authenticationError: () =>
    new SimulatorError(
      401,
      '<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>openresty/1.27.4</center>\r\n</body>\r\n</html>\r\n',
      { 'content-type': 'text/html' },
    ),

  invalidJsonError: () => perplexityError(400, 'bad_request', 'Invalid JSON in request body'),
  requestShapeError: (issue) => renderShapeIssue(issue),
  unknownModelError: (modelId) =>
    perplexityError(400, 'invalid_model', `Invalid model '${modelId}'. Permitted models can be found in the documentation at https://docs.perplexity.ai/docs/getting-started/models.`),

  checkRequest: (request) => checkAlternation(request),

  planTurn: (_request, simulatedModel): TurnPlan => ({
    responseModel: simulatedModel.responseModel,
    reasoningPlacement: (simulatedModel as PerplexityModel).thinksInContent ? 'content-think-tags' : 'none',
    hiddenReasoningTokens: 0,
    // Sonar answers from web search and does not call the caller's functions.
    allowToolCalls: false,
    honorsStop: true,
    promptCaching: 'none',
    citationMarkers: true,
  }),

  toolCallId: (sequence, index) => `call_${sequence}_${index}`,
  completionId: (sequence) => deterministicUuid(`perplexity:${sequence}`),

  renderCompletion: (turn) =>
    JSON.stringify({
      id: turn.id,
      model: turn.plan.responseModel,
      created: turn.created,
      usage: renderUsage(turn, turn.usage.answerTokens),
      citations: searchResults.map((result) => result.url),
      search_results: searchResults,
      object: 'chat.completion',
      choices: turn.choices.map((choice) => ({
        index: choice.index,
        finish_reason: choice.finishReason,
        message: { role: 'assistant', content: choice.content ?? '' },
      })),
    }),

  /**
   * Every chunk repeats the running usage, the citations and the search results; the last one is
   * `chat.completion.done` with the finish_reason, and no `data: [DONE]` follows
   * (perplexityai/api-discussion#209). Recorded chunks: vercel/ai packages/perplexity __fixtures__.
   */
  renderStream: (turn): RenderedStream => {
    const events: string[] = [];
    const choice = turn.choices[0]!;
    let streamedText = '';
    let streamedTokens = 0;
    const chunk = (object: string, delta: { role: string; content: string }, finishReason: string | null): string =>
      JSON.stringify({
        id: turn.id,
        model: turn.plan.responseModel,
        created: turn.created,
        usage: renderUsage(turn, streamedTokens),
        citations: searchResults.map((result) => result.url),
        search_results: searchResults,
        object,
        choices: [{ index: 0, delta, finish_reason: finishReason }],
      });
    for (const part of planStreamParts(choice, { toolCalls: 'whole' })) {
      switch (part.type) {
        case 'text-delta':
          // Each chunk reports the running completion count.
          streamedText += part.text;
          streamedTokens = Math.min(estimateTokens(streamedText), turn.usage.answerTokens);
          events.push(chunk('chat.completion.chunk', { role: 'assistant', content: part.text }, null));
          break;
        case 'finish':
          streamedTokens = turn.usage.answerTokens;
          events.push(chunk('chat.completion.done', { role: 'assistant', content: '' }, part.finishReason));
          break;
        case 'reasoning-delta':
        case 'tool-call':
        case 'tool-call-start':
        case 'tool-call-delta':
          break;
        default:
          assertNever(part);
      }
    }
    // Perplexity's Python server frames events with CRLF; both CRLF and LF are valid SSE.
    return { events, lineEnding: '\r\n', terminator: null };
  },

  responseHeaders: (_turn, streamed) => ({ 'content-type': streamed ? 'text/event-stream; charset=utf-8' : 'application/json' }),

  faultError: (status) => {
    if (status === 429) return perplexityError(429, 'rate_limit_exceeded', 'Rate limit exceeded. Please try again later.');
    if (status >= 500) return perplexityError(status, 'internal_server_error', 'Internal server error');
    return perplexityError(status, 'bad_request', 'The request was rejected by the simulator fault.');
  },

  streamErrorEvent: () => JSON.stringify({ error: { message: 'Internal server error', type: 'internal_server_error', code: 500 } }),
};

/**
 * After any system messages, user (or tool) turns and assistant turns must alternate, starting with
 * a user turn. The wording changed in 2025 from "user and assistant roles should be alternating" to
 * the one below, when tool messages joined the user side.
 */
function checkAlternation(request: ChatRequestBody): SimulatorError | undefined {
  let expected: 'user' | 'assistant' = 'user';
  let seenConversation = false;
  let previousRole: string | undefined;
  for (const message of request.messages) {
    if (message.role === 'system' && !seenConversation) continue;
    seenConversation = true;
    const side = message.role === 'assistant' ? 'assistant' : message.role === 'system' ? 'system' : 'user';
    // Consecutive tool results answer one assistant turn together.
    const continuesToolResults = message.role === 'tool' && previousRole === 'tool';
    if (side !== expected && !continuesToolResults) {
      return perplexityError(400, 'invalid_message', 'After the (optional) system message(s), user or tool message(s) should alternate with assistant message(s).');
    }
    if (!continuesToolResults) expected = side === 'user' ? 'assistant' : 'user';
    previousRole = message.role;
  }
  return undefined;
}

function renderShapeIssue(issue: RequestShapeIssue): SimulatorError {
  // Perplexity validates bodies with pydantic and lists the failures in `message`.
  switch (issue.kind) {
    case 'missing':
      return perplexityError(400, 'bad_request', `['At body -> ${arrow(issue.param)}: Field required']`);
    case 'invalid-type':
      return perplexityError(400, 'bad_request', `['At body -> ${arrow(issue.param)}: Input should be a valid ${issue.expected === 'array' ? 'list' : issue.expected}']`);
    case 'empty-array':
      return perplexityError(400, 'bad_request', `['At body -> ${arrow(issue.param)}: List should have at least 1 item after validation, not 0']`);
    case 'invalid-role':
      return perplexityError(400, 'bad_request', `['At body -> ${arrow(issue.param)}: Input should be ${roles.map((role) => `'${role}'`).join(', ').replace(/, ([^,]*)$/, ' or $1')}']`);
    case 'orphan-tool-message':
    case 'unanswered-tool-calls':
      return perplexityError(400, 'invalid_message', 'After the (optional) system message(s), user or tool message(s) should alternate with assistant message(s).');
    default:
      return assertNever(issue);
  }
}

/**
 * Perplexity's usage adds the search context size and a cost breakdown in USD; sonar-pro and the
 * reasoning model also report citation tokens and search queries.
 * @see https://docs.perplexity.ai/api-reference/chat-completions-post
 */
function renderUsage(turn: SimulatedTurn, completionTokens: number): unknown {
  const prices = (turn.model as PerplexityModel).prices;
  const inputCost = round((turn.usage.promptTokens * prices.input) / 1e6);
  const outputCost = round((completionTokens * prices.output) / 1e6);
  const requestCost = prices.requestPerThousand / 1000;
  const usage: Record<string, unknown> = {
    prompt_tokens: turn.usage.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: turn.usage.promptTokens + completionTokens,
    search_context_size: 'low',
  };
  if (turn.model.id !== 'sonar') {
    usage.citation_tokens = 0;
    usage.num_search_queries = 1;
  }
  if ((turn.model as PerplexityModel).thinksInContent) usage.reasoning_tokens = turn.usage.reasoningTokens;
  usage.cost = { input_tokens_cost: inputCost, output_tokens_cost: outputCost, request_cost: requestCost, total_cost: round(inputCost + outputCost + requestCost) };
  return usage;
}

function perplexityError(status: number, type: string, message: string): SimulatorError {
  return new SimulatorError(status, { error: { message, type, code: status } });
}

function arrow(param: string): string {
  return param.replace(/\[(\d+)\]/g, '.$1').split('.').join(' -> ');
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

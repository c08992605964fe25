import type { Surface } from '../../gateway/surface.ts';
import { formatSseEvent } from '../../streaming/format-sse-event.ts';
import { countJsonTokens } from '../../usage/count-json-tokens.ts';
import { estimatePromptTokens } from '../../usage/estimate-prompt-tokens.ts';
import { addMessagesUsageCost } from './add-messages-usage-cost.ts';
import { decodeMessagesRequest } from './decode-messages-request.ts';
import { encodeAnthropicError, encodeAnthropicStreamError } from './encode-anthropic-error.ts';
import { encodeMessagesResponse, newMessageId } from './encode-messages-response.ts';
import type { MessagesRequest, MessagesUsage } from './messages-api.ts';
import { createMessagesStreamEncoder } from './messages-stream-encoder.ts';
import { messagesOutputText } from './messages-output-text.ts';
import { readMessagesUsage } from './read-messages-usage.ts';
import { createMessagesStreamTap } from './tap-messages-stream.ts';

const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/**
 * The Anthropic Messages API, for Anthropic SDK clients and Claude Code. Claude models get the
 * request passed through losslessly (thinking, cache control, betas, version headers), only the
 * usage getting the gateway's `cost`; every other model gets it translated to the hub request and
 * the answer back, stream included. Errors in Anthropic's shape.
 * @see https://docs.anthropic.com/en/api/messages
 */
export const anthropicMessagesSurface: Surface<MessagesRequest> = {
  id: 'anthropic-messages',
  describe: (body) => ({ model: body.model, streamed: body.stream === true }),
  decode: decodeMessagesRequest,
  encoders: ({ body }) => ({
    completion: (completion, usage, cost) => encodeMessagesResponse(completion, { model: body.model, usage, cost }),
    stream: () => createMessagesStreamEncoder({ messageId: newMessageId(), model: body.model }),
  }),
  encodeError: encodeAnthropicError,
  native: {
    request: (call, model) => ({
      method: 'POST',
      path: '/v1/messages',
      body: JSON.stringify(call.body.model === model.upstreamId ? call.body : { ...call.body, model: model.upstreamId }),
      headers: anthropicHeaders(call.headers),
    }),
    exchange: (call) => ({
      errors: 'map',
      readError,
      passHeaders: (headers): Record<string, string> => (typeof headers['request-id'] === 'string' ? { 'x-upstream-request-id': headers['request-id'] } : {}),
      readAnswer: (answer) => {
        const message = answer !== null && typeof answer === 'object' ? (answer as { type?: unknown; usage?: Partial<MessagesUsage> }) : undefined;
        return { usage: readMessagesUsage(message?.usage), finished: message?.type === 'message', outputText: () => messagesOutputText(message) };
      },
      addCost: addMessagesUsageCost,
      createStreamTap: createMessagesStreamTap,
      encodeStreamError: (error) => formatSseEvent(encodeAnthropicStreamError(error), 'error'),
      estimatePrompt: () => estimateMessagesPrompt(call.body),
    }),
  },
  countTokens: {
    request: (call, model) => ({ method: 'POST', path: '/v1/messages/count_tokens', body: JSON.stringify({ ...call.body, model: model.upstreamId }), headers: anthropicHeaders(call.headers) }),
    readError,
    estimate: (body) => ({ input_tokens: estimatePromptTokens(decodeMessagesRequest({ ...body, max_tokens: body.max_tokens ?? 1 }).request) }),
  },
};

/** The client's Anthropic headers the provider must see; its key never leaves the gateway. */
function anthropicHeaders(clientHeaders: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const version = clientHeaders['anthropic-version'];
  const headers: Record<string, string> = { 'content-type': 'application/json', 'anthropic-version': typeof version === 'string' ? version : DEFAULT_ANTHROPIC_VERSION };
  const beta = clientHeaders['anthropic-beta'];
  if (beta) headers['anthropic-beta'] = Array.isArray(beta) ? beta.join(',') : beta;
  return headers;
}

/** `{"type": "error", "error": {"type", "message"}}` @see https://docs.anthropic.com/en/api/errors#error-shapes */
function readError(body: unknown): { message?: string } {
  const message = (body as { error?: { message?: unknown } }).error?.message;
  return { message: typeof message === 'string' ? message : undefined };
}

/** The prompt of a passed-through request that ended early without Anthropic reporting its input: the hub estimate, or its JSON counted when it cannot be translated. */
function estimateMessagesPrompt(body: MessagesRequest): number {
  try {
    return estimatePromptTokens(decodeMessagesRequest(body).request);
  } catch {
    return countJsonTokens({ system: body.system, messages: body.messages, tools: body.tools });
  }
}

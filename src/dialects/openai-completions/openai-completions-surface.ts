import type { Surface } from '../../gateway/surface.ts';
import { encodeOpenAIError } from '../openai-chat/encode-openai-error.ts';
import type { CompletionsRequest } from './completions-api.ts';
import { createCompletionsStreamEncoder } from './completions-stream-encoder.ts';
import { decodeCompletionsRequest } from './decode-completions-request.ts';
import { encodeCompletionsResponse } from './encode-completions-response.ts';
import { readCompletionsPrompt } from './read-completions-prompt.ts';

/**
 * OpenAI's legacy Completions API (prompt in, text out), for any model: every request is
 * translated to one hub chat request (decode-completions-request.ts) and the answer back into
 * `text_completion` objects, whole or streamed; no provider is passed through. Errors are in
 * OpenAI's envelope, as on the chat surface.
 * @see https://platform.openai.com/docs/api-reference/completions
 */
export const openAICompletionsSurface: Surface<CompletionsRequest> = {
  id: 'openai-completions',
  describe: (body) => ({ model: body.model, streamed: body.stream === true }),
  decode: decodeCompletionsRequest,
  encoders: ({ body }) => {
    // Decode ran first and accepted the prompt.
    const echo = body.echo === true ? readCompletionsPrompt(body.prompt) : '';
    return {
      completion: (completion, usage, cost) => encodeCompletionsResponse(completion, { model: body.model, echo, usage, cost }),
      stream: () => createCompletionsStreamEncoder({ model: body.model, echo, includeUsage: body.stream_options?.include_usage === true }),
    };
  },
  encodeError: encodeOpenAIError,
};

import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import type { ModelOperation } from '../../gateway/model-operation.ts';
import { mapUpstreamError } from '../../providers/map-upstream-error.ts';
import { readOpenAIError } from '../../providers/openai-compatible/read-openai-error.ts';
import { readRetryAfter } from '../../providers/read-retry-after.ts';
import { readUpstreamText } from '../../providers/upstream-client.ts';
import { encodeOpenAIError } from '../openai-chat/encode-openai-error.ts';

/** OpenAI's default moderation model, when a request names none. */
const DEFAULT_MODEL = 'omni-moderation-latest';
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * `POST /v1/moderations`: `input` a string, strings, or text and image parts; `model` optional.
 * @see https://platform.openai.com/docs/api-reference/moderations/create
 */
export interface ModerationsRequest {
  input: unknown;
  model?: string;
}

export const moderationsRequestSchema = {
  type: 'object',
  required: ['input'],
  properties: {
    model: { type: 'string', minLength: 1 },
    input: {
      anyOf: [
        { type: 'string' },
        { type: 'array', minItems: 1, items: { type: 'string' } },
        { type: 'array', minItems: 1, items: { type: 'object', required: ['type'], properties: { type: { enum: ['text', 'image_url'] } } } },
      ],
    },
  },
};

/**
 * OpenAI's moderations, passed through to OpenAI (the only provider of the catalog's moderation
 * models): the provider's answer as it came, free — admitted and recorded like any request (rate
 * limits, the request log) at a cost of 0.
 */
export const openAIModerationsOperation: ModelOperation<ModerationsRequest, string> = {
  id: 'openai-moderations',
  kind: 'moderation',
  describe: (body) => ({ model: body.model ?? DEFAULT_MODEL }),
  async call(adapter, body, { model, signal, onAttempt }) {
    if (!adapter.forward) throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'moderations', 'model');
    const provider = model.provider;
    const response = await adapter.forward({ method: 'POST', path: '/moderations', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, model: model.upstreamId }), signal, onAttempt, timeouts: model.timeouts });
    if (response.status >= 400) {
      const text = adapter.scrub(await readUpstreamText(provider, response, signal, MAX_ERROR_BODY_BYTES).catch(() => ''));
      const parsed = parseJson(text);
      const { message, param } = parsed.ok ? readOpenAIError(parsed.value) : { message: undefined, param: null };
      throw mapUpstreamError({ provider, status: response.status, message, param, rawBody: text, retryAfter: readRetryAfter(response.headers, response.status), secrets: [] });
    }
    const text = await readUpstreamText(provider, response, signal);
    const parsed = parseJson<{ results?: unknown }>(text);
    if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || !Array.isArray(parsed.value.results)) throw GATEWAY_ERRORS.upstreamInvalidAnswer(provider, 'the response is not a moderation');
    return { result: text, deployment: response.deployment };
  },
  encode: (text) => ({ status: 200, contentType: 'application/json', body: text }),
  encodeError: encodeOpenAIError,
};

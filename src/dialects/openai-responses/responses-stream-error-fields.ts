import type { GatewayError } from '../../core/gateway-error.ts';

/**
 * The fields of a Responses stream's `error` event. The reference types put code, message and
 * param on the event; recorded streams nest them under `error`, which is what the OpenAI SDKs
 * raise. Both are written, so either kind of client sees the failure.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming/error
 */
export function responsesStreamErrorFields(error: GatewayError) {
  const details = { code: error.code, message: error.message, param: error.param };
  return { ...details, error: { type: error.type, ...details } };
}

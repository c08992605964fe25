import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_ERRORS, GatewayError } from '../core/gateway-error.ts';
import { toValidationIssues, type AjvError } from '../core/ajv-validation-issues.ts';
import { anthropicErrorStatus, encodeAnthropicError } from '../dialects/anthropic-messages/encode-anthropic-error.ts';
import { encodeOpenAIError } from '../dialects/openai-chat/encode-openai-error.ts';
import { encodeGeminiError, geminiErrorStatus } from '../dialects/gemini-generate-content/encode-gemini-error.ts';

/**
 * The one place errors become HTTP answers. Whatever was thrown (a GatewayError, a Fastify body
 * or validation error, a bug) leaves as a GatewayError rendered in the caller's dialect.
 */
export function renderError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const gatewayError = toGatewayError(error, request);
  request.errorCode = gatewayError.code;
  // No prompt text in the logs: a provider's message or body may quote the request, so a provider
  // failure is logged by provider, status and code only (the client still gets the message).
  const upstream = gatewayError.upstream && { provider: gatewayError.upstream.provider, status: gatewayError.upstream.status };
  if (upstream) {
    request.log[gatewayError.status >= 500 ? 'error' : 'warn']({ upstream, code: gatewayError.code, status: gatewayError.status }, 'provider failure');
  } else if (gatewayError.status >= 500) {
    request.log.error({ err: error, code: gatewayError.code }, gatewayError.message);
  }
  if (reply.sent || reply.raw.headersSent) return;
  for (const [name, value] of Object.entries(gatewayError.headers ?? {})) reply.header(name, value);
  const encode = errorEncoder(request);
  const status = encode === encodeAnthropicError ? anthropicErrorStatus(gatewayError) : encode === encodeGeminiError ? geminiErrorStatus(gatewayError) : gatewayError.status;
  reply.status(status).type('application/json').send(encode(gatewayError));
}

/**
 * A route's surface decides its error shape; unknown paths under the Anthropic surface's answer in
 * Anthropic's, under the Gemini API's in Google's, and so does a Gemini client on `/v1/models` (shared with OpenAI).
 */
function errorEncoder(request: FastifyRequest): (error: GatewayError) => unknown {
  const encodeError = request.routeOptions?.config?.encodeError;
  if (encodeError) return encodeError;
  const path = request.url.split('?')[0];
  if (path.startsWith('/v1/gateway/claude/') || path.startsWith('/v1/messages')) return encodeAnthropicError;
  const geminiClient = request.headers['x-goog-api-key'] !== undefined || request.headers['x-goog-api-client'] !== undefined;
  if (/^\/(v1beta|v1alpha)\//.test(path) || path.startsWith('/v1/gateway/gemini/') || (geminiClient && path.startsWith('/v1/models'))) return encodeGeminiError;
  return encodeOpenAIError;
}

export function toGatewayError(error: unknown, request: FastifyRequest): GatewayError {
  if (error instanceof GatewayError) return error;
  const fastifyError = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (Array.isArray(fastifyError.validation)) {
    const context = fastifyError.validationContext ?? 'body';
    // Fastify parses text/plain into a string by default; such a body was never JSON, so it is the
    // media type that is wrong, not a field.
    if (context === 'body' && typeof request.body === 'string') return GATEWAY_ERRORS.unsupportedMediaType(requestMediaType(request));
    return GATEWAY_ERRORS.validation(toValidationIssues(fastifyError.validation, context));
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return GATEWAY_ERRORS.bodyTooLarge(request.server.initialConfig.bodyLimit ?? 0);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      // Fastify's message is only "Unsupported Media Type"; the client needs to see what it sent.
      return GATEWAY_ERRORS.unsupportedMediaType(requestMediaType(request));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return GATEWAY_ERRORS.malformedJson('the body is empty');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return GATEWAY_ERRORS.malformedJson('Content-Length does not match the body');
  }
  if (error instanceof SyntaxError || fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return GATEWAY_ERRORS.malformedJson((error as Error).message);
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new GatewayError({ status: fastifyError.statusCode, type: 'invalid_request_error', code: 'bad_request', message: fastifyError.message });
  }
  return GATEWAY_ERRORS.internal();
}

/** The request's media type without its parameters (`text/plain; charset=utf-8` → `text/plain`). */
function requestMediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim();
}

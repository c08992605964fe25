import { SimulatorError } from '../simulator-error.ts';

/**
 * Anthropic's refusals, as the API writes them: `{"type":"error","error":{"type","message"}}` with
 * the status each type stands for (the engine adds `request_id`). Messages are the API's own where
 * public reports quote them.
 * @see https://docs.anthropic.com/en/api/errors
 */
export const ANTHROPIC_ERRORS = {
  invalidRequest: (message: string) => anthropicError(400, 'invalid_request_error', message),
  missingApiKey: () => anthropicError(401, 'authentication_error', 'x-api-key header is required'),
  missingVersion: () => anthropicError(400, 'invalid_request_error', 'anthropic-version: header is required'),
  invalidVersion: (version: string) => anthropicError(400, 'invalid_request_error', `anthropic-version: "${version}" is not a valid version`),
  invalidJson: () => anthropicError(400, 'invalid_request_error', 'There was an issue with the format of your request body: it is not valid JSON'),
  unknownModel: (model: string) => anthropicError(404, 'not_found_error', `model: ${model}`),
  routeNotFound: () => anthropicError(404, 'not_found_error', 'Not Found'),
  overloaded: () => anthropicError(529, 'overloaded_error', 'Overloaded'),
  /** What a fault with this status answers when the test gave no body. */
  forStatus: (status: number): SimulatorError => {
    switch (status) {
      case 400:
        return anthropicError(400, 'invalid_request_error', 'The request was rejected by the simulator fault.');
      case 401:
        return anthropicError(401, 'authentication_error', 'invalid x-api-key');
      case 402:
        return anthropicError(402, 'billing_error', 'Your credit balance is too low to access the Anthropic API.');
      case 403:
        return anthropicError(403, 'permission_error', 'Your API key does not have permission to use the specified resource.');
      case 404:
        return anthropicError(404, 'not_found_error', 'The requested resource could not be found.');
      case 413:
        return anthropicError(413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.');
      case 429:
        // Anthropic says how long to wait in retry-after (seconds).
        // @see https://docs.anthropic.com/en/api/rate-limits#response-headers
        return new SimulatorError(429, errorBody('rate_limit_error', 'This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.'), { 'retry-after': '1' });
      case 504:
        return anthropicError(504, 'timeout_error', 'Request timed out');
      case 529:
        return anthropicError(529, 'overloaded_error', 'Overloaded');
      default:
        return status >= 500 ? anthropicError(status, 'api_error', 'Internal server error') : anthropicError(status, 'invalid_request_error', 'The request was rejected by the simulator fault.');
    }
  },
} as const;

/** The data of the `error` event a stream sends when it fails after it began. @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#error-events */
export const OVERLOADED_EVENT_DATA = JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });

function anthropicError(status: number, type: string, message: string): SimulatorError {
  return new SimulatorError(status, errorBody(type, message));
}

function errorBody(type: string, message: string): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type, message } };
}

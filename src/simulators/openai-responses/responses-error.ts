import { SimulatorError } from '../simulator-error.ts';

/**
 * An error in OpenAI's envelope, as /v1/responses answers it.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function responsesError(status: number, message: string, param: string | null = null, code: string | null = null, type = 'invalid_request_error'): SimulatorError {
  return new SimulatorError(status, { error: { message, type, param, code } });
}

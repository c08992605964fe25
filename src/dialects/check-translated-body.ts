import { Ajv } from 'ajv';
import { toValidationIssues } from '../core/ajv-validation-issues.ts';
import { GATEWAY_ERRORS } from '../core/gateway-error.ts';

/** As Fastify's body validation is set up (build-server.ts): every problem reported, no type coerced. */
const ajv = new Ajv({ allErrors: true, strict: false });

/**
 * A check of the whole request body against a surface's full schema, for requests that are
 * translated: the route itself checks only what the gateway needs (model, stream, token limits),
 * so a provider's own surface is never stricter than the provider, while what translation reads is
 * checked before it reads it. A failure is the gateway's validation error (422; the Anthropic
 * surface renders it as Anthropic's 400).
 */
export function compileTranslatedBodyCheck(schema: object): (body: unknown) => void {
  const validate = ajv.compile(schema);
  return (body) => {
    if (!validate(body)) throw GATEWAY_ERRORS.validation(toValidationIssues(validate.errors ?? [], 'body'));
  };
}

import type { RefusalKind } from '../catalog/catalog-model.ts';
import type { GatewayError } from '../core/gateway-error.ts';

/**
 * Each provider's words for a prompt longer than the model's context window: OpenAI's code and
 * message, Anthropic's "prompt is too long", Gemini's "input token count … exceeds", xAI's
 * "maximum prompt length", vLLM's "maximum context length".
 */
const CONTEXT_LENGTH = /context_length_exceeded|maximum context length|prompt is too long|input token count.*exceeds|exceeds the maximum number of tokens|maximum prompt length|context window/i;

/**
 * Content-policy refusals: OpenAI's `content_policy_violation`, Azure's `content_filter`
 * (ResponsibleAIPolicyViolation), Gemini's blocked prompt (`prompt_blocked`, a gateway code).
 */
const CONTENT_POLICY = /content_policy_violation|content_filter|content management policy|ResponsibleAIPolicyViolation|safety system/i;

/** Which refusal a provider's 4xx is, read from its code, message and body; undefined for any other error. */
export function classifyRefusal(error: GatewayError): RefusalKind | undefined {
  if (error.status >= 500 || error.status === 429) return undefined;
  if (error.code === 'prompt_blocked') return 'content_policy';
  if (!error.upstream) return undefined;
  const text = `${error.message}\n${error.upstream.body ?? ''}`;
  if (CONTEXT_LENGTH.test(text)) return 'context_length';
  if (CONTENT_POLICY.test(text)) return 'content_policy';
  return undefined;
}

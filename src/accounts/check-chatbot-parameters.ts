import type { ChatbotParameters } from '../store/store.ts';
import { AccountError } from './account-error.ts';

/** The effort levels OpenAI's chat API names; a model that takes fewer maps the rest (its catalog `parameters`). */
const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];
const RESPONSE_FORMAT_TYPES = ['text', 'json_object', 'json_schema'];
/** OpenAI's limit on stop sequences. @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stop */
const MAX_STOP_SEQUENCES = 4;
const MAX_STOP_LENGTH = 200;

type ParameterCheck = (value: unknown, field: string) => unknown;

/**
 * What a chatbot may set, each checked as the chat request schema would (the same ranges), so a
 * preset that was accepted never makes every request of its chatbot fail with a 422.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
const PARAMETER_CHECKS: Record<keyof ChatbotParameters, ParameterCheck> = {
  temperature: numberFrom(0, 2),
  top_p: numberFrom(0, 1),
  max_tokens: wholeNumberFrom(1),
  max_completion_tokens: wholeNumberFrom(1),
  presence_penalty: numberFrom(-2, 2),
  frequency_penalty: numberFrom(-2, 2),
  reasoning_effort: (value, field) => {
    if (typeof value !== 'string' || !REASONING_EFFORTS.includes(value)) refuse(field, `must be one of ${REASONING_EFFORTS.join(', ')}`);
    return value;
  },
  response_format: checkResponseFormat,
  stop: (value, field) => {
    if (typeof value === 'string' && value !== '' && value.length <= MAX_STOP_LENGTH) return value;
    const list = Array.isArray(value) && value.length >= 1 && value.length <= MAX_STOP_SEQUENCES && value.every((item) => typeof item === 'string' && item !== '' && item.length <= MAX_STOP_LENGTH);
    if (!list) refuse(field, `must be a sequence or a list of 1 to ${MAX_STOP_SEQUENCES} sequences (each 1 to ${MAX_STOP_LENGTH} characters)`);
    return [...(value as string[])];
  },
  seed: (value, field) => {
    if (!Number.isSafeInteger(value)) refuse(field, 'must be a whole number');
    return value;
  },
};

export const CHATBOT_PARAMETER_NAMES = Object.keys(PARAMETER_CHECKS) as (keyof ChatbotParameters)[];

/**
 * A chatbot's parameters, checked: only the names above, each in its range; `max_tokens` and
 * `max_completion_tokens` are two names for one limit, so only one may be set. Throws an
 * AccountError naming the field (`parameters.temperature`).
 */
export function checkChatbotParameters(parameters: unknown): ChatbotParameters {
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) refuse('parameters', 'must be an object');
  const checked: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parameters as Record<string, unknown>)) {
    const check = PARAMETER_CHECKS[name as keyof ChatbotParameters];
    if (!check) refuse(`parameters.${name}`, `is not a parameter a chatbot sets; use ${CHATBOT_PARAMETER_NAMES.join(', ')}`);
    // Null is "not set", as in an OpenAI request.
    if (value === undefined || value === null) continue;
    checked[name] = check(value, `parameters.${name}`);
  }
  if (checked.max_tokens !== undefined && checked.max_completion_tokens !== undefined) {
    refuse('parameters.max_completion_tokens', 'and max_tokens are the same limit: set one of them');
  }
  return checked as ChatbotParameters;
}

/** A change of parameters merged into the current ones, field by field: null removes a parameter. */
export function mergeChatbotParameters(current: ChatbotParameters, changes: Record<string, unknown>): ChatbotParameters {
  const merged: Record<string, unknown> = { ...current };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) delete merged[name];
    else merged[name] = value;
  }
  // Setting one name of the output limit replaces the other.
  if (changes.max_tokens !== undefined && changes.max_tokens !== null && changes.max_completion_tokens === undefined) delete merged.max_completion_tokens;
  if (changes.max_completion_tokens !== undefined && changes.max_completion_tokens !== null && changes.max_tokens === undefined) delete merged.max_tokens;
  return checkChatbotParameters(merged);
}

function numberFrom(minimum: number, maximum: number): ParameterCheck {
  return (value, field) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum || value > maximum) refuse(field, `must be a number from ${minimum} to ${maximum}`);
    return value;
  };
}

function wholeNumberFrom(minimum: number): ParameterCheck {
  return (value, field) => {
    if (!Number.isSafeInteger(value) || (value as number) < minimum) refuse(field, `must be a whole number of at least ${minimum}`);
    return value;
  };
}

/** `{type: 'text' | 'json_object'}`, or `{type: 'json_schema', json_schema: {name, schema?, strict?, description?}}`, as OpenAI defines it. */
function checkResponseFormat(value: unknown, field: string): unknown {
  const format = value as { type?: unknown; json_schema?: unknown } | null;
  if (typeof format !== 'object' || format === null || Array.isArray(format) || typeof format.type !== 'string' || !RESPONSE_FORMAT_TYPES.includes(format.type)) {
    refuse(field, `must be an object whose type is one of ${RESPONSE_FORMAT_TYPES.join(', ')}`);
  }
  const extra = Object.keys(format).filter((key) => key !== 'type' && !(format.type === 'json_schema' && key === 'json_schema'));
  if (extra.length > 0) refuse(`${field}.${extra[0]}`, 'is not a field of a response format');
  if (format.type !== 'json_schema') return { type: format.type };
  const schema = format.json_schema as { name?: unknown; schema?: unknown; strict?: unknown; description?: unknown } | null;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) refuse(`${field}.json_schema`, 'must be an object');
  if (typeof schema.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(schema.name)) refuse(`${field}.json_schema.name`, 'must be 1 to 64 letters, digits, _ or -');
  if (schema.schema !== undefined && (typeof schema.schema !== 'object' || schema.schema === null || Array.isArray(schema.schema))) refuse(`${field}.json_schema.schema`, 'must be a JSON schema object');
  if (schema.strict !== undefined && schema.strict !== null && typeof schema.strict !== 'boolean') refuse(`${field}.json_schema.strict`, 'must be true or false');
  if (schema.description !== undefined && typeof schema.description !== 'string') refuse(`${field}.json_schema.description`, 'must be a string');
  const unknown = Object.keys(schema).find((key) => !['name', 'schema', 'strict', 'description'].includes(key));
  if (unknown) refuse(`${field}.json_schema.${unknown}`, 'is not a field of a JSON schema response format');
  return { type: 'json_schema', json_schema: schema };
}

function refuse(field: string, problem: string): never {
  throw new AccountError('invalid', `${field} ${problem}`, field);
}

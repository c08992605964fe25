/**
 * JSON schema of a legacy Completions request (OpenAI's `CreateCompletionRequest`), checked on the
 * route: every model is served by translation to chat, so the whole request is checked before any
 * provider is called (422 with the validation `detail`). What is well-formed but cannot be
 * translated (token-id prompts, several prompts, `logprobs`, `suffix`, `best_of` other than `n`)
 * is refused by name in decode-completions-request.ts. Unknown fields are dropped and reported.
 * @see https://platform.openai.com/docs/api-reference/completions/create
 */
const nullable = (type: string) => ({ type: [type, 'null'] });
const tokenIds = { type: 'array', minItems: 1, items: { type: 'integer', minimum: 0 } };

export const completionsRequestSchema = {
  type: 'object',
  required: ['model', 'prompt'],
  properties: {
    model: { type: 'string', minLength: 1 },
    prompt: {
      anyOf: [
        { type: 'string' },
        { type: 'array', minItems: 1, items: { type: 'string' } },
        tokenIds,
        { type: 'array', minItems: 1, items: tokenIds },
      ],
    },
    suffix: nullable('string'),
    max_tokens: { ...nullable('integer'), minimum: 1 },
    temperature: { ...nullable('number'), minimum: 0, maximum: 2 },
    top_p: { ...nullable('number'), minimum: 0, maximum: 1 },
    n: { ...nullable('integer'), minimum: 1, maximum: 128 },
    stream: nullable('boolean'),
    stream_options: { ...nullable('object'), properties: { include_usage: { type: 'boolean' } } },
    logprobs: { ...nullable('integer'), minimum: 0, maximum: 5 },
    echo: nullable('boolean'),
    stop: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 4 }, { type: 'null' }] },
    presence_penalty: { ...nullable('number'), minimum: -2, maximum: 2 },
    frequency_penalty: { ...nullable('number'), minimum: -2, maximum: 2 },
    best_of: { ...nullable('integer'), minimum: 0, maximum: 20 },
    logit_bias: { ...nullable('object'), additionalProperties: { type: 'number', minimum: -100, maximum: 100 } },
    seed: nullable('integer'),
    user: { type: 'string' },
  },
} as const;

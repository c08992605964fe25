/**
 * `POST /v1/embeddings` as OpenAI documents it: `input` is a string, strings, token ids, or lists
 * of token ids (at most 2,048 inputs, none empty); `encoding_format` `float` or `base64`;
 * `dimensions` a positive integer. Other fields are left to the provider, as OpenAI's own surface.
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
export interface EmbeddingsRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  user?: string;
}

const MAX_INPUTS = 2_048;
const tokenIds = { type: 'array', minItems: 1, items: { type: 'integer', minimum: 0 } };

export const embeddingsRequestSchema = {
  type: 'object',
  required: ['model', 'input'],
  properties: {
    model: { type: 'string', minLength: 1 },
    input: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', minItems: 1, maxItems: MAX_INPUTS, items: { type: 'string', minLength: 1 } },
        tokenIds,
        { type: 'array', minItems: 1, maxItems: MAX_INPUTS, items: tokenIds },
      ],
    },
    encoding_format: { enum: ['float', 'base64'] },
    dimensions: { type: 'integer', minimum: 1 },
    user: { type: 'string' },
  },
};

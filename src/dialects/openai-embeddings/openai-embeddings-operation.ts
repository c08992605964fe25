import { countTokens } from '../../usage/count-tokens.ts';
import type { CatalogModel } from '../../catalog/catalog-model.ts';
import { creditsAsNumber } from '../../core/credits-as-number.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import type { ModelOperation } from '../../gateway/model-operation.ts';
import { encodeOpenAIError } from '../openai-chat/encode-openai-error.ts';
import { encodeEmbeddingBase64 } from './encode-embedding-vector.ts';
import type { EmbeddingsRequest } from './embeddings-request-schema.ts';

/** The inputs of a request, one per vector: a single string or token list is one input. */
function inputsOf(input: EmbeddingsRequest['input']): (string | number[])[] {
  if (typeof input === 'string') return [input];
  if (input.every((item) => typeof item === 'number')) return [input as number[]];
  return input as (string | number[])[];
}

/**
 * OpenAI's embeddings API for every embedding model of the catalog: OpenAI's and Fireworks' (the
 * same API upstream), Gemini's (`batchEmbedContents`). Vectors come back as floats or, as the
 * official SDKs ask by default, base64; `usage` carries the provider's token count — or, where the
 * provider reports none (Gemini), the o200k tokenizer's, and the record says it was estimated —
 * and the gateway's `cost`.
 */
export const openAIEmbeddingsOperation: ModelOperation<EmbeddingsRequest, number[][]> = {
  id: 'openai-embeddings',
  kind: 'embedding',
  describe: (body) => ({ model: body.model }),
  check(body, model) {
    const facts = model.embedding!;
    const inputs = inputsOf(body.input).length;
    if (inputs > facts.maxInputs) {
      throw GATEWAY_ERRORS.validation([{ loc: ['body', 'input'], msg: `Model '${model.id}' takes at most ${facts.maxInputs} inputs per request (got ${inputs})`, type: 'too_long' }]);
    }
    if (body.dimensions === undefined) return;
    if (facts.minDimensions === undefined) throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'dimensions', 'dimensions');
    if (body.dimensions < facts.minDimensions || body.dimensions > facts.dimensions) {
      throw GATEWAY_ERRORS.validation([{ loc: ['body', 'dimensions'], msg: `Model '${model.id}' takes dimensions from ${facts.minDimensions} to ${facts.dimensions}`, type: 'value_error' }]);
    }
  },
  async call(adapter, body, context) {
    if (!adapter.embed) throw GATEWAY_ERRORS.unsupportedCapability(context.model.id, 'embeddings', 'model');
    const inputs = inputsOf(body.input);
    const answer = await adapter.embed({ ...context, inputs, dimensions: body.dimensions });
    const promptTokens = answer.promptTokens ?? estimateInputTokens(inputs);
    return { result: answer.vectors, usage: { promptTokens, completionTokens: 0 }, usageEstimated: answer.promptTokens === undefined, deployment: answer.deployment };
  },
  encode(vectors, { model, usage, cost, body }) {
    const base64 = body.encoding_format === 'base64';
    const promptTokens = usage?.promptTokens ?? 0;
    return {
      status: 200,
      body: {
        object: 'list',
        data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? encodeEmbeddingBase64(vector) : vector })),
        model: modelName(model),
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens, cost: creditsAsNumber(cost) },
      },
    };
  },
  encodeError: encodeOpenAIError,
};

/** Token ids count as themselves; texts with the o200k tokenizer (an estimate for other providers' tokenizers). */
function estimateInputTokens(inputs: (string | number[])[]): number {
  return inputs.reduce((total, input) => total + (typeof input === 'string' ? countTokens(input) : input.length), 0);
}

function modelName(model: CatalogModel): string {
  return model.id;
}

import { countTokens } from '../../usage/count-tokens.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import type { ModelOperation } from '../../gateway/model-operation.ts';
import { encodeGeminiError } from './encode-gemini-error.ts';

/** One `EmbedContentRequest`: the text to embed and how. @see https://ai.google.dev/api/embeddings#EmbedContentRequest */
interface EmbedContentRequest {
  model?: unknown;
  content?: { parts?: { text?: unknown }[] };
  taskType?: string;
  title?: string;
  outputDimensionality?: number;
}

/** The body as the route hands it over: the client's, with `model` from the URL. */
export interface GeminiEmbeddingsBody extends EmbedContentRequest {
  model: string;
  /** `batchEmbedContents` only. */
  requests?: EmbedContentRequest[];
}

export const geminiEmbedContentSchema = {
  type: 'object',
  required: ['content'],
  properties: { content: { type: 'object', required: ['parts'], properties: { parts: { type: 'array', minItems: 1 } } }, taskType: { type: 'string' }, outputDimensionality: { type: 'integer', minimum: 1 } },
};

export const geminiBatchEmbedContentsSchema = {
  type: 'object',
  required: ['requests'],
  properties: { requests: { type: 'array', minItems: 1, items: { ...geminiEmbedContentSchema, properties: { ...geminiEmbedContentSchema.properties, model: { type: 'string' } } } } },
};

/** The requests of a body, one per vector: `embedContent` is one, `batchEmbedContents` its `requests`. */
function requestsOf(body: GeminiEmbeddingsBody, batch: boolean): EmbedContentRequest[] {
  return batch ? (body.requests ?? []) : [body];
}

/** A request's text: its parts' texts joined, as the Gemini API embeds one content. */
function textOf(request: EmbedContentRequest, model: string): string {
  const parts = request.content?.parts ?? [];
  if (parts.some((part) => typeof part?.text !== 'string')) throw GATEWAY_ERRORS.unsupportedCapability(model, 'parts other than text in an embedding request', 'content.parts');
  return parts.map((part) => part.text as string).join('');
}

/** One value of a field every request of a batch must share (the hub call carries one): the first, or a 400 naming it. */
function sharedOf<Field extends 'taskType' | 'outputDimensionality'>(requests: EmbedContentRequest[], field: Field): EmbedContentRequest[Field] {
  const values = new Set(requests.map((request) => request[field]));
  if (values.size > 1) throw GATEWAY_ERRORS.validation([{ loc: ['body', 'requests', field], msg: `Every request of one batch must have the same ${field}`, type: 'value_error' }]);
  return requests[0]?.[field];
}

/**
 * The Gemini API's `embedContent` and `batchEmbedContents` for every embedding model of the
 * catalog (Gemini's passed on as one batch; OpenAI's and Fireworks' translated): answered as the
 * Gemini API answers, `{embedding: {values}}` or `{embeddings: [...]}`, without token counts (it
 * has none); the cost is in `x-switchyard-credits-used`, the tokens in the request log.
 */
function geminiEmbeddingsOperation(batch: boolean): ModelOperation<GeminiEmbeddingsBody, number[][]> {
  return {
    id: 'gemini-embed-content',
    kind: 'embedding',
    describe: (body) => ({ model: body.model }),
    check(body, model) {
      const requests = requestsOf(body, batch);
      const facts = model.embedding!;
      if (requests.length > facts.maxInputs) throw GATEWAY_ERRORS.validation([{ loc: ['body', 'requests'], msg: `Model '${model.id}' takes at most ${facts.maxInputs} requests per batch (got ${requests.length})`, type: 'too_long' }]);
      // A batch names its model in each request too: it must be the URL's (the Gemini API's own rule).
      const stray = requests.find((request) => request.model !== undefined && String(request.model).replace(/^models\//, '') !== model.id);
      if (stray) throw GATEWAY_ERRORS.validation([{ loc: ['body', 'requests', 'model'], msg: `Every request of the batch must name the model of the URL (models/${model.id})`, type: 'value_error' }]);
      const dimensions = sharedOf(requests, 'outputDimensionality');
      if (dimensions === undefined) return;
      if (facts.minDimensions === undefined) throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'outputDimensionality', 'outputDimensionality');
      if (dimensions < facts.minDimensions || dimensions > facts.dimensions) {
        throw GATEWAY_ERRORS.validation([{ loc: ['body', 'outputDimensionality'], msg: `Model '${model.id}' takes outputDimensionality from ${facts.minDimensions} to ${facts.dimensions}`, type: 'value_error' }]);
      }
    },
    async call(adapter, body, context) {
      if (!adapter.embed) throw GATEWAY_ERRORS.unsupportedCapability(context.model.id, 'embeddings', 'model');
      const requests = requestsOf(body, batch);
      const inputs = requests.map((request) => textOf(request, context.model.id));
      const answer = await adapter.embed({ ...context, inputs, dimensions: sharedOf(requests, 'outputDimensionality'), taskType: sharedOf(requests, 'taskType') });
      const promptTokens = answer.promptTokens ?? inputs.reduce((total, text) => total + countTokens(text), 0);
      return { result: answer.vectors, usage: { promptTokens, completionTokens: 0 }, usageEstimated: answer.promptTokens === undefined, deployment: answer.deployment };
    },
    encode: (vectors) => ({ status: 200, body: batch ? { embeddings: vectors.map((values) => ({ values })) } : { embedding: { values: vectors[0] } } }),
    encodeError: encodeGeminiError,
  };
}

export const geminiEmbedContentOperation = geminiEmbeddingsOperation(false);
export const geminiBatchEmbedContentsOperation = geminiEmbeddingsOperation(true);

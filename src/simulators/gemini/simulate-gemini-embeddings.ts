import { estimateTokens } from '../estimate-tokens.ts';
import { simulatedEmbedding } from '../embeddings/simulated-embedding.ts';
import type { SimulatorError } from '../simulator-error.ts';
import { GEMINI_SIMULATOR_ERRORS as ERRORS } from './gemini-simulator-errors.ts';

/** Gemini's embedding models: gemini-embedding-001 gives 3,072 values, or 128–3,072 with `outputDimensionality`. */
const EMBEDDING_MODELS = [{ id: 'gemini-embedding-001', dimensions: 3_072, minDimensions: 128, maxTokens: 2_048 }];
/** Requests one `batchEmbedContents` may carry. */
const MAX_BATCH = 100;

export type EmbeddingMethod = 'embedContent' | 'batchEmbedContents';
export const EMBEDDING_METHODS: readonly string[] = ['embedContent', 'batchEmbedContents'];

interface EmbedContentRequest {
  model?: unknown;
  content?: { parts?: { text?: unknown }[] };
  taskType?: unknown;
  outputDimensionality?: unknown;
}

/**
 * `models/{model}:embedContent` (`{content, taskType?, title?, outputDimensionality?}` →
 * `{embedding: {values}}`) and `:batchEmbedContents` (`{requests: [...]}` → `{embeddings: [...]}`),
 * as the Gemini API answers them: no token counts in the answer. The model of each batched
 * request must be the one of the URL.
 * @see https://ai.google.dev/api/embeddings
 */
export function simulateGeminiEmbeddings(modelName: string, method: EmbeddingMethod, body: unknown): { ok: true; answer: unknown } | { ok: false; error: SimulatorError } {
  const id = modelName.replace(/^models\//, '');
  const model = EMBEDDING_MODELS.find((candidate) => candidate.id === id);
  if (!model) return { ok: false, error: ERRORS.unknownModel(id, method) };
  const record = (typeof body === 'object' && body !== null ? body : {}) as { requests?: unknown };
  const requests = method === 'embedContent' ? [record as EmbedContentRequest] : record.requests;
  const prefix = method === 'embedContent' ? 'EmbedContentRequest' : 'BatchEmbedContentsRequest';
  if (!Array.isArray(requests) || requests.length === 0) return { ok: false, error: ERRORS.status(400, `* ${prefix}.requests: requests must not be empty\n`) };
  if (requests.length > MAX_BATCH) return { ok: false, error: ERRORS.status(400, `* ${prefix}.requests: at most ${MAX_BATCH} requests can be in one batch\n`) };
  const embeddings: { values: number[] }[] = [];
  for (const [index, request] of (requests as EmbedContentRequest[]).entries()) {
    const where = method === 'embedContent' ? prefix : `${prefix}.requests[${index}]`;
    if (method === 'batchEmbedContents' && request?.model !== `models/${model.id}`) {
      return { ok: false, error: ERRORS.status(400, `* ${where}.model: model name must match the model of the batch request (models/${model.id})\n`) };
    }
    const parts = request?.content?.parts;
    const text = Array.isArray(parts) ? parts.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('') : '';
    if (!Array.isArray(parts) || parts.length === 0 || text === '') return { ok: false, error: ERRORS.status(400, `* ${where}.content.parts: contents.parts must not be empty.\n`) };
    if (estimateTokens(text) > model.maxTokens) return { ok: false, error: ERRORS.status(400, `* ${where}.content: input is longer than the maximum number of tokens (${model.maxTokens})\n`) };
    const dimensions = request.outputDimensionality;
    if (dimensions !== undefined && (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < model.minDimensions || dimensions > model.dimensions)) {
      return { ok: false, error: ERRORS.status(400, `* ${where}.output_dimensionality: must be between ${model.minDimensions} and ${model.dimensions}\n`) };
    }
    embeddings.push({ values: simulatedEmbedding(model.id, text, model.dimensions, (dimensions as number | undefined) ?? model.dimensions) });
  }
  return { ok: true, answer: method === 'embedContent' ? { embedding: embeddings[0] } : { embeddings } };
}

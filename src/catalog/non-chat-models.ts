import type { CatalogModel } from './catalog-model.ts';

const CREATED = 1_735_689_600; // the catalog's own date, as for the chat models
const NO_CAPABILITIES = { tools: false, vision: false, reasoning: false, jsonSchema: false };

/** An input price in USD per million tokens, as micro-USD (an integer); nothing is output. */
function inputPerMillion(usd: number) {
  const micros = Math.round(usd * 1e6);
  return { inputPerMillion: micros, cachedInputPerMillion: micros, outputPerMillion: 0 };
}

function embeddingModel(provider: string, id: string, usd: number, contextWindow: number, embedding: NonNullable<CatalogModel['embedding']>): CatalogModel {
  return { id, provider, upstreamId: id, kind: 'embedding', embedding, capabilities: NO_CAPABILITIES, contextWindow, maxOutputTokens: 0, pricing: inputPerMillion(usd), parameters: {}, created: CREATED };
}

/**
 * The models that are not chat models: embeddings (`/v1/embeddings`, Gemini's `embedContent`) and
 * moderation (`/v1/moderations`), hand-kept like the seed's models. Prices are the providers' list
 * prices: OpenAI's and Google's from `@pydantic/genai-prices` 0.1.8 (text-embedding-3-small $0.02,
 * -3-large $0.13, ada-002 $0.10, gemini-embedding-001 $0.15 per million input tokens), Fireworks'
 * from its pricing page (embedding models up to 150M parameters $0.008, 150M–350M $0.016).
 * Moderation is free at OpenAI. Vector lengths and input limits from each provider's embeddings
 * guide: OpenAI 2,048 inputs of up to 8,192 tokens, `dimensions` on the -3 models only; Gemini 100
 * requests per batch, 2,048 tokens each, `outputDimensionality` 128–3,072; nomic-embed-text-v1.5 is
 * Matryoshka-trained (64–768).
 */
export const NON_CHAT_MODELS: CatalogModel[] = [
  embeddingModel('openai', 'text-embedding-3-small', 0.02, 8_192, { dimensions: 1_536, minDimensions: 1, maxInputs: 2_048 }),
  embeddingModel('openai', 'text-embedding-3-large', 0.13, 8_192, { dimensions: 3_072, minDimensions: 1, maxInputs: 2_048 }),
  embeddingModel('openai', 'text-embedding-ada-002', 0.1, 8_192, { dimensions: 1_536, maxInputs: 2_048 }),
  embeddingModel('google', 'gemini-embedding-001', 0.15, 2_048, { dimensions: 3_072, minDimensions: 128, maxInputs: 100 }),
  embeddingModel('fireworks', 'nomic-ai/nomic-embed-text-v1.5', 0.008, 8_192, { dimensions: 768, minDimensions: 64, maxInputs: 2_048 }),
  embeddingModel('fireworks', 'WhereIsAI/UAE-Large-V1', 0.016, 512, { dimensions: 1_024, maxInputs: 2_048 }),
  ...['omni-moderation-latest', 'text-moderation-latest'].map(
    (id): CatalogModel => ({ id, provider: 'openai', upstreamId: id, kind: 'moderation', capabilities: NO_CAPABILITIES, contextWindow: 32_768, maxOutputTokens: 0, pricing: inputPerMillion(0), parameters: {}, created: CREATED }),
  ),
];

import type { CatalogModel } from './catalog-model.ts';
import { IMAGE_MODELS } from './image-models.ts';
import { VIDEO_MODELS } from './video-models.ts';

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

/** An OpenAI audio model: priced per unit (characters, seconds) or, at `usd` per million, by its tokens. */
function audioModel(id: string, kind: 'speech' | 'transcription', pricing: CatalogModel['pricing'], limits: { contextWindow: number; maxOutputTokens: number }, provider = 'openai'): CatalogModel {
  return { id, provider, upstreamId: id, kind, capabilities: NO_CAPABILITIES, ...limits, pricing, parameters: {}, created: CREATED };
}

function perUnit(unit: 'character' | 'second', microUsd: number): CatalogModel['pricing'] {
  return { inputPerMillion: 0, cachedInputPerMillion: 0, outputPerMillion: 0, perUnit: { unit, prices: { default: microUsd } } };
}

function perMillion(inputUsd: number, outputUsd: number): CatalogModel['pricing'] {
  return { inputPerMillion: Math.round(inputUsd * 1e6), cachedInputPerMillion: Math.round(inputUsd * 1e6), outputPerMillion: Math.round(outputUsd * 1e6) };
}

/**
 * OpenAI's speech (`/v1/audio/speech`) and transcription (`/v1/audio/transcriptions`) models, at
 * OpenAI's list prices: tts-1 $15 and tts-1-hd $30 per million characters of input (15 and 30
 * micro-USD a character); gpt-4o-mini-tts $0.60 per million text tokens in and $12 per million
 * audio tokens out; whisper-1 $0.006 a minute (100 micro-USD a second); gpt-4o-transcribe $6 per
 * million audio tokens in ($2.50 text in) and $10 out, gpt-4o-mini-transcribe $3 ($1.25) and $5 —
 * the catalog has one input price, so a transcription's input tokens, text ones (its `prompt`)
 * included, are billed at the audio rate, a few tokens dearer at most. Prices from
 * `@pydantic/genai-prices` 0.1.8 (tts-1 and tts-1-hd from OpenAI's pricing page, which it lacks);
 * output limits 2,000 tokens (OpenAI's model pages). Gemini's speech models (`generateContent` with
 * audio out) are priced by their tokens: gemini-2.5-flash-preview-tts $0.50 in and $10 out per
 * million, -pro- $1 and $20 (genai-prices); 8,192 tokens in, 16,384 out (Gemini's model pages).
 */
const AUDIO_MODELS: CatalogModel[] = [
  audioModel('tts-1', 'speech', perUnit('character', 15), { contextWindow: 4_096, maxOutputTokens: 0 }),
  audioModel('tts-1-hd', 'speech', perUnit('character', 30), { contextWindow: 4_096, maxOutputTokens: 0 }),
  audioModel('gpt-4o-mini-tts', 'speech', perMillion(0.6, 12), { contextWindow: 2_000, maxOutputTokens: 2_000 }),
  audioModel('whisper-1', 'transcription', perUnit('second', 100), { contextWindow: 0, maxOutputTokens: 0 }),
  audioModel('gpt-4o-transcribe', 'transcription', perMillion(6, 10), { contextWindow: 16_000, maxOutputTokens: 2_000 }),
  audioModel('gpt-4o-mini-transcribe', 'transcription', perMillion(3, 5), { contextWindow: 16_000, maxOutputTokens: 2_000 }),
  audioModel('gemini-2.5-flash-preview-tts', 'speech', perMillion(0.5, 10), { contextWindow: 8_192, maxOutputTokens: 16_384 }, 'google'),
  audioModel('gemini-2.5-pro-preview-tts', 'speech', perMillion(1, 20), { contextWindow: 8_192, maxOutputTokens: 16_384 }, 'google'),
];

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
  ...AUDIO_MODELS,
  ...['omni-moderation-latest', 'text-moderation-latest'].map(
    (id): CatalogModel => ({ id, provider: 'openai', upstreamId: id, kind: 'moderation', capabilities: NO_CAPABILITIES, contextWindow: 32_768, maxOutputTokens: 0, pricing: inputPerMillion(0), parameters: {}, created: CREATED }),
  ),
  ...IMAGE_MODELS,
  ...VIDEO_MODELS,
];

import type { CatalogModel } from './catalog-model.ts';

const CREATED = 1_735_689_600; // the catalog's own date, as for the chat models
const NO_CAPABILITIES = { tools: false, vision: false, reasoning: false, jsonSchema: false };

/** What a video model takes: what `/v1/videos` checks, bounds and translates. */
export interface VideoFacts {
  /** The `size` values (OpenAI's `WIDTHxHEIGHT`) the model takes, its default first. */
  sizes: readonly string[];
  /** The clip lengths in seconds the model takes, its default first. */
  seconds: readonly number[];
}

/** Facts by upstream model id (a YAML alias of one is the same model). */
const VIDEO_FACTS: Record<string, VideoFacts> = {
  'sora-2': { sizes: ['720x1280', '1280x720'], seconds: [4, 8, 12] },
  'sora-2-pro': { sizes: ['720x1280', '1280x720', '1024x1792', '1792x1024'], seconds: [4, 8, 12] },
  // Veo takes an aspect ratio and a resolution: the gateway names them as OpenAI's sizes (16:9 720p = 1280x720).
  'veo-3.1-generate-preview': { sizes: ['1280x720', '720x1280', '1920x1080', '1080x1920'], seconds: [8, 4, 6] },
  'veo-3.1-fast-generate-preview': { sizes: ['1280x720', '720x1280', '1920x1080', '1080x1920'], seconds: [8, 4, 6] },
};

/** The video facts of a catalog model of kind `video`; undefined for any other. */
export function videoFactsOf(model: CatalogModel): VideoFacts | undefined {
  return model.kind === 'video' ? (VIDEO_FACTS[model.upstreamId] ?? VIDEO_FACTS[model.id]) : undefined;
}

function videoModel(provider: string, id: string, prices: Record<string, number>): CatalogModel {
  return {
    id,
    provider,
    upstreamId: id,
    kind: 'video',
    capabilities: NO_CAPABILITIES,
    contextWindow: 0,
    maxOutputTokens: 0,
    pricing: { inputPerMillion: 0, cachedInputPerMillion: 0, outputPerMillion: 0, perUnit: { unit: 'second', prices } },
    parameters: {},
    created: CREATED,
  };
}

/**
 * The video models (`/v1/videos`, `/v1/gateway/video/generation/`), billed per second of video
 * made, when the job completes, at the provider's list price in micro-USD a second: sora-2 $0.10
 * (720p), sora-2-pro $0.30 at 720x1280 or 1280x720 and $0.50 at 1024x1792 or 1792x1024 (OpenAI's
 * pricing page); Veo 3.1 $0.40 at 720p and 1080p alike, Veo 3.1 Fast $0.10 at 720p and $0.12 at
 * 1080p since Google's April 2026 price cut, audio included (Gemini API pricing page). The variant
 * is the size.
 */
export const VIDEO_MODELS: CatalogModel[] = [
  videoModel('openai', 'sora-2', { '720x1280': 100_000, '1280x720': 100_000 }),
  videoModel('openai', 'sora-2-pro', { '720x1280': 300_000, '1280x720': 300_000, '1024x1792': 500_000, '1792x1024': 500_000 }),
  videoModel('google', 'veo-3.1-generate-preview', { default: 400_000 }),
  videoModel('google', 'veo-3.1-fast-generate-preview', { '1280x720': 100_000, '720x1280': 100_000, '1920x1080': 120_000, '1080x1920': 120_000 }),
];

import type { Readable } from 'node:stream';
import type { CatalogModel } from '../../catalog/catalog-model.ts';
import type { VideoJobState } from '../../gateway/video-jobs.ts';
import type { AttemptObserver, ProviderAdapter } from '../../providers/provider-adapter.ts';
import type { VideoJob } from '../../store/store.ts';
import type { UploadedFile } from '../openai-transcriptions/transcription-request.ts';
import { openAIVideosApi } from './openai-videos-api.ts';
import { veoVideosApi } from './veo-videos-api.ts';

/** What the video surface's content route serves: OpenAI's variants. */
export const VIDEO_VARIANTS = ['video', 'thumbnail', 'spritesheet'] as const;
export type VideoVariant = (typeof VIDEO_VARIANTS)[number];

/** A video to start, checked and completed with the model's defaults. */
export interface VideoOrder {
  model: CatalogModel;
  prompt: string;
  seconds: number;
  size: string;
  inputReference?: UploadedFile;
  /** A remix: the finished job at the provider it remixes. */
  remixOf?: Pick<VideoJob, 'upstreamId' | 'deployment'>;
}

export interface StartedVideo {
  /** The provider's id of the job. */
  upstreamId: string;
  state: VideoJobState;
  deployment?: string;
}

/** A generated asset, relayed as its provider sends it. */
export interface VideoAsset {
  body: Readable;
  contentType: string;
  contentLength?: string;
}

/**
 * One provider's video API, in the gateway's terms: start a job, ask how it does, fetch what it
 * made, forget it. Every call about a job goes to the deployment that runs it.
 */
export interface VideoProviderApi {
  start(adapter: ProviderAdapter, order: VideoOrder, context: { signal: AbortSignal; onAttempt?: AttemptObserver }): Promise<StartedVideo>;
  poll(adapter: ProviderAdapter, job: VideoJob, model: CatalogModel, signal: AbortSignal): Promise<VideoJobState>;
  content(adapter: ProviderAdapter, job: VideoJob, variant: VideoVariant, signal: AbortSignal): Promise<VideoAsset>;
  remove(adapter: ProviderAdapter, job: VideoJob, signal: AbortSignal): Promise<void>;
}

/** The video API a provider speaks: Google's Veo (`predictLongRunning`) for a Gemini API provider, OpenAI's `/videos` for the others. */
export function videoApiOf(adapter: ProviderAdapter): VideoProviderApi {
  return adapter.nativeSurfaces.includes('gemini-generate-content') ? veoVideosApi : openAIVideosApi;
}

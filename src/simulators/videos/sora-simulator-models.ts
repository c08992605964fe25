import type { VideoAspect } from './video-fixtures.ts';

/** A Sora model the simulator serves, with the sizes it renders. */
export interface SoraSimulatorModel {
  id: string;
  sizes: readonly string[];
}

const STANDARD_SIZES = ['720x1280', '1280x720'] as const;
/** sora-2-pro alone renders the larger 1024x1792 and 1792x1024. */
const PRO_SIZES = [...STANDARD_SIZES, '1024x1792', '1792x1024'] as const;

/**
 * The models, snapshots and values of the Videos API as the `openai` package (6.x) types them
 * (`VideoModel`, `VideoSeconds`, `VideoSize`); the size rule per model is the video generation guide's.
 * @see https://platform.openai.com/docs/guides/video-generation
 */
export const SORA_SIMULATOR_MODELS: readonly SoraSimulatorModel[] = [
  { id: 'sora-2', sizes: STANDARD_SIZES },
  { id: 'sora-2-2025-10-06', sizes: STANDARD_SIZES },
  { id: 'sora-2-2025-12-08', sizes: STANDARD_SIZES },
  { id: 'sora-2-pro', sizes: PRO_SIZES },
  { id: 'sora-2-pro-2025-10-06', sizes: PRO_SIZES },
];

export const SORA_SECONDS = ['4', '8', '12'] as const;
export const SORA_SIZES = PRO_SIZES;
export const SORA_DEFAULTS = { model: 'sora-2', seconds: '4', size: '720x1280' } as const;

/** The picture shape each size has, which picks the fixture clip. */
export const SORA_SIZE_ASPECTS: Record<string, VideoAspect> = { '720x1280': '9:16', '1280x720': '16:9', '1024x1792': '4:7', '1792x1024': '7:4' };

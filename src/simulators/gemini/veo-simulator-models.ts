/** A Veo model the Gemini simulator serves through `predictLongRunning`, with what it accepts. */
export interface VeoSimulatorModel {
  id: string;
  resolutions: readonly string[];
  /** 3.1 only: `lastFrame`, `referenceImages` and `video` (extension). */
  framesAndReferences: boolean;
}

/**
 * Veo on the Gemini API, by the guide's parameter table: `durationSeconds` 4, 6 or 8 (8 with 1080p,
 * 4k, reference images or an extension), `aspectRatio` 16:9 (default) or 9:16, `resolution` 720p
 * (default), 1080p, and 4k on 3.1; `personGeneration` "allow_all" for text-to-video and
 * "allow_adult" for image-to-video.
 * @see https://ai.google.dev/gemini-api/docs/video#veo-model-parameters
 */
export const VEO_SIMULATOR_MODELS: readonly VeoSimulatorModel[] = [
  { id: 'veo-3.1-generate-preview', resolutions: ['720p', '1080p', '4k'], framesAndReferences: true },
  { id: 'veo-3.1-fast-generate-preview', resolutions: ['720p', '1080p', '4k'], framesAndReferences: true },
  { id: 'veo-3.0-generate-001', resolutions: ['720p', '1080p'], framesAndReferences: false },
];

export const VEO_DURATIONS = [4, 6, 8] as const;
export const VEO_ASPECT_RATIOS = ['16:9', '9:16'] as const;
export const VEO_DEFAULTS = { durationSeconds: 8, aspectRatio: '16:9', resolution: '720p' } as const;
/** Parameters the SDK refuses on the Gemini API because only Vertex AI takes them. */
export const VEO_VERTEX_ONLY_PARAMETERS = ['seed', 'fps', 'generateAudio', 'storageUri', 'compressionQuality', 'resizeMode', 'pubsubTopic'] as const;

export function findVeoModel(name: string): VeoSimulatorModel | undefined {
  const id = name.replace(/^models\//, '');
  return VEO_SIMULATOR_MODELS.find((model) => model.id === id);
}

import type { SimulatorError } from '../simulator-error.ts';
import { GEMINI_SIMULATOR_ERRORS as ERRORS } from './gemini-simulator-errors.ts';
import { VEO_ASPECT_RATIOS, VEO_DEFAULTS, VEO_DURATIONS, VEO_VERTEX_ONLY_PARAMETERS, type VeoSimulatorModel } from './veo-simulator-models.ts';

/** A `predictLongRunning` request the simulator accepted, reduced to what shapes the video. */
export interface VeoRequest {
  prompt: string;
  seconds: number;
  aspectRatio: '16:9' | '9:16';
  resolution: string;
  sampleCount: number;
}

interface VeoInstance {
  prompt?: unknown;
  image?: unknown;
  lastFrame?: unknown;
  referenceImages?: unknown;
  video?: unknown;
}

/** The guide's sentence for a combination the model does not offer. */
const UNSUPPORTED_USE_CASE = 'Your use case is currently not supported. Please refer to Gemini API documentation for current model offering.';

/**
 * Checks `{instances: [{prompt, image?, …}], parameters: {…}}` as Veo on the Gemini API does: one
 * instance, a prompt or an image, the model's durations, aspect ratios and resolutions (1080p and
 * 4k only at 8 seconds), `personGeneration` by mode, and no Vertex-only parameters.
 * @see https://ai.google.dev/gemini-api/docs/video#veo-model-parameters
 */
export function checkVeoRequest(body: unknown, model: VeoSimulatorModel): { ok: true; request: VeoRequest } | { ok: false; error: SimulatorError } {
  const refuse = (message: string) => ({ ok: false as const, error: ERRORS.status(400, message) });
  if (!isObject(body)) return refuse('Invalid JSON payload received. Expected an object.');
  const instances = body.instances;
  if (!Array.isArray(instances) || instances.length === 0) return refuse('* PredictLongRunningRequest.instances: instances is required.');
  if (instances.length > 1) return refuse('Only one instance is supported per request.');
  const instance = instances[0] as VeoInstance;
  if (!isObject(instance)) return refuse('Invalid JSON payload received. instances[0] must be an object.');
  const parameters = body.parameters ?? {};
  if (!isObject(parameters)) return refuse('Invalid JSON payload received. parameters must be an object.');

  const prompt = instance.prompt;
  if (prompt !== undefined && typeof prompt !== 'string') return refuse('Invalid JSON payload received. instances[0].prompt must be a string.');
  const image = instance.image;
  if ((prompt === undefined || prompt.trim() === '') && image === undefined && instance.video === undefined) return refuse('A prompt or an image is required.');
  for (const [field, value] of [['image', image], ['lastFrame', instance.lastFrame]] as const) {
    if (value === undefined) continue;
    if (!isObject(value) || typeof value.bytesBase64Encoded !== 'string' || typeof value.mimeType !== 'string') {
      return refuse(`\`${field}\` must carry \`bytesBase64Encoded\` and \`mimeType\` (\`gcsUri\` is not supported by the Gemini API).`);
    }
  }
  const references = instance.referenceImages;
  const extension = instance.video !== undefined;
  if (!model.framesAndReferences && (instance.lastFrame !== undefined || references !== undefined || extension)) return refuse(UNSUPPORTED_USE_CASE);
  if (references !== undefined && (!Array.isArray(references) || references.length === 0 || references.length > 3)) return refuse('`referenceImages` takes one to three images.');

  for (const name of VEO_VERTEX_ONLY_PARAMETERS) {
    if (parameters[name] !== undefined) return refuse(`\`${name}\` isn't supported by this model. Please remove it or refer to the Gemini API documentation for supported usage.`);
  }
  const duration = parameters.durationSeconds ?? VEO_DEFAULTS.durationSeconds;
  const seconds = typeof duration === 'string' && /^\d+$/.test(duration) ? Number(duration) : duration;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 4 || seconds > 8) {
    return refuse(`The number value for \`durationSeconds\` is out of bound. Please provide a value between 4 and 8, inclusive.`);
  }
  if (!(VEO_DURATIONS as readonly number[]).includes(seconds)) return refuse(`\`durationSeconds\` must be one of ${VEO_DURATIONS.join(', ')}; got ${seconds}.`);
  const aspectRatio = parameters.aspectRatio ?? VEO_DEFAULTS.aspectRatio;
  if (typeof aspectRatio !== 'string' || !(VEO_ASPECT_RATIOS as readonly string[]).includes(aspectRatio)) {
    return refuse(`Aspect ratio ${String(aspectRatio)} is not supported. Supported aspect ratios are: ${VEO_ASPECT_RATIOS.join(', ')}.`);
  }
  const resolution = parameters.resolution ?? VEO_DEFAULTS.resolution;
  if (typeof resolution !== 'string' || !model.resolutions.includes(resolution)) {
    return refuse(`Resolution ${String(resolution)} is not supported. Supported resolutions are: ${model.resolutions.join(', ')}.`);
  }
  if (resolution !== '720p' && seconds !== 8) return refuse(`${resolution} videos must be 8 seconds long: set \`durationSeconds\` to 8.`);
  if ((references !== undefined || extension) && seconds !== 8) return refuse('Reference images and video extension need `durationSeconds` 8.');
  if (extension && resolution !== '720p') return refuse('Video extension is only supported at 720p.');

  const personGeneration = parameters.personGeneration;
  if (personGeneration !== undefined) {
    const allowed = image !== undefined || instance.lastFrame !== undefined || references !== undefined ? 'allow_adult' : 'allow_all';
    if (!['allow_all', 'allow_adult', 'dont_allow'].includes(String(personGeneration))) return refuse(`Invalid value for personGeneration: ${String(personGeneration)}.`);
    if (personGeneration !== allowed) return refuse(UNSUPPORTED_USE_CASE);
  }
  if (parameters.negativePrompt !== undefined && typeof parameters.negativePrompt !== 'string') return refuse('Invalid JSON payload received. parameters.negativePrompt must be a string.');
  const sampleCount = parameters.sampleCount ?? 1;
  if (typeof sampleCount !== 'number' || !Number.isInteger(sampleCount) || sampleCount < 1 || sampleCount > 4) {
    return refuse('The number value for `sampleCount` is out of bound. Please provide a value between 1 and 4, inclusive.');
  }
  return { ok: true, request: { prompt: prompt ?? '', seconds, aspectRatio: aspectRatio as VeoRequest['aspectRatio'], resolution, sampleCount } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

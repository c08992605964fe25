import { randomBytes } from 'node:crypto';
import type { SimulatorError } from '../simulator-error.ts';
import type { SimulatedVideoJobs } from '../videos/simulated-video-jobs.ts';
import { videoOutcome } from '../videos/video-outcome.ts';
import { checkVeoRequest } from './check-veo-request.ts';
import { GEMINI_SIMULATOR_ERRORS as ERRORS } from './gemini-simulator-errors.ts';
import { veoOperationName } from './render-veo-operation.ts';
import { findVeoModel } from './veo-simulator-models.ts';

/** Operation and file ids look like the Gemini API's: twelve lowercase letters and digits. */
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `POST /v1beta/models/{model}:predictLongRunning` for a Veo model: checks the request, keeps the
 * render in `jobs` for the key that asked, and answers its operation's name.
 * @see https://ai.google.dev/gemini-api/docs/video
 */
export function startVeoOperation(jobs: SimulatedVideoJobs, modelName: string, body: unknown, apiKey: string): { ok: true; answer: { name: string } } | { ok: false; error: SimulatorError } {
  const model = findVeoModel(modelName);
  if (!model) return { ok: false, error: ERRORS.unknownModel(modelName.replace(/^models\//, ''), 'predictLongRunning') };
  const checked = checkVeoRequest(body, model);
  if (!checked.ok) return checked;
  const { request } = checked;
  const job = {
    id: randomId(),
    provider: 'google' as const,
    owner: apiKey,
    model: model.id,
    prompt: request.prompt,
    seconds: request.seconds,
    aspect: request.aspectRatio,
    size: request.resolution,
    createdAt: Date.now(),
    renderMs: jobs.renderMs,
    outcome: videoOutcome(request.prompt),
    remixedFromId: null,
    fileIds: Array.from({ length: request.sampleCount }, () => randomId()),
  };
  jobs.add(job);
  return { ok: true, answer: { name: veoOperationName(job) } };
}

function randomId(): string {
  return [...randomBytes(12)].map((byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('');
}

import { GATEWAY_ERRORS, type ValidationIssue } from '../../core/gateway-error.ts';
import type { VideoJob } from '../../store/store.ts';
import type { FormPart, UploadedFile } from '../openai-transcriptions/transcription-request.ts';

/** OpenAI's default video model, when a request names none. */
const DEFAULT_MODEL = 'sora-2';
/** Prompts as long as OpenAI's image prompts: a bound on what the gateway holds and forwards. */
const MAX_PROMPT_CHARACTERS = 32_000;
const SIZE_PATTERN = /^[1-9]\d{1,4}x[1-9]\d{1,4}$/;
const DATA_URL_PATTERN = /^data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]+)$/i;

/**
 * A video to make (`POST /v1/videos`, `/v1/gateway/video/generation/`), or a remix of a finished
 * one (`POST /v1/videos/{id}/remix`), in the terms of OpenAI's videos API.
 * @see https://platform.openai.com/docs/api-reference/videos/create
 */
export interface VideoCreateRequest {
  model: string;
  prompt: string;
  /** Clip length; absent: the model's default. */
  seconds?: number;
  /** `WIDTHxHEIGHT`; absent: the model's default. */
  size?: string;
  /** The image the video starts from (`input_reference`: an uploaded file or a data URL). */
  inputReference?: UploadedFile;
  /** A remix: the finished job it remixes, whose model, length and size it keeps. */
  remixOf?: VideoJob;
}

/**
 * The client's create request, a multipart form (what the official SDK sends) or JSON, as a
 * VideoCreateRequest: fields checked as the JSON routes check theirs (422 with details); an
 * `input_reference` by `file_id` or web URL — which the gateway cannot hand to every provider —
 * is refused by name (400).
 */
export function decodeVideoRequest(input: FormPart[] | Record<string, unknown>): VideoCreateRequest {
  const { fields, file } = Array.isArray(input) ? fromForm(input) : { fields: input, file: undefined };
  const issues: ValidationIssue[] = [];
  const model = fields.model ?? DEFAULT_MODEL;
  if (typeof model !== 'string' || model === '') issues.push({ loc: ['body', 'model'], msg: 'Input should be a valid string', type: 'string_type' });
  const prompt = fields.prompt;
  if (typeof prompt !== 'string' || prompt.trim() === '') issues.push({ loc: ['body', 'prompt'], msg: 'Field required: the text that describes the video', type: 'missing' });
  else if (prompt.length > MAX_PROMPT_CHARACTERS) issues.push({ loc: ['body', 'prompt'], msg: `String should have at most ${MAX_PROMPT_CHARACTERS} characters`, type: 'string_too_long' });
  const seconds = readSeconds(fields.seconds);
  if (seconds === null) issues.push({ loc: ['body', 'seconds'], msg: 'must be a whole number of seconds, such as "4"', type: 'int_parsing' });
  const size = fields.size;
  if (size !== undefined && (typeof size !== 'string' || !SIZE_PATTERN.test(size))) issues.push({ loc: ['body', 'size'], msg: 'must be WIDTHxHEIGHT, such as "720x1280"', type: 'string_pattern_mismatch' });
  const reference = file ?? readReference(fields.input_reference, typeof model === 'string' ? model : DEFAULT_MODEL, issues);
  if (issues.length > 0) throw GATEWAY_ERRORS.validation(issues);
  return {
    model: model as string,
    prompt: prompt as string,
    ...(seconds !== undefined && { seconds: seconds as number }),
    ...(size !== undefined && { size: size as string }),
    ...(reference && { inputReference: reference }),
  };
}

function fromForm(parts: FormPart[]): { fields: Record<string, unknown>; file: UploadedFile | undefined } {
  const fields: Record<string, unknown> = {};
  let file: UploadedFile | undefined;
  for (const part of parts) {
    if ('file' in part) {
      if (part.name !== 'input_reference') throw GATEWAY_ERRORS.validation([{ loc: ['body', part.name], msg: 'Unexpected file field: the image goes in input_reference', type: 'value_error' }]);
      file = part.file;
    } else fields[part.name] = part.value;
  }
  return { fields, file };
}

/** `seconds` as OpenAI sends it (a string) or a number; undefined when absent, null when not a whole positive number. */
function readSeconds(value: unknown): number | undefined | null {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : typeof value === 'number' ? value : NaN;
  return Number.isInteger(number) && number > 0 ? number : null;
}

function readReference(value: unknown, model: string, issues: ValidationIssue[]): UploadedFile | undefined {
  if (value === undefined || value === null) return undefined;
  const imageUrl = typeof value === 'object' && !Array.isArray(value) ? (value as { image_url?: unknown }).image_url : undefined;
  if (typeof imageUrl === 'string') {
    const match = DATA_URL_PATTERN.exec(imageUrl);
    if (match) return { filename: 'input_reference', contentType: match[1]!.toLowerCase(), data: Buffer.from(match[2]!, 'base64') };
  }
  if (typeof value === 'object' && !Array.isArray(value) && (typeof imageUrl === 'string' || 'file_id' in value)) {
    throw GATEWAY_ERRORS.unsupportedCapability(model, 'input_reference by file_id or web URL through the gateway (upload the image, or send it as a data URL)', 'input_reference');
  }
  issues.push({ loc: ['body', 'input_reference'], msg: 'must be an uploaded image, or {"image_url": "data:image/…;base64,…"}', type: 'value_error' });
  return undefined;
}

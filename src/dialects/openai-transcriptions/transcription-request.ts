import { GATEWAY_ERRORS, type ValidationIssue } from '../../core/gateway-error.ts';

/** What OpenAI's transcription models answer in: JSON (with usage), or text as it is. */
export const TRANSCRIPTION_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
export type TranscriptionFormat = (typeof TRANSCRIPTION_FORMATS)[number];

export interface UploadedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** One part of the client's form as the edge read it: a field's text, or the file. */
export type FormPart = { name: string; value: string } | { name: string; file: UploadedFile };

/**
 * `POST /v1/audio/transcriptions`, a multipart form: the audio `file`, `model`, `language`,
 * `prompt`, `response_format`, `temperature`, `timestamp_granularities[]`, `stream`, …
 * @see https://platform.openai.com/docs/api-reference/audio/createTranscription
 */
export interface TranscriptionRequest {
  model: string;
  file: UploadedFile;
  /** Every field but the file, as sent and in order (arrays as repeated `name[]`): forwarded so. */
  fields: { name: string; value: string }[];
  responseFormat: TranscriptionFormat;
  prompt: string;
  stream: boolean;
}

/**
 * The client's form as a TranscriptionRequest: one file under `file`, a `model`, the fields the
 * gateway reads checked (422 with FastAPI-style details, as the JSON routes' schemas answer); the
 * others go to the provider as sent.
 */
export function decodeTranscriptionForm(parts: FormPart[]): TranscriptionRequest {
  const issues: ValidationIssue[] = [];
  const files = parts.filter((part): part is { name: string; file: UploadedFile } => 'file' in part);
  const fields = parts.filter((part): part is { name: string; value: string } => 'value' in part);
  const field = (name: string) => fields.find((part) => part.name === name)?.value;
  if (files.length !== 1 || files[0]!.name !== 'file') issues.push({ loc: ['body', 'file'], msg: 'one audio file is required, as the form field `file`', type: 'missing' });
  const model = field('model');
  if (!model) issues.push({ loc: ['body', 'model'], msg: 'Field required', type: 'missing' });
  const responseFormat = field('response_format') ?? 'json';
  if (!(TRANSCRIPTION_FORMATS as readonly string[]).includes(responseFormat)) issues.push({ loc: ['body', 'response_format'], msg: `must be one of ${TRANSCRIPTION_FORMATS.join(', ')}`, type: 'enum' });
  const temperature = field('temperature');
  if (temperature !== undefined && !(Number(temperature) >= 0 && Number(temperature) <= 1) ) issues.push({ loc: ['body', 'temperature'], msg: 'must be a number from 0 to 1', type: 'value_error' });
  for (const granularity of fields.filter((part) => part.name === 'timestamp_granularities[]')) {
    if (granularity.value !== 'word' && granularity.value !== 'segment') issues.push({ loc: ['body', 'timestamp_granularities'], msg: 'must be word or segment', type: 'enum' });
  }
  const stream = field('stream');
  if (stream !== undefined && stream !== 'true' && stream !== 'false') issues.push({ loc: ['body', 'stream'], msg: 'must be true or false', type: 'bool_type' });
  if (issues.length > 0) throw GATEWAY_ERRORS.validation(issues);
  return { model: model!, file: files[0]!.file, fields, responseFormat: responseFormat as TranscriptionFormat, prompt: field('prompt') ?? '', stream: stream === 'true' };
}

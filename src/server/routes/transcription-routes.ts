import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GATEWAY_ERRORS, GatewayError } from '../../core/gateway-error.ts';
import { openAITranscriptionsOperation } from '../../dialects/openai-transcriptions/openai-transcriptions-operation.ts';
import { decodeTranscriptionForm, type FormPart } from '../../dialects/openai-transcriptions/transcription-request.ts';
import type { Switchyard } from '../../switchyard.ts';
import { serveThroughPipeline } from '../serve-through-pipeline.ts';

/** OpenAI's limit on an uploaded audio file. */
export const MAX_AUDIO_FILE_BYTES = 25 * 1024 * 1024;
/** Every other bound of the form: one file, fields few and short (a `prompt` is the longest). */
const LIMITS = { fileSize: MAX_AUDIO_FILE_BYTES, files: 1, fields: 32, fieldSize: 64 * 1024, fieldNameSize: 100, parts: 34, headerPairs: 20 };
const TRANSCRIPTION_PATHS = ['/v1/gateway/audio/transcriptions', '/v1/audio/transcriptions'];
/** Multipart's own limit errors, by code, as what went over. */
const LIMIT_ERRORS: Record<string, string> = {
  FST_REQ_FILE_TOO_LARGE: `a file may have ${MAX_AUDIO_FILE_BYTES} bytes`,
  FST_FILES_LIMIT: 'one file per request',
  FST_FIELDS_LIMIT: `${LIMITS.fields} fields per request`,
  FST_PARTS_LIMIT: `${LIMITS.parts} parts per request`,
};

/**
 * `POST /v1/audio/transcriptions` (and `/v1/gateway/audio/transcriptions`, trailing slash optional):
 * the multipart form read with @fastify/multipart in this route's scope only — the gateway answers
 * 415 to forms anywhere else — within bounds (the file held in memory up to 25 MB, then a 413), then
 * served by the pipeline as the transcriptions operation.
 */
export function registerTranscriptionRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  const operation = openAITranscriptionsOperation;
  void app.register(async (scope) => {
    await scope.register(multipart, { limits: LIMITS, throwFileSizeLimit: true });
    const config = { encodeError: operation.encodeError, surface: operation.id };
    for (const path of TRANSCRIPTION_PATHS) {
      scope.post(path, { config, bodyLimit: MAX_AUDIO_FILE_BYTES + 1024 * 1024 }, async (request, reply) => {
        const body = decodeTranscriptionForm(await readForm(request));
        return serveThroughPipeline(request, reply, (connection) =>
          switchyard.pipeline.serveOperation(operation, { principal: request.principal!, body, headers: request.headers, requestId: request.id, logger: request.log }, connection),
        );
      });
    }
  });
}

async function readForm(request: FastifyRequest): Promise<FormPart[]> {
  if (!request.isMultipart()) throw GATEWAY_ERRORS.multipartRequired(String(request.headers['content-type'] ?? ''));
  const parts: FormPart[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') parts.push({ name: part.fieldname, file: { filename: part.filename, contentType: part.mimetype, data: await part.toBuffer() } });
      else if (part.valueTruncated || part.fieldnameTruncated) throw GATEWAY_ERRORS.uploadTooLarge(`a field may have ${LIMITS.fieldSize} bytes`);
      else parts.push({ name: part.fieldname, value: typeof part.value === 'string' ? part.value : String(part.value) });
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    const code = (error as { code?: string }).code ?? '';
    if (LIMIT_ERRORS[code]) throw GATEWAY_ERRORS.uploadTooLarge(LIMIT_ERRORS[code]);
    throw GATEWAY_ERRORS.malformedMultipart(error instanceof Error ? error.message.slice(0, 200) : 'unreadable');
  }
  return parts;
}

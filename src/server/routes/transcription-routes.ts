import { requestLogger } from '../log-every-answer.ts';
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { openAITranscriptionsOperation } from '../../dialects/openai-transcriptions/openai-transcriptions-operation.ts';
import { decodeTranscriptionForm } from '../../dialects/openai-transcriptions/transcription-request.ts';
import type { Switchyard } from '../../switchyard.ts';
import { readMultipartForm } from '../read-multipart-form.ts';
import { serveThroughPipeline } from '../serve-through-pipeline.ts';

/** OpenAI's limit on an uploaded audio file. */
export const MAX_AUDIO_FILE_BYTES = 25 * 1024 * 1024;
/** Every other bound of the form: one file, fields few and short (a `prompt` is the longest). */
const LIMITS = { fileSize: MAX_AUDIO_FILE_BYTES, files: 1, fields: 32, fieldSize: 64 * 1024, fieldNameSize: 100, parts: 34, headerPairs: 20 };
const TRANSCRIPTION_PATHS = ['/v1/gateway/audio/transcriptions', '/v1/audio/transcriptions'];

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
        const body = decodeTranscriptionForm(await readMultipartForm(request, LIMITS));
        return serveThroughPipeline(request, reply, (connection) =>
          switchyard.pipeline.serveOperation(operation, { principal: request.principal!, body, headers: request.headers, requestId: request.id, logger: requestLogger(request) }, connection),
        );
      });
    }
  });
}

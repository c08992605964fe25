import type { FastifyRequest } from 'fastify';
import { GATEWAY_ERRORS, GatewayError } from '../core/gateway-error.ts';
import type { FormPart } from '../dialects/openai-transcriptions/transcription-request.ts';

/** A form's bounds, as @fastify/multipart takes them (its `limits`). */
export interface FormLimits {
  fileSize: number;
  files: number;
  fields: number;
  fieldSize: number;
  fieldNameSize: number;
  parts: number;
  headerPairs: number;
}

/**
 * Reads a multipart form (a route whose scope registered @fastify/multipart with these limits,
 * `throwFileSizeLimit` on) into its parts in order, files held in memory up to their bound: past a
 * bound a 413 naming it, an unreadable form a 400, a body that is not a form a 415.
 */
export async function readMultipartForm(request: FastifyRequest, limits: FormLimits): Promise<FormPart[]> {
  if (!request.isMultipart()) throw GATEWAY_ERRORS.multipartRequired(String(request.headers['content-type'] ?? ''));
  const limitErrors: Record<string, string> = {
    FST_REQ_FILE_TOO_LARGE: `a file may have ${limits.fileSize} bytes`,
    FST_FILES_LIMIT: limits.files === 1 ? 'one file per request' : `${limits.files} files per request`,
    FST_FIELDS_LIMIT: `${limits.fields} fields per request`,
    FST_PARTS_LIMIT: `${limits.parts} parts per request`,
  };
  const parts: FormPart[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') parts.push({ name: part.fieldname, file: { filename: part.filename, contentType: part.mimetype, data: await part.toBuffer() } });
      else if (part.valueTruncated || part.fieldnameTruncated) throw GATEWAY_ERRORS.uploadTooLarge(`a field may have ${limits.fieldSize} bytes`);
      else parts.push({ name: part.fieldname, value: typeof part.value === 'string' ? part.value : String(part.value) });
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    const code = (error as { code?: string }).code ?? '';
    if (limitErrors[code]) throw GATEWAY_ERRORS.uploadTooLarge(limitErrors[code]);
    throw GATEWAY_ERRORS.malformedMultipart(error instanceof Error ? error.message.slice(0, 200) : 'unreadable');
  }
  return parts;
}

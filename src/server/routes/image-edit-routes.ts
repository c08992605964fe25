import { requestLogger } from '../log-every-answer.ts';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GATEWAY_ERRORS, GatewayError } from '../../core/gateway-error.ts';
import type { ImagesEditRequest, ImagesGenerateRequest } from '../../dialects/openai-images/images-request-schema.ts';
import { openAIImageEditsOperation } from '../../dialects/openai-images/openai-images-operation.ts';
import type { ImageFile } from '../../providers/image-call.ts';
import type { Switchyard } from '../../switchyard.ts';
import { serveThroughPipeline } from '../serve-through-pipeline.ts';

const PATHS = ['/v1/images/edits', '/v1/gateway/images/edits'];
/** Form fields read as numbers or booleans (a form sends every value as text, the SDK `n=2`, `stream=true`). */
const INTEGER_FIELDS = new Set(['n', 'partial_images', 'output_compression']);
const BOOLEAN_FIELDS = new Set(['stream']);
const FILE_FIELDS = new Set(['image', 'image[]', 'mask']);

/** The bounds of one edit's upload. */
export interface ImageUploadLimits {
  /** Bytes one file may have (OpenAI: under 50 MB per image; the gateway holds uploads in memory). */
  fileBytes: number;
  /** Files per request: OpenAI takes 16 images, and a mask. */
  files: number;
  /** Bytes of all files together. */
  totalBytes: number;
}

export const DEFAULT_IMAGE_UPLOAD_LIMITS: ImageUploadLimits = { fileBytes: 25 * 1024 * 1024, files: 17, totalBytes: 64 * 1024 * 1024 };
/** Text fields: OpenAI's prompts reach 32,000 characters (up to 4 bytes each in UTF-8). */
const FIELD_BYTES = 128 * 1024;
const MAX_FIELDS = 32;

/**
 * `POST /v1/images/edits`: a multipart form (`image` or `image[]` files, `mask`, `prompt`, `model`,
 * `n`, `size`, …), read here — bounded per file, in files and in bytes altogether, held in memory
 * only up to those bounds — and served by the pipeline as the images edit operation. The
 * multipart parser is registered for these routes only: every other route keeps answering 415
 * to a body that is not JSON.
 */
export function registerImageEditRoutes(app: FastifyInstance, switchyard: Switchyard, limits: ImageUploadLimits = DEFAULT_IMAGE_UPLOAD_LIMITS): void {
  const config = { encodeError: openAIImageEditsOperation.encodeError, surface: openAIImageEditsOperation.id };
  void app.register(async (scope) => {
    await scope.register(multipart, {
      throwFileSizeLimit: true,
      limits: { fileSize: limits.fileBytes, files: limits.files, fields: MAX_FIELDS, fieldSize: FIELD_BYTES, parts: limits.files + MAX_FIELDS, headerPairs: 100 },
    });
    for (const path of PATHS) {
      scope.post(path, { config }, async (request, reply) => {
        const body = await readEditForm(request, limits);
        return serveThroughPipeline(request, reply, (connection) =>
          switchyard.pipeline.serveOperation(openAIImageEditsOperation, { principal: request.principal!, body, headers: request.headers, requestId: request.id, logger: requestLogger(request) }, connection),
        );
      });
    }
  });
}

async function readEditForm(request: FastifyRequest, limits: ImageUploadLimits): Promise<ImagesEditRequest> {
  if (!request.isMultipart()) throw GATEWAY_ERRORS.multipartRequired(request.headers['content-type'] ?? '');
  const fields: Record<string, unknown> = {};
  const files: ImageFile[] = [];
  let totalBytes = 0;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.valueTruncated || part.fieldnameTruncated) throw GATEWAY_ERRORS.uploadTooLarge(`a text field is longer than ${FIELD_BYTES} bytes`);
        fields[part.fieldname] = readFieldValue(part.fieldname, String(part.value));
        continue;
      }
      if (!FILE_FIELDS.has(part.fieldname)) {
        part.file.resume();
        throw GATEWAY_ERRORS.validation([{ loc: ['body', part.fieldname], msg: 'Unexpected file field: files go in image, image[] or mask', type: 'value_error' }]);
      }
      const chunks: Buffer[] = [];
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        totalBytes += chunk.length;
        if (totalBytes > limits.totalBytes) throw GATEWAY_ERRORS.uploadTooLarge(`the files add up to more than ${limits.totalBytes} bytes`);
        chunks.push(chunk);
      }
      // Past `fileSize` the parser stops the file short and marks it truncated.
      if ((part.file as { truncated?: boolean }).truncated) throw GATEWAY_ERRORS.uploadTooLarge(`a file is larger than ${limits.fileBytes} bytes`);
      files.push({ field: part.fieldname as ImageFile['field'], filename: part.filename || 'image.png', contentType: part.mimetype || 'application/octet-stream', data: Buffer.concat(chunks) });
    }
  } catch (error) {
    throw readMultipartError(error, limits);
  }
  if (typeof fields.prompt !== 'string' || fields.prompt === '') throw GATEWAY_ERRORS.validation([{ loc: ['body', 'prompt'], msg: 'Field required', type: 'missing' }]);
  if (!files.some((file) => file.field !== 'mask')) throw GATEWAY_ERRORS.validation([{ loc: ['body', 'image'], msg: 'Field required: one image, or several as image[]', type: 'missing' }]);
  const n = fields.n;
  if (n !== undefined && (typeof n !== 'number' || n < 1 || n > 10)) throw GATEWAY_ERRORS.validation([{ loc: ['body', 'n'], msg: 'Input should be an integer from 1 to 10', type: 'value_error' }]);
  return {
    fields: fields as ImagesGenerateRequest,
    files,
    toJSON: () => ({ ...fields, files: files.map((file) => ({ field: file.field, filename: file.filename, content_type: file.contentType, bytes: file.data.length })) }),
  };
}

/** A form value as its field's type: numbers and booleans where OpenAI takes them; a value that is not one stays text (and is refused as such). */
function readFieldValue(name: string, value: string): unknown {
  if (INTEGER_FIELDS.has(name) && /^\d{1,6}$/.test(value)) return Number(value);
  if (BOOLEAN_FIELDS.has(name) && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** The parser's refusals as the gateway's: limits are 413s, a broken form a 400. */
function readMultipartError(error: unknown, limits: ImageUploadLimits): unknown {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return GATEWAY_ERRORS.uploadTooLarge(`a file is larger than ${limits.fileBytes} bytes`);
    case 'FST_FILES_LIMIT':
      return GATEWAY_ERRORS.uploadTooLarge(`more than ${limits.files} files`);
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return GATEWAY_ERRORS.uploadTooLarge(`more than ${MAX_FIELDS} fields`);
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return GATEWAY_ERRORS.malformedMultipart(String((error as Error).message));
  }
  if (error instanceof GatewayError) return error;
  return GATEWAY_ERRORS.malformedMultipart(error instanceof Error ? error.message.slice(0, 200) : 'unreadable');
}

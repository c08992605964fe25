import { randomBytes } from 'node:crypto';

/** A file part of a multipart form. */
export interface MultipartFile {
  field: string;
  filename: string;
  contentType: string;
  data: Uint8Array;
}

/**
 * A `multipart/form-data` body (RFC 7578) of text fields — in order, a name as often as the client
 * sent it (`timestamp_granularities[]`) — and files, as bytes, with the `content-type` that names its
 * boundary (random, so no upload contains it by chance): what OpenAI's upload endpoints
 * (`/images/edits`, `/audio/transcriptions`) take. Field names and file names are quoted, their
 * quotes and line breaks escaped as browsers do.
 * @see https://www.rfc-editor.org/rfc/rfc7578
 */
export function encodeMultipartForm(fields: readonly { name: string; value: string }[], files: readonly MultipartFile[]): { body: Buffer; contentType: string } {
  const boundary = `----switchyard${randomBytes(16).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const { name, value } of fields) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(name)}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(file.field)}"; filename="${escapeQuoted(file.filename)}"\r\nContent-Type: ${file.contentType.replace(/[\r\n]/g, '')}\r\n\r\n`),
      Buffer.from(file.data),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

function escapeQuoted(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r\n|\r|\n/g, '%0D%0A');
}

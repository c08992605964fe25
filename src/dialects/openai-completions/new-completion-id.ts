import { randomBytes } from 'node:crypto';

/** An id shaped like OpenAI's legacy completion ids (`cmpl-…`), one per request: a stream's chunks all carry it. */
export function newCompletionId(): string {
  return `cmpl-${randomBytes(15).toString('hex')}`;
}

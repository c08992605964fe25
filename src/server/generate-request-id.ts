import { randomBytes } from 'node:crypto';

// A random per-process prefix and a counter: unique across instances, and no crypto call per request.
const PROCESS_PREFIX = randomBytes(6).toString('hex');
let counter = 0;

/** Request ids like `req_3f9a0c1b2d4e000001a`, returned in `x-request-id`. */
export function generateRequestId(): string {
  counter += 1;
  return `req_${PROCESS_PREFIX}${counter.toString(16).padStart(8, '0')}`;
}

import type { SimulatedProvider } from './simulator-profile.ts';

/** A scripted failure or slowdown for the next matching request(s). */
export interface SimulatorFault {
  provider?: SimulatedProvider;
  model?: string;
  /** How many matching requests the fault applies to; 1 when omitted. */
  times?: number;
  /** Answer with this status (and `body`, or the provider's usual error for the status). */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Streams only: break after this many chunks. */
  afterChunks?: number;
  breakMode?: 'disconnect' | 'error-event';
  firstByteDelayMs?: number;
  chunkDelayMs?: number;
}

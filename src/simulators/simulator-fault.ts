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
  /** Streams only: break after this many chunks (with `malformed: 'sse'`: where the malformed event goes instead). */
  afterChunks?: number;
  breakMode?: 'disconnect' | 'error-event';
  firstByteDelayMs?: number;
  chunkDelayMs?: number;
  /** Streams only: one long pause of `ms` after `chunks` events, then the stream goes on (a stall mid-stream). */
  stallAfterChunks?: { chunks: number; ms: number };
  /** Reset the connection (TCP RST) before any byte of the answer, after `firstByteDelayMs` if set. */
  resetBeforeHeaders?: boolean;
  /**
   * A 200 answer that does not parse. `json`: `content-type: application/json` and a truncated
   * document. `sse`: a stream whose event after `afterChunks` good ones (0 when unset) is a `data:`
   * line that is not JSON; the rest of the stream follows as the provider frames it. A request that
   * does not stream gets the truncated JSON either way.
   */
  malformed?: 'json' | 'sse';
  /**
   * A 200 answer this many bytes long, of valid JSON (`{"object":"simulator.oversized","padding":"…"}`),
   * written in chunks as the client reads it: the whole body of a request that does not stream, or
   * one SSE event at the start of a stream, which then goes on as usual.
   */
  oversizedBytes?: number;
}

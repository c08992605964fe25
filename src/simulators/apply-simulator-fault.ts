import { setTimeout as delay } from 'node:timers/promises';
import type { Exchange, SimulatorContext } from './simulator-context.ts';
import { SimulatorError } from './simulator-error.ts';
import type { SimulatorFault } from './simulator-fault.ts';
import { OVERSIZED_DOCUMENT, writePadded } from './write-simulator-stream.ts';

/** How one simulated endpoint answers the faults a test scripts, in its provider's words. */
export interface SimulatorFaultAnswers {
  /** Sends an error as the provider does (its headers, its JSON). */
  sendError(error: SimulatorError): void;
  /** The provider's own error for a fault's `status` when the test gave no `body`. */
  faultError(status: number): SimulatorError;
  /**
   * What a request that does not stream answers when a fault would break its stream with
   * `breakMode: 'error-event'` (with `disconnect` the connection drops). Omitted where the endpoint
   * never streams and ignores stream breaks (Anthropic's count_tokens).
   */
  unstreamedBreakError?(): SimulatorError;
  /** Sends a `status: 200` fault's `body` as the provider's own answer (Gemini replays recorded responses). */
  replayBody?(body: unknown, headers: Record<string, string> | undefined): void;
  /** `false` to leave `firstByteDelayMs` to the endpoint (a background response spends it queued); `true` when omitted. */
  delayFirstByte?: boolean;
}

/** `answered`: the fault (or the client leaving during its delay) ended the exchange; otherwise the fault still to apply, if any. */
export type SimulatorFaultPreamble = { answered: true } | { answered: false; fault: SimulatorFault | undefined };

/** A JSON answer cut off in the middle (`malformed: 'json'`). */
const TRUNCATED_JSON = '{"id":"malformed","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"cut off';

/**
 * The preamble every simulated endpoint runs once it has admitted a request: takes the next scripted
 * fault for the provider and `model`, waits out its `firstByteDelayMs`, resets the connection
 * (`resetBeforeHeaders`), answers its `status`, answers a request that does not stream with the
 * fault's malformed or oversized body, and carries out a stream break at once on a request that
 * does not stream. What it leaves — extra headers, `chunkDelayMs`, a stall, a break, a malformed or
 * oversized event of a stream — is for the endpoint (`writeSimulatorStream`).
 */
export async function applySimulatorFault(context: SimulatorContext, exchange: Exchange, model: unknown, answers: SimulatorFaultAnswers): Promise<SimulatorFaultPreamble> {
  const fault = context.takeFault(exchange.record.provider, model);
  if (fault?.firstByteDelayMs && answers.delayFirstByte !== false) {
    try {
      await delay(fault.firstByteDelayMs, undefined, { signal: exchange.clientClosed });
    } catch {
      return { answered: true };
    }
  }
  if (fault?.resetBeforeHeaders) {
    exchange.markBroken();
    // An RST, not a FIN: the client reads ECONNRESET, as when a provider's process or load balancer dies.
    if (exchange.response.socket) exchange.response.socket.resetAndDestroy();
    else exchange.response.destroy();
    exchange.settle();
    return { answered: true };
  }
  if (fault?.status !== undefined) {
    if (fault.status === 200 && fault.body !== undefined && answers.replayBody) {
      answers.replayBody(fault.body, fault.headers);
      return { answered: true };
    }
    // The fault's status stands even where the provider's error for it has another (Gemini answers 401 and 403 faults with a bad-key 400 body).
    const error = fault.body === undefined ? answers.faultError(fault.status) : new SimulatorError(fault.status, fault.body);
    answers.sendError(new SimulatorError(fault.status, error.body, { ...error.headers, ...fault.headers }));
    return { answered: true };
  }
  const { response, record } = exchange;
  if (fault?.malformed === 'json' || (fault?.malformed === 'sse' && !record.streamed)) {
    record.status = 200;
    response.writeHead(200, { 'content-type': 'application/json', ...fault.headers });
    response.end(TRUNCATED_JSON);
    return { answered: true };
  }
  if (fault?.oversizedBytes !== undefined && !record.streamed) {
    record.status = 200;
    response.writeHead(200, { 'content-type': 'application/json', ...fault.headers });
    await writePadded(response, fault.oversizedBytes, OVERSIZED_DOCUMENT.prefix, OVERSIZED_DOCUMENT.suffix);
    response.end();
    return { answered: true };
  }
  const breaks = fault?.malformed === undefined && (fault?.breakMode !== undefined || fault?.afterChunks !== undefined);
  if (breaks && !record.streamed && answers.unstreamedBreakError) {
    if (fault?.breakMode === 'error-event') {
      answers.sendError(answers.unstreamedBreakError());
      return { answered: true };
    }
    exchange.markBroken();
    response.destroy();
    return { answered: true };
  }
  return { answered: false, fault };
}

import { setTimeout as delay } from 'node:timers/promises';
import type { Exchange, SimulatorContext } from './simulator-context.ts';
import { SimulatorError } from './simulator-error.ts';
import type { SimulatorFault } from './simulator-fault.ts';

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

/**
 * The preamble every simulated endpoint runs once it has admitted a request: takes the next scripted
 * fault for the provider and `model`, waits out its `firstByteDelayMs`, answers its `status`, and
 * carries out a stream break at once on a request that does not stream. What it leaves — extra
 * headers, `chunkDelayMs`, a break of a stream — is for the endpoint (`writeSimulatorStream`).
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
  const breaks = fault?.breakMode !== undefined || fault?.afterChunks !== undefined;
  if (breaks && !exchange.record.streamed && answers.unstreamedBreakError) {
    if (fault?.breakMode === 'error-event') {
      answers.sendError(answers.unstreamedBreakError());
      return { answered: true };
    }
    exchange.markBroken();
    exchange.response.destroy();
    return { answered: true };
  }
  return { answered: false, fault };
}

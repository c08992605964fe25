import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PromptCache } from './prompt-cache.ts';
import type { RecordedRequest } from './recorded-request.ts';
import type { SimulatorFault } from './simulator-fault.ts';
import type { SimulatedProvider } from './simulator-profile.ts';
import type { SimulatedVideoJobs } from './videos/simulated-video-jobs.ts';

/**
 * What a provider simulator needs from the shared server (`start-simulators.ts`): request recording,
 * faults, prompt caching, video jobs. The simulators in subfolders import this, never the server itself.
 */
export interface SimulatorContext {
  beginExchange(provider: SimulatedProvider, request: FastifyRequest, reply: FastifyReply): Exchange;
  /** The next scripted fault for this provider and model, if any (consumed). */
  takeFault(provider: SimulatedProvider, model: unknown): SimulatorFault | undefined;
  promptCache: PromptCache;
  /** Video renders (OpenAI's Sora jobs, Veo's operations), shared so one reset forgets them and one setting paces them. */
  videoJobs: SimulatedVideoJobs;
  nextSequence(): number;
}

/** One request in flight, as a provider simulator handles it. */
export interface Exchange {
  record: RecordedRequest;
  response: ServerResponse;
  /** The body parsed as JSON, or not JSON. */
  body: { ok: true; value: unknown } | { ok: false };
  /** Aborted when the client closes the connection early. */
  clientClosed: AbortSignal;
  /** Call just before a fault breaks the response, so the break is not taken for a client abort. */
  markBroken(): void;
  /** Resolves the waiters on this request now, without waiting for the connection to close (once only). */
  settle(): void;
}

import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { registerAnthropicSimulator } from './anthropic/register-anthropic-simulator.ts';
import { applySimulatorFault } from './apply-simulator-fault.ts';
import { azureOpenAISimulatorProfile } from './azure/azure-openai-simulator-profile.ts';
import { checkChatRequestShape } from './check-chat-request-shape.ts';
import { fireworksSimulatorProfile } from './fireworks-simulator-profile.ts';
import { registerGeminiSimulator } from './gemini/register-gemini-simulator.ts';
import { openaiSimulatorProfile } from './openai-simulator-profile.ts';
import { registerOpenAIResponsesSimulator } from './openai-responses/register-openai-responses-simulator.ts';
import { registerOpenAIEmbeddingsSimulator } from './embeddings/register-openai-embeddings-simulator.ts';
import { registerOpenAIModerationsSimulator } from './moderations/register-openai-moderations-simulator.ts';
import { registerOpenAIImagesSimulator } from './images/register-openai-images-simulator.ts';
import { registerOpenAIAudioSimulator } from './audio/register-openai-audio-simulator.ts';
import { registerOpenAIVideosSimulator } from './videos/register-openai-videos-simulator.ts';
import { DEFAULT_VIDEO_RENDER_MS, SimulatedVideoJobs } from './videos/simulated-video-jobs.ts';
import { perplexitySimulatorProfile } from './perplexity-simulator-profile.ts';
import { PromptCache } from './prompt-cache.ts';
import type { RecordedRequest } from './recorded-request.ts';
import { simulateTurn } from './simulate-turn.ts';
import type { Exchange, SimulatorContext } from './simulator-context.ts';
import { hasSimulatorCredentials } from './simulator-credentials.ts';
import type { SimulatorError } from './simulator-error.ts';
import type { SimulatorFault } from './simulator-fault.ts';
import type { SimulatedProvider, SimulatorProfile } from './simulator-profile.ts';
import type { SimulatorRoute } from './simulator-route.ts';
import { vllmSimulatorProfile } from './vllm-simulator-profile.ts';
import { writeSimulatorStream } from './write-simulator-stream.ts';
import { xaiSimulatorProfile } from './xai-simulator-profile.ts';

export type { RecordedRequest } from './recorded-request.ts';
export type { SimulatorFault } from './simulator-fault.ts';

export interface SimulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  logger?: boolean;
  /**
   * How long a video job (OpenAI's Sora, Veo) renders: queued, then in progress, then done after this
   * long. Default 1500 ms; also `setVideoRenderMs()` and `POST /__simulator/videos {"renderMs": N}`.
   */
  videoRenderMs?: number;
}

export interface Simulators {
  /** Root URL of the server, e.g. `http://127.0.0.1:43125`. */
  url: string;
  /**
   * Base URLs to configure as each provider's, shaped like the real ones: OpenAI-compatible ones end
   * in their API version (`…/openai/v1`, `…/vllm/v1`); Anthropic's and Gemini's are roots, as in
   * their SDKs (`…/anthropic` + `/v1/messages`, `…/gemini` + `/v1beta/models/{model}:generateContent`);
   * Azure OpenAI's is the resource endpoint (`…/azure`, like `https://NAME.openai.azure.com`), under
   * which requests go to `/openai/deployments/{deployment}/chat/completions?api-version=…`.
   */
  baseUrls: { openai: string; xai: string; fireworks: string; perplexity: string; vllm: string; azureOpenai: string; anthropic: string; google: string };
  /** Every request received, in order (the same array across `reset()`). */
  requests: RecordedRequest[];
  addFault(fault: SimulatorFault): void;
  /** Forgets recorded requests, pending faults, cached prompts and video jobs, and restores the video render time. */
  reset(): void;
  /** The render time of video jobs created from now on (those already created keep theirs). */
  setVideoRenderMs(ms: number): void;
  /**
   * Resolves with the first recorded request matching `predicate` once its response has ended —
   * sent in full, broken by a fault, or abandoned by the client — so tests await instead of sleeping.
   */
  waitForRequest(predicate: (request: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

const profiles: readonly SimulatorProfile[] = [
  openaiSimulatorProfile,
  xaiSimulatorProfile,
  fireworksSimulatorProfile,
  perplexitySimulatorProfile,
  vllmSimulatorProfile,
  azureOpenAISimulatorProfile,
];

/**
 * Starts one HTTP server that plays OpenAI, xAI, Fireworks, Perplexity, vLLM and Azure OpenAI (and,
 * through their own modules, Anthropic and Gemini) under path prefixes, each speaking its
 * provider's wire format, plus control endpoints for a simulator in another process:
 * `GET`/`DELETE /__simulator/requests`, `POST /__simulator/faults` and `POST /__simulator/videos`
 * (`{"renderMs": N}`: how long video jobs render).
 */
export async function startSimulators(options: SimulatorOptions = {}): Promise<Simulators> {
  const requests: RecordedRequest[] = [];
  const settled = new WeakSet<RecordedRequest>();
  const waiters: { predicate: (request: RecordedRequest) => boolean; resolve: (request: RecordedRequest) => void }[] = [];
  const faults: (SimulatorFault & { remaining: number })[] = [];
  const promptCache = new PromptCache();
  const videoJobs = new SimulatedVideoJobs(options.videoRenderMs ?? DEFAULT_VIDEO_RENDER_MS);
  let requestCount = 0;

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 64 * 1024 * 1024, forceCloseConnections: true });
  // Bodies arrive as text so that malformed JSON gets each provider's own refusal.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  const settle = (record: RecordedRequest): void => {
    if (settled.has(record)) return;
    settled.add(record);
    for (const waiter of [...waiters]) {
      if (!waiter.predicate(record)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(record);
    }
  };

  const takeFault = (provider: SimulatedProvider, model: unknown): SimulatorFault | undefined => {
    const fault = faults.find((candidate) => (candidate.provider === undefined || candidate.provider === provider) && (candidate.model === undefined || candidate.model === model));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults.splice(faults.indexOf(fault), 1);
    return fault;
  };

  /**
   * Records an incoming request, hijacks its reply, and tracks whether the response was sent in
   * full, broken by a fault, or abandoned by the client. Every simulated provider starts here.
   */
  const beginExchange = (provider: SimulatedProvider, request: FastifyRequest, reply: FastifyReply): Exchange => {
    requestCount += 1;
    const rawBody = typeof request.body === 'string' ? request.body : '';
    const parsedBody = parseJson(rawBody);
    const record: RecordedRequest = {
      id: requestCount,
      provider,
      method: request.method,
      path: request.url,
      headers: { ...request.headers },
      body: parsedBody.ok ? parsedBody.value : rawBody,
      streamed: parsedBody.ok && isRecord(parsedBody.value) && parsedBody.value.stream === true,
      completed: false,
      aborted: false,
    };
    requests.push(record);

    reply.hijack();
    const response = reply.raw;
    const clientClosed = new AbortController();
    let serverBroke = false;
    response.on('finish', () => {
      record.completed = !serverBroke;
      settle(record);
    });
    response.on('close', () => {
      if (!response.writableFinished) {
        if (!serverBroke) record.aborted = true;
        clientClosed.abort();
      }
      settle(record);
    });
    return {
      record,
      response,
      body: parsedBody,
      clientClosed: clientClosed.signal,
      markBroken: () => {
        serverBroke = true;
      },
      settle: () => settle(record),
    };
  };

  const context: SimulatorContext = { beginExchange, takeFault, promptCache, videoJobs, nextSequence: () => requestCount };

  const handleChatCompletion = async (profile: SimulatorProfile, request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const exchange = beginExchange(profile.provider, request, reply);
    const { record, response } = exchange;
    const send = (error: SimulatorError): void => sendError(response, record, profile, error);
    const route = routeOf(request);

    const routeRefusal = profile.checkRoute?.(route);
    if (routeRefusal) return send(routeRefusal);
    if (!hasSimulatorCredentials(profile.credentials, request.headers)) return send(profile.authenticationError());
    if (!exchange.body.ok) return send(profile.invalidJsonError());

    const body = exchange.body.value;
    // The model a fault's `model` matches: the body's, or the deployment Azure's path names.
    const addressedModel = profile.routeModel ? profile.routeModel(route) : isRecord(body) ? body.model : undefined;
    const preamble = await applySimulatorFault(context, exchange, addressedModel, {
      sendError: send,
      faultError: (status) => profile.faultError(status, route),
      unstreamedBreakError: () => profile.faultError(500, route),
    });
    if (preamble.answered) return;
    const { fault } = preamble;

    const shape = checkChatRequestShape(body, { roles: profile.roles, requiresModelField: profile.requiresModelField });
    if (!shape.ok) return send(profile.requestShapeError(shape.issue, route));
    const chatRequest = shape.request;
    const modelId = profile.routeModel ? profile.routeModel(route) : chatRequest.model;
    const model = profile.findModel(modelId);
    if (!model) return send(profile.unknownModelError(modelId ?? ''));
    const refusal = profile.checkRequest(chatRequest, model, route);
    if (refusal) return send(refusal);

    const turn = simulateTurn(chatRequest, model, profile, { sequence: record.id, promptCache });
    const extraHeaders = fault?.headers ?? {};
    if (!record.streamed) {
      record.status = 200;
      response.writeHead(200, { ...profile.responseHeaders(turn, false), ...extraHeaders });
      response.end(profile.renderCompletion(turn));
      return;
    }

    const stream = profile.renderStream(turn);
    const terminator = stream.terminator === null ? null : { data: stream.terminator };
    await writeSimulatorStream(exchange, {
      headers: { ...profile.responseHeaders(turn, true), ...extraHeaders },
      events: stream.events.map((data) => ({ data })),
      lineEnding: stream.lineEnding,
      terminator,
      fault,
      errorEvents: () => [{ data: profile.streamErrorEvent() }, ...(profile.terminatesFailedStream && terminator ? [terminator] : [])],
    });
  };

  for (const profile of profiles) {
    app.post(`${profile.basePath}${profile.chatCompletionsRoute}`, (request, reply) => handleChatCompletion(profile, request, reply));
    if (profile.servesModelList) {
      app.get(`${profile.basePath}/models`, async (request, reply) => {
        if (!hasSimulatorCredentials(profile.credentials, request.headers)) {
          const error = profile.authenticationError();
          return reply.code(error.status).headers(error.headers).send(serializeBody(error.body));
        }
        return reply.header('content-type', 'application/json').send(JSON.stringify(profile.listModels()));
      });
    }
  }

  // Providers with their own wire formats register themselves on the same server and context.
  registerGeminiSimulator(app, context);
  registerAnthropicSimulator(app, context);
  registerOpenAIResponsesSimulator(app, context);
  registerOpenAIEmbeddingsSimulator(app, context);
  registerOpenAIModerationsSimulator(app, context);
  registerOpenAIImagesSimulator(app, context);
  registerOpenAIAudioSimulator(app, context);
  registerOpenAIVideosSimulator(app, context);

  app.get('/__simulator/requests', async (_request, reply) => reply.header('content-type', 'application/json').send(JSON.stringify(requests)));
  app.delete('/__simulator/requests', async (_request, reply) => {
    reset();
    return reply.code(204).send();
  });
  app.post('/__simulator/faults', async (request, reply) => {
    const parsed = parseJson(typeof request.body === 'string' ? request.body : '');
    if (!parsed.ok || !isRecord(parsed.value)) return reply.code(400).send({ error: 'The body must be a JSON SimulatorFault object.' });
    addFault(parsed.value as SimulatorFault);
    return reply.code(204).send();
  });
  app.post('/__simulator/videos', async (request, reply) => {
    const parsed = parseJson(typeof request.body === 'string' ? request.body : '');
    const renderMs = parsed.ok && isRecord(parsed.value) ? parsed.value.renderMs : undefined;
    if (typeof renderMs !== 'number' || !Number.isFinite(renderMs) || renderMs < 0) return reply.code(400).send({ error: 'The body must be {"renderMs": <milliseconds, 0 or more>}.' });
    videoJobs.renderMs = renderMs;
    return reply.code(204).send();
  });

  function addFault(fault: SimulatorFault): void {
    faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  function reset(): void {
    requests.length = 0;
    faults.length = 0;
    promptCache.clear();
    videoJobs.reset();
  }

  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const url = address.replace('://[::1]', '://localhost');

  return {
    url,
    baseUrls: {
      openai: `${url}${openaiSimulatorProfile.basePath}`,
      xai: `${url}${xaiSimulatorProfile.basePath}`,
      fireworks: `${url}${fireworksSimulatorProfile.basePath}`,
      perplexity: `${url}${perplexitySimulatorProfile.basePath}`,
      vllm: `${url}${vllmSimulatorProfile.basePath}`,
      azureOpenai: `${url}${azureOpenAISimulatorProfile.basePath}`,
      anthropic: `${url}/anthropic`,
      google: `${url}/gemini`,
    },
    requests,
    addFault,
    reset,
    setVideoRenderMs: (ms) => {
      videoJobs.renderMs = ms;
    },
    waitForRequest: (predicate, timeoutMs = 10_000) => {
      const existing = requests.find((request) => settled.has(request) && predicate(request));
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (request: RecordedRequest) => {
            clearTimeout(timer);
            resolve(request);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`No matching simulator request settled within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    close: () => app.close(),
  };
}

function sendError(response: ServerResponse, record: RecordedRequest, profile: SimulatorProfile, error: SimulatorError): void {
  record.status = error.status;
  const headers = { ...profile.responseHeaders(undefined, false), 'content-type': 'application/json', ...error.headers };
  response.writeHead(error.status, headers);
  response.end(serializeBody(error.body));
}

function serializeBody(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body);
}

function routeOf(request: FastifyRequest): SimulatorRoute {
  const params = isRecord(request.params) ? Object.fromEntries(Object.entries(request.params).map(([name, value]) => [name, String(value)])) : {};
  return { params, query: new URL(request.url, 'http://simulator.invalid').searchParams };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

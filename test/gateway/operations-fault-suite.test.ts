import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiError, GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import OpenAI, { toFile } from 'openai';
import { parseDecimalMicros } from '../../src/core/parse-decimal-micros.ts';
import { computeCost } from '../../src/metering/compute-cost.ts';
import type { RecordedRequest, SimulatorFault } from '../../src/simulators/start-simulators.ts';
import { startRefusedDeployment, type RefusedDeployment } from '../support/refused-deployment.ts';
import { startStack, type Stack } from '../support/start-stack.ts';
import { makeWav } from '../support/make-audio.ts';

/**
 * The resilience fault suite (fault-suite.test.ts) for the routes that are not chat: embeddings,
 * moderations, images, speech, transcriptions, videos, legacy completions and the Gemini API, each through
 * its official client. Every provider failure (FAULTS) × every route (ROUTES), on the provider the
 * model lives on: once (a transient failure is retried and the retry serves the request, billed
 * once; a final one is not retried, though the retry would have succeeded), and on every attempt
 * (the client gets the failure in its route's envelope after the retry rule's attempts, nothing is
 * billed). After each failure the gateway serves the same request normally.
 *
 * The cases share three gateways: one whose deployments are the simulators (faults scripted per
 * case, `simulators.reset()` between cases), and two whose first deployment is a closed port —
 * alone (refused on every attempt) or before a simulator (refused once). Breakers never open
 * (`circuitBreaker.failures` and `minimumRequests` at their most), so no case leaks into the next.
 */

const MAX_RETRIES = 1;
/** The gateway's bound on a provider's answer (its minimum); the oversized faults send four times that. */
const MAX_UPSTREAM_BYTES = 64 * 1024;
/** Each deployment's first-byte timeout; the stalls last three times as long. */
const FIRST_BYTE_MS = 400;
const STALL_MS = 3 * FIRST_BYTE_MS;

const ENVIRONMENT = {
  SWITCHYARD_MAX_RETRIES: String(MAX_RETRIES),
  // Every retry is allowed: the attempt counts below are the retry rule's, never the budget's.
  SWITCHYARD_RETRY_FLOOR_PER_SECOND: '1000',
  SWITCHYARD_MAX_UPSTREAM_RESPONSE_BYTES: String(MAX_UPSTREAM_BYTES),
  SWITCHYARD_VIDEO_POLL_MS: '20',
};

/** Breakers that never open, whatever a case does to a deployment. */
const NO_BREAKER = 'circuitBreaker: { failures: 1000, failureRatePercent: 100, minimumRequests: 1000000 }';

type Provider = 'openai' | 'google';

/** The message of the provider's 400: the client reads it in the gateway's error. */
const PROVIDER_REFUSAL = "Invalid value for 'input': the simulated provider refuses this request.";
/** The 400 each provider writes, in its own format. */
const REFUSAL_BODIES: Record<Provider, unknown> = {
  openai: { error: { message: PROVIDER_REFUSAL, type: 'invalid_request_error', param: 'input', code: 'invalid_value' } },
  google: { error: { code: 400, message: PROVIDER_REFUSAL, status: 'INVALID_ARGUMENT' } },
};

type FaultName = 'refused connection' | 'reset before headers' | 'HTTP 500' | 'HTTP 503' | 'HTTP 429 with Retry-After: 1' | 'stall before headers (beyond firstByteMs)' | 'malformed JSON' | 'oversized body' | 'HTTP 400';

/** What the client gets when nothing serves the request: the HTTP status and the gateway's error code. */
interface ClientError {
  status: number;
  code: string;
}

interface FaultRow {
  name: FaultName;
  /** The model's deployment refuses connections (nothing listens on its port) instead of a simulator fault. */
  refuse?: true;
  fault?: (provider: Provider) => Omit<SimulatorFault, 'provider' | 'model' | 'times'>;
  /** `transient`: retried (MAX_RETRIES times). `final`: the provider's last word, never retried. */
  kind: 'transient' | 'final';
  error: ClientError;
  /** The provider's message reaches the client. */
  providerMessage?: string;
  /** The provider's Retry-After reaches the client. */
  retryAfter?: string;
}

const FAULTS: FaultRow[] = [
  { name: 'refused connection', refuse: true, kind: 'transient', error: { status: 502, code: 'upstream_unavailable' } },
  { name: 'reset before headers', fault: () => ({ resetBeforeHeaders: true }), kind: 'transient', error: { status: 502, code: 'upstream_unavailable' } },
  { name: 'HTTP 500', fault: () => ({ status: 500 }), kind: 'transient', error: { status: 502, code: 'upstream_error' } },
  { name: 'HTTP 503', fault: () => ({ status: 503 }), kind: 'transient', error: { status: 502, code: 'upstream_error' } },
  { name: 'HTTP 429 with Retry-After: 1', fault: () => ({ status: 429, headers: { 'retry-after': '1' } }), kind: 'transient', error: { status: 429, code: 'upstream_rate_limited' }, retryAfter: '1' },
  { name: 'stall before headers (beyond firstByteMs)', fault: () => ({ firstByteDelayMs: STALL_MS }), kind: 'transient', error: { status: 504, code: 'upstream_timeout' } },
  // A 200 the gateway cannot read (not JSON, too large) is the provider's final word: a 502, not retried.
  { name: 'malformed JSON', fault: () => ({ malformed: 'json' }), kind: 'final', error: { status: 502, code: 'upstream_invalid_response' } },
  { name: 'oversized body', fault: () => ({ oversizedBytes: 4 * MAX_UPSTREAM_BYTES }), kind: 'final', error: { status: 502, code: 'upstream_response_too_large' } },
  { name: 'HTTP 400', fault: (provider) => ({ status: 400, body: REFUSAL_BODIES[provider] }), kind: 'final', error: { status: 400, code: 'upstream_invalid_request' }, providerMessage: PROVIDER_REFUSAL },
];

/** What the client saw. */
interface Observed {
  /** The HTTP status; undefined for an error event in a stream that had opened. */
  status: number | undefined;
  requestId: string | undefined;
  /** The gateway's error code (OpenAI's `error.code`; Google's `ErrorInfo.metadata.code`), its message, and the envelope's own fields. */
  error?: { code: string | undefined; message: string; type?: string; googleStatus?: string; googleCode?: number };
  /** The Retry-After the client was told (the header; Google's `RetryInfo` in seconds). */
  retryAfter?: string;
  /** The cost the answer reported, in micro-credits. */
  reportedCost?: number;
}

interface Route {
  name: string;
  /** The provider the model lives on: its deployment gets the fault. */
  provider: Provider;
  /** The error envelope of the route's surface: OpenAI's `{error: {message, type, code}}` or Google's `{error: {code, message, status}}`. */
  envelope: 'openai' | 'google';
  /** An attempt at the model's endpoint, as the simulator recorded it. */
  isAttempt(request: RecordedRequest): boolean;
  ask(stack: Stack): Promise<Observed>;
  /** Where the gateway answers this route otherwise than FAULTS says, and why. */
  overrides?: Partial<Record<FaultName, Partial<Pick<FaultRow, 'kind' | 'error' | 'fault'>> & { todo?: string }>>;
}

/**
 * The routes served through a chat call (completions, a translated Gemini request) read a provider's
 * answer as the chat suite pins it: a non-stream answer that is not a chat completion is
 * `upstream_stream_interrupted` (fault-suite.test.ts, "malformed JSON").
 */
const CHAT_ANSWER_OVERRIDES: Route['overrides'] = {
  'malformed JSON': { error: { status: 502, code: 'upstream_stream_interrupted' } },
};

/**
 * A stream that fails before its first event reached no client, so it is retried like any transient
 * failure (fault-suite.test.ts, "oversized first stream event"): the cut-off JSON where events were
 * expected, and a first event larger than the gateway reads.
 */
const STREAM_OVERRIDES: Route['overrides'] = {
  'malformed JSON': { kind: 'transient', error: { status: 502, code: 'upstream_stream_interrupted' } },
  'oversized body': { kind: 'transient', error: { status: 502, code: 'upstream_stream_interrupted' } },
};

/** An images answer has a bound of its own (MAX_IMAGES_ANSWER_BYTES in the OpenAI-compatible adapter: base64 images run to megabytes). */
const MAX_IMAGES_ANSWER_BYTES = 64 * 1024 * 1024;

const QUESTION = 'Explain in a few sentences why a gateway retries some failures and not others.';

const WAV = makeWav(2);

/** `usage.cost` (credits, a number) in micro-credits. */
function micros(cost: unknown): number {
  assert.equal(typeof cost, 'number', `usage.cost is reported (got ${String(cost)})`);
  return Math.round((cost as number) * 1_000_000);
}

/** `x-switchyard-credits-used` in micro-credits. */
function creditsHeader(headers: Headers): number {
  const parsed = parseDecimalMicros(headers.get('x-switchyard-credits-used') ?? '');
  assert.ok(parsed.ok, `x-switchyard-credits-used is a decimal amount (got ${headers.get('x-switchyard-credits-used')})`);
  return parsed.value;
}

/** One call through the OpenAI SDK: what it answered (and the cost it reported), or the APIError it threw. */
async function viaOpenAI(call: () => Promise<{ response: Response; reportedCost: number }>): Promise<Observed> {
  try {
    const { response, reportedCost } = await call();
    return { status: response.status, requestId: response.headers.get('x-request-id') ?? undefined, reportedCost };
  } catch (error) {
    if (!(error instanceof OpenAI.APIError)) throw error;
    const headers = error.headers as Headers | undefined;
    return {
      status: error.status,
      requestId: headers?.get('x-request-id') ?? undefined,
      error: { code: error.code ?? undefined, type: error.type ?? undefined, message: error.message },
      retryAfter: headers?.get('retry-after') ?? undefined,
    };
  }
}

/** One `generateContent` through @google/genai (which does not retry unless told to). */
async function viaGoogle(stack: Stack, model: string): Promise<Observed> {
  const ai = new GoogleGenAI({ apiKey: stack.apiKey, httpOptions: { baseUrl: stack.gateway.url } });
  try {
    const response: GenerateContentResponse = await ai.models.generateContent({ model, contents: QUESTION });
    assert.ok((response.text ?? '').length > 0, 'a whole answer');
    const headers = response.sdkHttpResponse?.headers as Record<string, string> | Headers | undefined;
    const requestId = headers instanceof Headers ? headers.get('x-request-id') : headers?.['x-request-id'];
    return { status: 200, requestId: requestId ?? undefined, reportedCost: micros((response.usageMetadata as { cost?: number } | undefined)?.cost) };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // Its message is the error body as JSON: a google.rpc.Status.
    const body = JSON.parse(error.message) as { error?: { code?: number; message?: string; status?: string; details?: { '@type': string; metadata?: { code?: string }; retryDelay?: string }[] } };
    const details = body.error?.details ?? [];
    const retryDelay = details.find((detail) => detail['@type'].endsWith('RetryInfo'))?.retryDelay;
    return {
      status: error.status,
      requestId: undefined,
      error: { code: details.find((detail) => detail['@type'].endsWith('ErrorInfo'))?.metadata?.code, message: body.error?.message ?? '', googleStatus: body.error?.status, googleCode: body.error?.code },
      retryAfter: retryDelay?.replace(/s$/, ''),
    };
  }
}

/**
 * A video job through the OpenAI SDK, created and retrieved until it ends (the simulators render
 * it in 50 ms): billed when it completes, so its cost is the catalog's price of its seconds (the
 * video object carries none).
 */
async function videoJob(stack: Stack, model: string, size: string, seconds: number): Promise<Observed> {
  stack.simulators.setVideoRenderMs(50);
  const openai = stack.client();
  return viaOpenAI(async () => {
    const { data, response } = await openai.videos.create({ model, prompt: 'A lighthouse at dawn', size: size as never, seconds: String(seconds) as never }).withResponse();
    let video = data;
    for (let waited = 0; video.status !== 'completed' && video.status !== 'failed' && waited < 10_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      video = await openai.videos.retrieve(data.id);
    }
    assert.equal(video.status, 'completed', 'the job completed');
    const pricing = stack.gateway.switchyard.catalog.find(model)!.pricing;
    return { response, reportedCost: computeCost({ promptTokens: 0, completionTokens: 0, units: { variant: size, count: seconds } }, pricing) };
  });
}

/** A request to the simulated provider's endpoint whose path ends in `suffix`. */
const attemptAt = (suffix: string) => (request: RecordedRequest) => request.path.split('?')[0]!.endsWith(suffix);

const ROUTES: Route[] = [
  {
    name: '/v1/embeddings (text-embedding-3-small)',
    provider: 'openai',
    envelope: 'openai',
    isAttempt: attemptAt('/embeddings'),
    ask: (stack) =>
      viaOpenAI(async () => {
        const { data, response } = await stack.client().embeddings.create({ model: 'text-embedding-3-small', input: QUESTION }).withResponse();
        assert.equal(data.data.length, 1);
        return { response, reportedCost: micros((data.usage as { cost?: number }).cost) };
      }),
  },
  {
    name: '/v1/moderations (omni-moderation-latest)',
    provider: 'openai',
    envelope: 'openai',
    isAttempt: attemptAt('/moderations'),
    ask: (stack) =>
      viaOpenAI(async () => {
        const { data, response } = await stack.client().moderations.create({ model: 'omni-moderation-latest', input: QUESTION }).withResponse();
        assert.equal(data.results.length, 1);
        return { response, reportedCost: creditsHeader(response.headers) };
      }),
  },
  {
    name: '/v1/images/generations (gpt-image-1)',
    provider: 'openai',
    envelope: 'openai',
    isAttempt: attemptAt('/images/generations'),
    ask: (stack) =>
      viaOpenAI(async () => {
        const { data, response } = await stack.client().images.generate({ model: 'gpt-image-1', prompt: 'A red square', size: '1024x1024', quality: 'low' }).withResponse();
        assert.ok(data.data?.[0]?.b64_json, 'an image');
        return { response, reportedCost: micros((data.usage as { cost?: number } | undefined)?.cost) };
      }),
    overrides: {
      'oversized body': { fault: () => ({ oversizedBytes: MAX_IMAGES_ANSWER_BYTES + MAX_UPSTREAM_BYTES }) },
    },
  },
  {
    name: '/v1/audio/speech (tts-1, the body streamed)',
    provider: 'openai',
    envelope: 'openai',
    isAttempt: attemptAt('/audio/speech'),
    ask: (stack) =>
      viaOpenAI(async () => {
        const { data, response } = await stack.client().audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'A short sentence to speak.', response_format: 'wav' }).withResponse();
        let bytes = 0;
        const chunks: Buffer[] = [];
        for await (const chunk of data.body as unknown as AsyncIterable<Uint8Array>) {
          bytes += chunk.length;
          if (chunks.length === 0) chunks.push(Buffer.from(chunk));
        }
        assert.ok(bytes > 44, 'audio');
        assert.equal(Buffer.concat(chunks).subarray(0, 4).toString('ascii'), 'RIFF', 'a WAV file, as asked');
        return { response, reportedCost: creditsHeader(response.headers) };
      }),
    overrides: {
      // Audio is relayed as it comes, unbounded by design; a JSON 200 is not audio: refused unread, never relayed or billed.
      'oversized body': { error: { status: 502, code: 'upstream_invalid_response' } },
    },
  },
  {
    name: '/v1/audio/transcriptions (whisper-1, a WAV made here)',
    provider: 'openai',
    envelope: 'openai',
    isAttempt: attemptAt('/audio/transcriptions'),
    ask: (stack) =>
      viaOpenAI(async () => {
        const { data, response } = await stack.client().audio.transcriptions.create({ model: 'whisper-1', file: await toFile(WAV, 'speech.wav', { type: 'audio/wav' }) }).withResponse();
        assert.ok(data.text.length > 0, 'a transcript');
        return { response, reportedCost: creditsHeader(response.headers) };
      }),
  },
  {
    name: '/v1/videos (sora-2, billed when the job completes)',
    provider: 'openai',
    envelope: 'openai',
    isAttempt: (request) => request.method === 'POST' && attemptAt('/videos')(request),
    ask: (stack) => videoJob(stack, 'sora-2', '1280x720', 4),
  },
  {
    name: '/v1/videos (veo-3.1-fast-generate-preview, translated to predictLongRunning)',
    provider: 'google',
    envelope: 'openai',
    isAttempt: attemptAt(':predictLongRunning'),
    ask: (stack) => videoJob(stack, 'veo-3.1-fast-generate-preview', '720x1280', 4),
  },
  {
    name: '/v1/completions (gpt-5-mini)',
    provider: 'openai',
    envelope: 'openai',
    isAttempt: attemptAt('/chat/completions'),
    ask: (stack) =>
      viaOpenAI(async () => {
        const { data, response } = await stack.client().completions.create({ model: 'gpt-5-mini', prompt: QUESTION, max_tokens: 256 }).withResponse();
        assert.equal(data.object, 'text_completion');
        return { response, reportedCost: micros((data.usage as { cost?: number } | undefined)?.cost) };
      }),
    overrides: CHAT_ANSWER_OVERRIDES,
  },
  {
    name: '/v1/completions stream (gpt-5-mini)',
    provider: 'openai',
    envelope: 'openai',
    isAttempt: attemptAt('/chat/completions'),
    ask: (stack) =>
      viaOpenAI(async () => {
        const { data, response } = await stack.client().completions.create({ model: 'gpt-5-mini', prompt: QUESTION, max_tokens: 256, stream: true, stream_options: { include_usage: true } }).withResponse();
        let cost: unknown;
        let finished = false;
        for await (const chunk of data) {
          if (chunk.choices[0]?.finish_reason) finished = true;
          if (chunk.usage) cost = (chunk.usage as { cost?: number }).cost;
        }
        assert.ok(finished, 'a whole stream');
        return { response, reportedCost: micros(cost) };
      }),
    overrides: STREAM_OVERRIDES,
  },
  {
    name: 'Gemini API generateContent (gemini-2.5-flash, passed through)',
    provider: 'google',
    envelope: 'google',
    isAttempt: attemptAt(':generateContent'),
    ask: (stack) => viaGoogle(stack, 'gemini-2.5-flash'),
    // A JSON answer that does not parse is the provider's failure on the pass-through too, as on translated routes.
    overrides: { 'malformed JSON': { error: { status: 502, code: 'upstream_stream_interrupted' } } },
  },
  {
    name: 'Gemini API generateContent (gpt-5-mini, translated)',
    provider: 'openai',
    envelope: 'google',
    isAttempt: attemptAt('/chat/completions'),
    ask: (stack) => viaGoogle(stack, 'gpt-5-mini'),
    overrides: CHAT_ANSWER_OVERRIDES,
  },
];

/** google.rpc status names by HTTP status, as the Gemini surface writes them (encode-gemini-error.ts). */
const GOOGLE_STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 429: 'RESOURCE_EXHAUSTED', 502: 'UNAVAILABLE', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' };

/** The gateways the cases run on. */
interface Gateways {
  /** Deployments on the simulators: faults are scripted. */
  faulty: Stack;
  /** Each provider's only deployment is a closed port. */
  refusedAlways: Stack;
  /** Each provider's first deployment (a) is a closed port, its second (b) a simulator. */
  refusedOnce: Stack;
  refused: Record<'always' | 'once', Record<Provider, RefusedDeployment>>;
}

function providersYaml(deployments: Record<Provider, string[]>): string {
  return [
    'providers:',
    ...(['openai', 'google'] as const).flatMap((provider) => [`  ${provider}:`, `    ${NO_BREAKER}`, '    deployments:', ...deployments[provider].map((line) => `      - ${line}`)]),
    '',
  ].join('\n');
}

const DEPLOYMENT_TIMEOUTS = `timeouts: { firstByteMs: ${FIRST_BYTE_MS} }`;
const KEYS: Record<Provider, string> = { openai: 'sk-deployment-a', google: 'AIza-deployment-a' };

async function startGateways(): Promise<Gateways> {
  const refused = {
    always: { openai: await startRefusedDeployment(), google: await startRefusedDeployment('') },
    once: { openai: await startRefusedDeployment(), google: await startRefusedDeployment('') },
  };
  const [faulty, refusedAlways, refusedOnce] = await Promise.all([
    startStack(ENVIRONMENT, {
      configYaml: (simulators) =>
        providersYaml({
          openai: [`{ name: a, baseUrl: "${simulators.baseUrls.openai}", apiKey: ${KEYS.openai}, ${DEPLOYMENT_TIMEOUTS} }`],
          google: [`{ name: a, baseUrl: "${simulators.baseUrls.google}", apiKey: ${KEYS.google}, ${DEPLOYMENT_TIMEOUTS} }`],
        }),
    }),
    startStack(ENVIRONMENT, {
      configYaml: providersYaml({
        openai: [`{ name: a, baseUrl: "${refused.always.openai.baseUrl}", apiKey: ${KEYS.openai}, ${DEPLOYMENT_TIMEOUTS} }`],
        google: [`{ name: a, baseUrl: "${refused.always.google.baseUrl}", apiKey: ${KEYS.google}, ${DEPLOYMENT_TIMEOUTS} }`],
      }),
    }),
    startStack(ENVIRONMENT, {
      // a is always tried first (its weight), b serves the retry: a retry goes to a deployment not yet tried.
      configYaml: (simulators) =>
        providersYaml({
          openai: [`{ name: a, baseUrl: "${refused.once.openai.baseUrl}", apiKey: ${KEYS.openai}, weight: 1000000, ${DEPLOYMENT_TIMEOUTS} }`, `{ name: b, baseUrl: "${simulators.baseUrls.openai}", apiKey: sk-deployment-b, weight: 1, ${DEPLOYMENT_TIMEOUTS} }`],
          google: [`{ name: a, baseUrl: "${refused.once.google.baseUrl}", apiKey: ${KEYS.google}, weight: 1000000, ${DEPLOYMENT_TIMEOUTS} }`, `{ name: b, baseUrl: "${simulators.baseUrls.google}", apiKey: AIza-deployment-b, weight: 1, ${DEPLOYMENT_TIMEOUTS} }`],
        }),
    }),
  ]);
  return { faulty, refusedAlways, refusedOnce, refused };
}

/** What one case did: its requests' usage records and debits, and how the organization's balance moved. */
async function billingSince(stack: Stack, known: Set<string>, balanceBefore: number) {
  const { switchyard } = stack.gateway;
  await switchyard.usage.flush();
  const records = (await switchyard.store.listUsageRecords({ limit: 100_000 })).filter((record) => !known.has(record.requestId));
  const ids = new Set(records.map((record) => record.requestId));
  const debits = (await switchyard.store.listLedgerEntries({ limit: 100_000 })).filter((entry) => entry.kind === 'debit' && entry.requestId !== null && ids.has(entry.requestId));
  return { records, debits, spent: balanceBefore - (await balanceOf(stack)) };
}

async function balanceOf(stack: Stack): Promise<number> {
  const organization = await stack.gateway.switchyard.accounts.requireOrganization('acme');
  return (await stack.gateway.switchyard.store.listBalances()).get(organization.id) ?? 0;
}

async function knownRequests(stack: Stack): Promise<Set<string>> {
  await stack.gateway.switchyard.usage.flush();
  return new Set((await stack.gateway.switchyard.store.listUsageRecords({ limit: 100_000 })).map((record) => record.requestId));
}

type Mode = 'once' | 'every attempt';

/** A case's arrangement: the gateway, and its attempt counters (on the faulty deployment, and elsewhere). */
interface Arrangement {
  stack: Stack;
  attempts(): number;
  /** Attempts on deployment b (refused once); 0 elsewhere. */
  attemptsElsewhere(): number;
  /** Undoes the case's faults. */
  clear(): void;
}

function arrange(gateways: Gateways, route: Route, row: FaultRow, mode: Mode): Arrangement {
  if (row.refuse) {
    const which = mode === 'once' ? 'once' : 'always';
    const stack = mode === 'once' ? gateways.refusedOnce : gateways.refusedAlways;
    const refused = gateways.refused[which][route.provider];
    stack.simulators.reset();
    const before = refused.attempts();
    return {
      stack,
      attempts: () => refused.attempts() - before,
      attemptsElsewhere: () => stack.simulators.requests.filter(route.isAttempt).length,
      clear: () => undefined,
    };
  }
  const stack = gateways.faulty;
  stack.simulators.reset();
  // Once: the fault on the first attempt only. Every attempt: more than the gateway will make.
  stack.simulators.addFault({ provider: route.provider, times: mode === 'once' ? 1 : 100, ...row.fault!(route.provider) });
  return {
    stack,
    attempts: () => stack.simulators.requests.filter(route.isAttempt).length,
    attemptsElsewhere: () => 0,
    clear: () => stack.simulators.reset(),
  };
}

describe('operations fault suite: each provider failure × each non-chat route and surface, through the official clients', () => {
  let gateways: Gateways;
  before(async () => {
    gateways = await startGateways();
  });
  after(async () => {
    await Promise.all([gateways.faulty.close(), gateways.refusedAlways.close(), gateways.refusedOnce.close()]);
    for (const group of Object.values(gateways.refused)) for (const refused of Object.values(group)) refused.close();
  });

  for (const route of ROUTES) {
    describe(route.name, () => {
      for (const base of FAULTS) {
        const override = route.overrides?.[base.name];
        const row: FaultRow = { ...base, kind: override?.kind ?? base.kind, error: override?.error ?? base.error, fault: override?.fault ?? base.fault };
        // A final failure is tried once: with the fault on the first attempt only, the retry that would have succeeded is never made.
        const modes: Mode[] = row.kind === 'transient' ? ['once', 'every attempt'] : ['once'];
        for (const mode of modes) {
          const served = row.kind === 'transient' && mode === 'once';
          const attempts = row.kind === 'transient' && mode === 'every attempt' ? 1 + MAX_RETRIES : 1;
          const title = served
            ? `${row.name}, once: the retry serves it${row.refuse ? ' (deployment b)' : ''}, billed once`
            : `${row.name}, ${mode}: ${row.error.status} ${row.error.code} after ${attempts} attempt(s), nothing billed${row.refuse ? '' : ', and the next request is served'}`;
          test(title, { todo: override?.todo }, async (t) => {
            const arrangement = arrange(gateways, route, row, mode);
            const { stack } = arrangement;
            const known = await knownRequests(stack);
            const balanceBefore = await balanceOf(stack);
            const observed = await route.ask(stack);
            const billing = await billingSince(stack, known, balanceBefore);
            const context = JSON.stringify({ observed, attempts: arrangement.attempts(), elsewhere: arrangement.attemptsElsewhere(), records: billing.records.map((record) => ({ status: record.status, errorCode: record.errorCode, cost: record.cost })) });
            t.diagnostic(context);

            assert.equal(billing.records.length, 1, `the request is recorded exactly once: ${context}`);
            const [record] = billing.records;
            if (observed.requestId) assert.equal(record!.requestId, observed.requestId, 'the record is the request the client made');
            if (served) {
              assert.equal(observed.error, undefined, `served: ${context}`);
              assert.equal(observed.status, 200);
              assert.equal(observed.requestId, record!.requestId, 'the answer names its request (x-request-id)');
              assert.equal(record!.status, 200);
              assert.equal(observed.reportedCost, record!.cost, 'the answer reports what was billed');
              assert.deepEqual(billing.debits.map((debit) => -debit.amount), record!.cost > 0 ? [record!.cost] : [], 'one debit, for that cost (none for a free model)');
              assert.equal(billing.spent, record!.cost, 'the balance fell by it, and nothing more');
              // The failed attempt and its retry: on the same deployment, or (refused) on deployment b.
              assert.deepEqual({ attempts: arrangement.attempts(), elsewhere: arrangement.attemptsElsewhere() }, row.refuse ? { attempts: 1, elsewhere: 1 } : { attempts: 2, elsewhere: 0 }, context);
            } else {
              assert.equal(observed.status, row.error.status, `the error's status: ${context}`);
              assert.equal(observed.error?.code, row.error.code, `the error's code: ${context}`);
              if (route.envelope === 'google') {
                assert.equal(observed.error?.googleCode, row.error.status);
                assert.equal(observed.error?.googleStatus, GOOGLE_STATUS[row.error.status]);
              } else {
                assert.equal(typeof observed.error?.type, 'string', `OpenAI's envelope: ${context}`);
              }
              if (row.providerMessage) assert.ok(observed.error?.message.includes(row.providerMessage), `the provider's message reaches the client: ${observed.error?.message}`);
              if (row.retryAfter) assert.equal(observed.retryAfter, row.retryAfter, "the provider's Retry-After reaches the client");
              assert.equal(record!.status, row.error.status, 'recorded with the error status');
              assert.equal(record!.errorCode, row.error.code);
              assert.equal(record!.cost, 0);
              assert.deepEqual(billing.debits, [], 'no debit');
              assert.equal(billing.spent, 0, 'the balance did not move');
              assert.equal(arrangement.attempts(), attempts, `attempts, by the retry rule: ${context}`);
              assert.equal(arrangement.attemptsElsewhere(), 0);
              // The gateway serves the next request normally (where a deployment is up: a refused one stays down).
              arrangement.clear();
              if (!row.refuse) {
                const next = await route.ask(stack);
                assert.equal(next.error, undefined, `the next request is served: ${JSON.stringify(next)}`);
                assert.equal(next.status, 200);
              }
            }
          });
        }
      }
    });
  }
});

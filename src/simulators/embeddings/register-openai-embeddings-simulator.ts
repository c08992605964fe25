import type { FastifyInstance, FastifyRequest, FastifyReply } from 'fastify';
import { applySimulatorFault } from '../apply-simulator-fault.ts';
import { estimateTokens } from '../estimate-tokens.ts';
import { fireworksError, fireworksSimulatorProfile } from '../fireworks-simulator-profile.ts';
import { openaiError, openaiSimulatorProfile } from '../openai-simulator-profile.ts';
import type { Exchange, SimulatorContext } from '../simulator-context.ts';
import { hasSimulatorCredentials } from '../simulator-credentials.ts';
import type { SimulatorError } from '../simulator-error.ts';
import type { SimulatorProfile } from '../simulator-profile.ts';
import { simulatedEmbedding } from './simulated-embedding.ts';

interface EmbeddingModel {
  id: string;
  dimensions: number;
  /** Whether the model takes `dimensions` (OpenAI's -3 models, Matryoshka models on Fireworks). */
  flexible: boolean;
  /** Tokens one input may have. */
  maxTokens: number;
}

interface EmbeddingsProvider {
  profile: SimulatorProfile;
  models: EmbeddingModel[];
  /** A 400 in the provider's words. */
  invalid(message: string, param: string | null, code: string | null): SimulatorError;
}

/** @see https://platform.openai.com/docs/guides/embeddings */
const OPENAI: EmbeddingsProvider = {
  profile: openaiSimulatorProfile,
  models: [
    { id: 'text-embedding-3-small', dimensions: 1_536, flexible: true, maxTokens: 8_192 },
    { id: 'text-embedding-3-large', dimensions: 3_072, flexible: true, maxTokens: 8_192 },
    { id: 'text-embedding-ada-002', dimensions: 1_536, flexible: false, maxTokens: 8_192 },
  ],
  invalid: (message, param, code) => openaiError(400, message, 'invalid_request_error', param, code),
};

/** @see https://docs.fireworks.ai/api-reference/creates-an-embedding-vector-representing-the-input-text */
const FIREWORKS: EmbeddingsProvider = {
  profile: fireworksSimulatorProfile,
  models: [
    { id: 'nomic-ai/nomic-embed-text-v1.5', dimensions: 768, flexible: true, maxTokens: 8_192 },
    { id: 'WhereIsAI/UAE-Large-V1', dimensions: 1_024, flexible: false, maxTokens: 512 },
  ],
  invalid: (message) => fireworksError(400, 'invalid_request_error', message),
};

const MAX_INPUTS = 2_048;
/** OpenAI: "'$.input' is invalid" for what is not a string, strings, token ids or lists of them. */
const INVALID_INPUT = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

/**
 * `POST {base}/embeddings` as OpenAI serves it (and Fireworks, which speaks the same API):
 * `input` a string, strings, token ids or lists of token ids, `encoding_format` `float` (default)
 * or `base64` (little-endian float32), `dimensions` on the models that take it; `usage` counts
 * the input tokens. Vectors are deterministic unit vectors of the text.
 */
export function registerOpenAIEmbeddingsSimulator(app: FastifyInstance, context: SimulatorContext): void {
  for (const provider of [OPENAI, FIREWORKS]) {
    app.post(`${provider.profile.basePath}/embeddings`, (request, reply) => handleEmbeddings(context, provider, request, reply));
  }
}

async function handleEmbeddings(context: SimulatorContext, provider: EmbeddingsProvider, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { profile } = provider;
  const exchange = context.beginExchange(profile.provider, request, reply);
  // The provider's own headers (request id, rate limits) on every answer, as on its chat answers.
  const providerHeaders = profile.responseHeaders(undefined, false);
  const send = (error: SimulatorError) => sendJson(exchange, error.status, error.body, { ...providerHeaders, ...error.headers });
  if (!hasSimulatorCredentials(profile.credentials, request.headers)) return send(profile.authenticationError());
  if (!exchange.body.ok) return send(profile.invalidJsonError());
  const body = exchange.body.value as { model?: unknown; input?: unknown; encoding_format?: unknown; dimensions?: unknown };
  const preamble = await applySimulatorFault(context, exchange, body?.model, { sendError: send, faultError: (status) => profile.faultError(status) });
  if (preamble.answered) return;

  if (typeof body !== 'object' || body === null) return send(provider.invalid(INVALID_INPUT, null, null));
  if (typeof body.model !== 'string') return send(provider.invalid("Missing required parameter: 'model'.", 'model', 'missing_required_parameter'));
  const model = provider.models.find((candidate) => candidate.id === body.model);
  if (!model) return send(profile.unknownModelError(body.model));
  if (body.input === undefined) return send(provider.invalid("Missing required parameter: 'input'.", 'input', 'missing_required_parameter'));
  const inputs = readInputs(body.input);
  if (!inputs) return send(provider.invalid(INVALID_INPUT, null, null));
  if (inputs.length > MAX_INPUTS) return send(provider.invalid(`'$.input' is invalid: at most ${MAX_INPUTS} inputs.`, 'input', null));
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') return send(provider.invalid(`Invalid value: '${String(format)}'. Supported values are: 'float' and 'base64'.`, 'encoding_format', 'invalid_value'));
  let dimensions = model.dimensions;
  if (body.dimensions !== undefined) {
    if (!model.flexible) return send(provider.invalid('This model does not support specifying dimensions.', null, null));
    if (typeof body.dimensions !== 'number' || !Number.isInteger(body.dimensions) || body.dimensions < 1 || body.dimensions > model.dimensions) {
      return send(provider.invalid(`Invalid value for 'dimensions' = ${String(body.dimensions)}. Must be an integer between 1 and ${model.dimensions}.`, 'dimensions', 'invalid_value'));
    }
    dimensions = body.dimensions;
  }
  const tokens = inputs.map((input) => (typeof input === 'string' ? estimateTokens(input) : input.length));
  const tooLong = tokens.findIndex((count) => count > model.maxTokens);
  if (tooLong >= 0) return send(provider.invalid(`This model's maximum context length is ${model.maxTokens} tokens, however you requested ${tokens[tooLong]} tokens in input ${tooLong}.`, 'input', 'context_length_exceeded'));
  const promptTokens = tokens.reduce((total, count) => total + count, 0);
  const data = inputs.map((input, index) => {
    const vector = simulatedEmbedding(model.id, input, model.dimensions, dimensions);
    return { object: 'embedding', index, embedding: format === 'base64' ? toBase64(vector) : vector };
  });
  sendJson(exchange, 200, { object: 'list', data, model: model.id, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } }, { ...providerHeaders, ...preamble.fault?.headers });
}

/** The inputs of a valid `input`, one per vector; undefined when it is none of the four shapes or holds an empty one. */
function readInputs(input: unknown): (string | number[])[] | undefined {
  const tokenIds = (value: unknown): value is number[] => Array.isArray(value) && value.length > 0 && value.every((item) => Number.isInteger(item) && item >= 0);
  if (typeof input === 'string') return input === '' ? undefined : [input];
  if (tokenIds(input)) return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((item) => typeof item === 'string' && item !== '')) return input as string[];
  if (input.every(tokenIds)) return input as number[][];
  return undefined;
}

function toBase64(vector: number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (const [index, value] of vector.entries()) bytes.writeFloatLE(value, index * 4);
  return bytes.toString('base64');
}

function sendJson(exchange: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  exchange.record.status = status;
  exchange.response.writeHead(status, { 'content-type': 'application/json', ...headers });
  exchange.response.end(JSON.stringify(body));
}

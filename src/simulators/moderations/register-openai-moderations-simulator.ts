import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { applySimulatorFault } from '../apply-simulator-fault.ts';
import { openaiError, openaiSimulatorProfile as profile } from '../openai-simulator-profile.ts';
import type { Exchange, SimulatorContext } from '../simulator-context.ts';
import { hasSimulatorCredentials } from '../simulator-credentials.ts';
import type { SimulatorError } from '../simulator-error.ts';

/** What each moderation model answers as its `model`. */
const MODELS: Record<string, { responseModel: string; omni: boolean }> = {
  'omni-moderation-latest': { responseModel: 'omni-moderation-latest', omni: true },
  'omni-moderation-2024-09-26': { responseModel: 'omni-moderation-2024-09-26', omni: true },
  'text-moderation-latest': { responseModel: 'text-moderation-007', omni: false },
  'text-moderation-stable': { responseModel: 'text-moderation-007', omni: false },
};

const CATEGORIES = ['harassment', 'harassment/threatening', 'hate', 'hate/threatening', 'illicit', 'illicit/violent', 'self-harm', 'self-harm/intent', 'self-harm/instructions', 'sexual', 'sexual/minors', 'violence', 'violence/graphic'];
/** Categories the omni models also judge images for. */
const IMAGE_CATEGORIES = new Set(['self-harm', 'self-harm/intent', 'self-harm/instructions', 'sexual', 'violence', 'violence/graphic']);
/** Words that make the simulator flag a text, so tests can see a flagged result. */
const TRIGGERS: Record<string, string[]> = { violence: ['kill', 'attack'], harassment: ['idiot'], 'self-harm': ['hurt myself'] };

/**
 * `POST /v1/moderations` as OpenAI serves it: one result per input (a string, strings, or — omni
 * models — text and image parts judged together), every category with a flag and a score, the
 * omni models' `category_applied_input_types`; no usage (moderation is free).
 * @see https://platform.openai.com/docs/api-reference/moderations/create
 */
export function registerOpenAIModerationsSimulator(app: FastifyInstance, context: SimulatorContext): void {
  app.post(`${profile.basePath}/moderations`, (request, reply) => handleModeration(context, request, reply));
}

async function handleModeration(context: SimulatorContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const exchange = context.beginExchange('openai', request, reply);
  const headers = profile.responseHeaders(undefined, false);
  const send = (error: SimulatorError) => sendJson(exchange, error.status, error.body, { ...headers, ...error.headers });
  if (!hasSimulatorCredentials(profile.credentials, request.headers)) return send(profile.authenticationError());
  if (!exchange.body.ok) return send(profile.invalidJsonError());
  const body = (exchange.body.value ?? {}) as { input?: unknown; model?: unknown };
  const preamble = await applySimulatorFault(context, exchange, body.model, { sendError: send, faultError: (status) => profile.faultError(status) });
  if (preamble.answered) return;
  const modelId = body.model ?? 'omni-moderation-latest';
  const model = typeof modelId === 'string' ? MODELS[modelId] : undefined;
  if (!model) return send(profile.unknownModelError(String(modelId)));
  if (body.input === undefined) return send(openaiError(400, "Missing required parameter: 'input'.", 'invalid_request_error', 'input', 'missing_required_parameter'));
  const inputs = readInputs(body.input);
  if (!inputs) return send(openaiError(400, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'invalid_request_error', null, null));
  if (!model.omni && inputs.some((input) => input.images > 0)) return send(openaiError(400, `Model ${model.responseModel} does not support image inputs.`, 'invalid_request_error', 'input', null));
  const id = `modr-${createHash('sha256').update(`${exchange.record.id}`).digest('hex').slice(0, 32)}`;
  sendJson(exchange, 200, { id, model: model.responseModel, results: inputs.map((input) => judge(input, model.omni)) }, { ...headers, ...preamble.fault?.headers });
}

/** One input per result: a string, each string of a list, or all the parts of a multimodal list together. */
function readInputs(input: unknown): { text: string; images: number }[] | undefined {
  if (typeof input === 'string') return [{ text: input, images: 0 }];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((item) => typeof item === 'string')) return input.map((text: string) => ({ text, images: 0 }));
  let text = '';
  let images = 0;
  for (const part of input as { type?: unknown; text?: unknown; image_url?: { url?: unknown } }[]) {
    if (part?.type === 'text' && typeof part.text === 'string') text += part.text;
    else if (part?.type === 'image_url' && typeof part.image_url?.url === 'string') images += 1;
    else return undefined;
  }
  return [{ text, images }];
}

function judge(input: { text: string; images: number }, omni: boolean) {
  const lower = input.text.toLowerCase();
  const categories: Record<string, boolean> = {};
  const scores: Record<string, number> = {};
  const applied: Record<string, string[]> = {};
  for (const category of CATEGORIES) {
    if (!omni && category.startsWith('illicit')) continue;
    const family = category.split('/')[0]!;
    const hit = category === family && (TRIGGERS[family] ?? []).some((word) => lower.includes(word));
    categories[category] = hit;
    scores[category] = hit ? 0.91 : 0.0001;
    applied[category] = [...(input.text ? ['text'] : []), ...(input.images > 0 && IMAGE_CATEGORIES.has(category) ? ['image'] : [])];
  }
  return { flagged: Object.values(categories).some(Boolean), categories, category_scores: scores, ...(omni && { category_applied_input_types: applied }) };
}

function sendJson(exchange: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  exchange.record.status = status;
  exchange.response.writeHead(status, { 'content-type': 'application/json', ...headers });
  exchange.response.end(JSON.stringify(body));
}

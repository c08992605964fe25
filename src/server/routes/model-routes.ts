import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CatalogModel, PriceTier } from '../../catalog/catalog-model.ts';
import { formatMicros } from '../../core/format-micros.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { encodeAnthropicError } from '../../dialects/anthropic-messages/encode-anthropic-error.ts';
import { encodeAnthropicModel, encodeAnthropicModelPage } from '../../dialects/anthropic-messages/encode-anthropic-model.ts';
import type { Switchyard } from '../../switchyard.ts';
import { answerGeminiModels, isGeminiClient } from './gemini-routes.ts';

const OPENAI_MODEL_PATHS = ['/v1/models', '/v1/gateway/models', '/v1/api/openai/models'];
const ANTHROPIC_MODEL_PATH = '/v1/gateway/claude/v1/models';

/**
 * Model lists in OpenAI's format, and in Anthropic's for Anthropic SDK clients and Claude Code
 * (under /v1/gateway/claude, or on /v1/models when the request carries `anthropic-version`).
 * Model ids contain `/` (`accounts/fireworks/models/gpt-oss-120b`), so the single-model routes
 * take the rest of the path. A key limited to some models lists only those; another model is a 404.
 * @see https://platform.openai.com/docs/api-reference/models
 */
export function registerModelRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  const answer = (request: FastifyRequest, anthropic: boolean) => {
    // A key limited to some models sees only those (by catalog id, as admission checks them).
    const allowed = request.principal?.allowedModels;
    const available = switchyard.chat.availableModels().filter((model) => !allowed || allowed.includes(model.id));
    const id = modelIdOf(request);
    if (id === '') return anthropic ? encodeAnthropicModelPage(available, request.query as Record<string, string>) : { object: 'list', data: available.map(toOpenAIModel) };
    const model = available.find((candidate) => candidate.id === id);
    if (!model) throw GATEWAY_ERRORS.modelNotFound(id);
    return anthropic ? encodeAnthropicModel(model) : toOpenAIModel(model);
  };
  for (const path of OPENAI_MODEL_PATHS) {
    // `@google/genai` 3.x lists models on `/v1/models` too (its default API version is v1): a Gemini client gets Gemini's shape.
    for (const route of [path, `${path}/*`]) app.get(route, async (request) => (isGeminiClient(request) ? answerGeminiModels(switchyard, request, modelIdOf(request)) : answer(request, request.headers['anthropic-version'] !== undefined)));
  }
  for (const route of [ANTHROPIC_MODEL_PATH, `${ANTHROPIC_MODEL_PATH}/*`]) {
    app.get(route, { config: { encodeError: encodeAnthropicError } }, async (request) => answer(request, true));
  }
}

function modelIdOf(request: FastifyRequest): string {
  const raw = ((request.params as { '*'?: string })['*'] ?? '').replace(/\/+$/, '');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * OpenAI's model object, its four fields unchanged, with what a client needs to pick and budget a
 * model: what it does (`kind`; an embedding model's `dimensions`), context window, output limit, capabilities and list prices in credits per million tokens
 * (decimal strings; `tiers`: the prices of a request whose prompt passes `above_input_tokens`).
 */
function toOpenAIModel(model: CatalogModel) {
  const { pricing, capabilities } = model;
  const prices = (price: Omit<PriceTier, 'aboveInputTokens'>) => ({
    input: formatMicros(price.inputPerMillion),
    cached_input: formatMicros(price.cachedInputPerMillion),
    ...(price.cacheWritePerMillion === undefined ? {} : { cache_write: formatMicros(price.cacheWritePerMillion) }),
    output: formatMicros(price.outputPerMillion),
  });
  return {
    id: model.id,
    object: 'model',
    created: model.created,
    owned_by: model.provider,
    /** What the model does, and so which route serves it: `chat`, `embedding`, `moderation`. */
    kind: model.kind ?? 'chat',
    ...(model.embedding && { dimensions: model.embedding.dimensions }),
    context_window: model.contextWindow,
    max_output_tokens: model.maxOutputTokens,
    capabilities: { tools: capabilities.tools, vision: capabilities.vision, reasoning: capabilities.reasoning, json_schema: capabilities.jsonSchema },
    pricing: {
      unit: 'credits per million tokens',
      ...prices(pricing),
      ...(pricing.tiers ? { tiers: pricing.tiers.map((tier) => ({ above_input_tokens: tier.aboveInputTokens, ...prices(tier) })) } : {}),
      // Models billed per image, character or second: credits per unit, by price variant.
      ...(pricing.perUnit ? { per_unit: { unit: pricing.perUnit.unit, prices: Object.fromEntries(Object.entries(pricing.perUnit.prices).map(([variant, micros]) => [variant, formatMicros(micros)])) } } : {}),
    },
  };
}

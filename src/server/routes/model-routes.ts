import type { FastifyInstance } from 'fastify';
import type { CatalogModel } from '../../catalog/catalog-model.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import type { Switchyard } from '../../switchyard.ts';

const MODEL_LIST_PATHS = ['/v1/models', '/v1/gateway/models', '/v1/api/openai/models'];

/**
 * OpenAI's model list and model object. Model ids contain `/`
 * (`accounts/fireworks/models/gpt-oss-120b`), so the single-model route takes the rest of the path.
 * @see https://platform.openai.com/docs/api-reference/models
 */
export function registerModelRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  const list = () => ({ object: 'list', data: switchyard.chat.availableModels().map(toOpenAIModel) });
  for (const path of MODEL_LIST_PATHS) {
    app.get(path, async () => list());
    app.get(`${path}/*`, async (request) => {
      const raw = ((request.params as { '*': string })['*'] ?? '').replace(/\/+$/, '');
      if (raw === '') return list();
      const id = safeDecode(raw);
      const model = switchyard.chat.availableModels().find((candidate) => candidate.id === id);
      if (!model) throw GATEWAY_ERRORS.modelNotFound(id);
      return toOpenAIModel(model);
    });
  }
}

function toOpenAIModel(model: CatalogModel) {
  return { id: model.id, object: 'model', created: model.created, owned_by: model.provider };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

import type { CatalogModel } from '../../catalog/catalog-model.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';

/** Google's default and largest page of the model list. @see https://ai.google.dev/api/models#method:-models.list */
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1_000;

/**
 * A model as Gemini's Models API describes it (`name` is `models/<id>`; ids with `/` keep them), for
 * every model the gateway serves: on this surface each one answers. `@google/genai` reads
 * `supportedGenerationMethods` as `supportedActions`.
 * @see https://ai.google.dev/api/models#Model
 */
export function encodeGeminiModel(model: CatalogModel) {
  const embedding = model.kind === 'embedding';
  return {
    name: `models/${model.id}`,
    baseModelId: model.id,
    version: model.upstreamId,
    displayName: model.id,
    description: `${model.id}, served by ${model.provider} through Switchyard`,
    inputTokenLimit: model.contextWindow,
    outputTokenLimit: embedding ? 1 : model.maxOutputTokens,
    supportedGenerationMethods: embedding ? ['embedContent', 'batchEmbedContents'] : ['generateContent', 'streamGenerateContent', 'countTokens'],
    ...(model.capabilities.reasoning && !embedding ? { thinking: true } : {}),
  };
}

/**
 * One page of the model list: `pageSize` (default 50, at most 1,000; 0 or absent is the default),
 * `pageToken` the `nextPageToken` of the page before (the position of the next model, opaque to the
 * client), which the last page leaves out.
 */
export function encodeGeminiModelPage(models: CatalogModel[], query: { pageSize?: unknown; pageToken?: unknown }) {
  const requested = typeof query.pageSize === 'string' && /^\d{1,9}$/.test(query.pageSize) ? Number(query.pageSize) : 0;
  const pageSize = requested === 0 ? DEFAULT_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
  let start = 0;
  if (typeof query.pageToken === 'string' && query.pageToken !== '') {
    const decoded = Buffer.from(query.pageToken, 'base64url').toString('utf8');
    if (!/^offset:\d{1,9}$/.test(decoded)) throw GATEWAY_ERRORS.invalidPageToken();
    start = Number(decoded.slice('offset:'.length));
  }
  const end = start + pageSize;
  return {
    models: models.slice(start, end).map(encodeGeminiModel),
    ...(end < models.length ? { nextPageToken: Buffer.from(`offset:${end}`).toString('base64url') } : {}),
  };
}

import type { CatalogModel } from '../../catalog/catalog-model.ts';

/**
 * A model as Anthropic's Models API lists it. Every model is listed, not only Claude: on this surface each one answers.
 * @see https://docs.anthropic.com/en/api/models-list
 */
export function encodeAnthropicModel(model: CatalogModel) {
  return { type: 'model', id: model.id, display_name: model.id, created_at: new Date(model.created * 1000).toISOString() };
}

/** One page of Anthropic's model list: `limit` (1–1000, default 20), cursors `after_id` / `before_id`. */
export function encodeAnthropicModelPage(models: CatalogModel[], query: { limit?: string; after_id?: string; before_id?: string }) {
  const limit = Math.min(Math.max(Number.parseInt(query.limit ?? '20', 10) || 20, 1), 1000);
  let start = 0;
  let end = models.length;
  if (query.after_id) start = models.findIndex((model) => model.id === query.after_id) + 1;
  if (query.before_id) end = Math.max(0, models.findIndex((model) => model.id === query.before_id));
  const page = query.before_id && !query.after_id ? models.slice(Math.max(start, end - limit), end) : models.slice(start, Math.min(end, start + limit));
  const data = page.map(encodeAnthropicModel);
  const lastIndex = page.length > 0 ? models.indexOf(page[page.length - 1]) : -1;
  return { data, has_more: lastIndex >= 0 && lastIndex < end - 1, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

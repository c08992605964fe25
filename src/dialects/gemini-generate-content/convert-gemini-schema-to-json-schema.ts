/** Gemini writes these counts as int64, which proto JSON may spell as strings ("3"); JSON Schema wants numbers. */
const COUNT_KEYWORDS = new Set(['minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties']);
/** Gemini-only keywords with no JSON Schema meaning: ordering is a hint to Gemini's decoder. */
const DROPPED_KEYWORDS = new Set(['propertyOrdering', 'example']);

/**
 * A Gemini Schema (the OpenAPI 3.0 subset of function `parameters` and `responseSchema`) as JSON
 * Schema, for models of other providers: enum type names in either case (`OBJECT`, or LangChain's
 * `object`) become JSON Schema's lower-case types, `nullable: true` adds `null` to the type, int64
 * counts written as strings become numbers. Other keywords are JSON Schema's own and are kept.
 * `parametersJsonSchema` / `responseJsonSchema` are JSON Schema already and never come here.
 * @see https://ai.google.dev/api/caching#Schema
 */
export function convertGeminiSchemaToJsonSchema(schema: unknown): Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return {};
  const source = schema as Record<string, unknown>;
  const converted: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(source)) {
    if (DROPPED_KEYWORDS.has(keyword) || keyword === 'nullable') continue;
    if (keyword === 'type') {
      const type = String(value).toLowerCase();
      if (type !== 'type_unspecified' && type !== '') converted.type = type;
    } else if (keyword === 'properties' && typeof value === 'object' && value !== null) {
      converted.properties = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, convertGeminiSchemaToJsonSchema(property)]));
    } else if (keyword === 'items') {
      converted.items = convertGeminiSchemaToJsonSchema(value);
    } else if (keyword === 'anyOf' && Array.isArray(value)) {
      converted.anyOf = value.map(convertGeminiSchemaToJsonSchema);
    } else if (COUNT_KEYWORDS.has(keyword) && typeof value === 'string' && /^\d+$/.test(value)) {
      converted[keyword] = Number(value);
    } else {
      converted[keyword] = value;
    }
  }
  if (source.nullable === true) {
    if (typeof converted.type === 'string') converted.type = [converted.type, 'null'];
    else if (Array.isArray(converted.anyOf)) converted.anyOf = [...converted.anyOf, { type: 'null' }];
  }
  return converted;
}

/**
 * Checks a `Schema` (function parameters, `responseSchema`) the way the Gemini API does: keys outside
 * its OpenAPI subset fail JSON parsing ("Invalid JSON payload received. Unknown name
 * \"additionalProperties\" at '…': Cannot find field."), an unknown `type` fails as an invalid enum
 * value, and the semantic rules come after ("properties: should be non-empty for OBJECT type",
 * "only allowed for OBJECT type", "property is not defined").
 * @see https://ai.google.dev/api/caching#Schema
 */
export interface SchemaFindings {
  /** Proto JSON parsing failures, reported first and all together. */
  payload: { field: string; description: string }[];
  /** Semantic problems, as `<path>: <problem>` lines. */
  problems: string[];
}

/** Schema fields by JSON name, with the proto name Google's messages use. */
const FIELDS: Record<string, string> = {
  type: 'type', format: 'format', title: 'title', description: 'description', nullable: 'nullable', enum: 'enum',
  maxItems: 'max_items', minItems: 'min_items', properties: 'properties', required: 'required', minProperties: 'min_properties',
  maxProperties: 'max_properties', minLength: 'min_length', maxLength: 'max_length', pattern: 'pattern', example: 'example',
  anyOf: 'any_of', propertyOrdering: 'property_ordering', default: 'default', items: 'items', minimum: 'minimum', maximum: 'maximum',
};
const PROTO_NAMES = new Set(Object.values(FIELDS));
const TYPES = new Set(['TYPE_UNSPECIFIED', 'STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT']);

export function checkGeminiSchema(schema: unknown, path: string, findings: SchemaFindings = { payload: [], problems: [] }): SchemaFindings {
  walk(schema, path, path, findings);
  return findings;
}

/** `payloadPath` names map entries by position (`properties[0].value`), `problemPath` by key (`properties["city"]`), as the API does. */
function walk(schema: unknown, payloadPath: string, problemPath: string, findings: SchemaFindings): void {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return;
  const record = schema as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key in FIELDS || PROTO_NAMES.has(key)) continue;
    findings.payload.push({ field: payloadPath, description: `Invalid JSON payload received. Unknown name "${key}" at '${payloadPath}': Cannot find field.` });
  }
  const type = typeof record.type === 'string' ? record.type.toUpperCase() : undefined;
  if (record.type !== undefined && (type === undefined || !TYPES.has(type))) {
    findings.payload.push({
      field: `${payloadPath}.type`,
      description: `Invalid value at '${payloadPath}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), ${JSON.stringify(record.type)}`,
    });
  }

  const properties = record.properties;
  if (properties !== undefined && properties !== null && typeof properties === 'object' && !Array.isArray(properties)) {
    const names = Object.keys(properties);
    if (type !== 'OBJECT') findings.problems.push(`${problemPath}.properties: only allowed for OBJECT type`);
    else if (names.length === 0) findings.problems.push(`${problemPath}.properties: should be non-empty for OBJECT type`);
    names.forEach((name, index) => {
      walk((properties as Record<string, unknown>)[name], `${payloadPath}.properties[${index}].value`, `${problemPath}.properties[${JSON.stringify(name)}]`, findings);
    });
    const required = Array.isArray(record.required) ? record.required : [];
    required.forEach((name, index) => {
      if (typeof name !== 'string' || !names.includes(name)) findings.problems.push(`${problemPath}.required[${index}]: property is not defined`);
    });
  } else if (Array.isArray(record.required) && record.required.length > 0) {
    findings.problems.push(`${problemPath}.required[0]: property is not defined`);
  }
  if (record.enum !== undefined && type !== undefined && type !== 'STRING') findings.problems.push(`${problemPath}.enum: only allowed for STRING type`);
  if (record.items !== undefined) walk(record.items, `${payloadPath}.items`, `${problemPath}.items`, findings);
  const alternatives = record.anyOf ?? record.any_of;
  if (Array.isArray(alternatives)) {
    alternatives.forEach((alternative, index) => walk(alternative, `${payloadPath}.any_of[${index}]`, `${problemPath}.any_of[${index}]`, findings));
  }
}

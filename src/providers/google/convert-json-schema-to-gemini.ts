import type { GeminiSchema, GeminiSchemaType } from './gemini-api.ts';

export interface SchemaConversion {
  /** `undefined` when nothing is left to send (an object without properties at the top). */
  schema: GeminiSchema | undefined;
  /** What the OpenAPI subset cannot say, by path: reported to the client, never dropped silently. */
  losses: string[];
}

type JsonSchema = Record<string, unknown>;

const TYPES: Record<string, GeminiSchemaType> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
};

/** Constraints Gemini's Schema has under the same name. */
const KEPT = ['title', 'description', 'pattern', 'minimum', 'maximum', 'default', 'example'] as const;
/** int64 constraints, which proto JSON writes as strings. */
const COUNTS = ['minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties'] as const;
/** Annotations with no effect on what the model writes: left out without a report. */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', '$defs', 'definitions', 'readOnly', 'writeOnly', 'deprecated', 'examples', 'strict', 'name']);
/** String formats Gemini's Schema takes. @see https://ai.google.dev/api/caching#Schema */
const STRING_FORMATS = new Set(['enum', 'date-time']);
const NUMBER_FORMATS = new Set(['float', 'double', 'int32', 'int64']);
/** Recursive `$ref`s are inlined this deep, then cut. */
const MAXIMUM_REFERENCE_DEPTH = 4;

/**
 * Converts a JSON Schema (OpenAI function parameters, `response_format.json_schema.schema`) into the
 * OpenAPI 3.0 subset Gemini's `Schema` accepts: local `$ref`s inlined, `type: [x, "null"]` and
 * `anyOf` with `{type: "null"}` as `nullable`, `const` as a one-value `enum`, `oneOf` as `anyOf`,
 * types as Google's enum names. What the subset cannot say is dropped and listed in `losses`;
 * `additionalProperties: false` is dropped without a report, since Gemini writes only the declared
 * properties anyway.
 * @see https://ai.google.dev/gemini-api/docs/structured-output#json-schemas
 */
export function convertJsonSchemaToGemini(schema: unknown, options: { propertyOrdering: boolean }): SchemaConversion {
  const losses: string[] = [];
  const root = asSchema(schema);
  const converted = convert(root, { root, path: '', losses, options, referenceDepth: 0 });
  if (converted.type === 'OBJECT' && converted.properties === undefined) return { schema: undefined, losses };
  return { schema: converted, losses };
}

interface Context {
  root: JsonSchema;
  path: string;
  losses: string[];
  options: { propertyOrdering: boolean };
  referenceDepth: number;
}

function convert(input: JsonSchema, context: Context): GeminiSchema {
  const { schema, referenceDepth } = resolveReference(input, context);
  const here = { ...context, referenceDepth };
  if (referenceDepth > MAXIMUM_REFERENCE_DEPTH) {
    lose(context, 'recursive $ref cut: sent as an object without properties');
    return { type: 'OBJECT', ...(typeof schema.description === 'string' ? { description: schema.description } : {}) };
  }

  const result: GeminiSchema = {};
  for (const key of KEPT) if (schema[key] !== undefined) (result as Record<string, unknown>)[key] = schema[key];
  for (const key of COUNTS) if (typeof schema[key] === 'number') (result as Record<string, unknown>)[key] = String(schema[key]);
  if (result.example === undefined && Array.isArray(schema.examples) && schema.examples.length > 0) result.example = schema.examples[0];

  const alternatives = (Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined)?.map(asSchema);
  if (Array.isArray(schema.oneOf)) lose(here, 'oneOf sent as anyOf (Gemini has no exclusive choice)');
  if (alternatives) {
    const nonNull = alternatives.filter((alternative) => alternative.type !== 'null');
    if (nonNull.length < alternatives.length) result.nullable = true;
    const key = Array.isArray(schema.anyOf) ? 'anyOf' : 'oneOf';
    if (nonNull.length === 1) return { ...convert(nonNull[0]!, { ...here, path: `${here.path}${key}[0].` }), ...result };
    result.anyOf = nonNull.map((alternative, index) => convert(alternative, { ...here, path: `${here.path}${key}[${index}].` }));
    return result;
  }
  if (Array.isArray(schema.allOf)) {
    if (schema.allOf.length > 1) lose(here, 'allOf merged into one schema');
    const merged = schema.allOf.map(asSchema).reduce<JsonSchema>((all, part) => mergeSchemas(all, resolveReference(part, here).schema), {});
    const { allOf: _allOf, ...rest } = schema;
    return convert(mergeSchemas(rest, merged), here);
  }

  const type = readType(schema, result, here);
  if (type) result.type = type;
  convertEnum(schema, result, type, here);
  convertFormat(schema, result, type, here);

  if (type === 'OBJECT') convertObject(schema, result, here);
  if (type === 'ARRAY') {
    if (Array.isArray(schema.items) || Array.isArray(schema.prefixItems)) lose(here, 'tuple items cannot be described: items left open');
    else if (schema.items !== undefined) result.items = convert(asSchema(schema.items), { ...here, path: `${here.path}items.` });
  }

  for (const key of Object.keys(schema)) {
    // additionalProperties: reported by convertObject when it describes a map; false/true change nothing Gemini writes.
    if (HANDLED.has(key) || ANNOTATIONS.has(key) || key === 'additionalProperties') continue;
    lose(here, `${key} dropped`);
  }
  return result;
}

const HANDLED = new Set<string>([...KEPT, ...COUNTS, 'type', 'enum', 'const', 'format', 'properties', 'required', 'items', 'anyOf', 'oneOf', 'allOf', '$ref', 'nullable']);

function readType(schema: JsonSchema, result: GeminiSchema, context: Context): GeminiSchemaType | undefined {
  if (schema.nullable === true) result.nullable = true;
  const declared = Array.isArray(schema.type) ? schema.type.filter((type): type is string => typeof type === 'string') : typeof schema.type === 'string' ? [schema.type] : [];
  if (declared.includes('null')) result.nullable = true;
  const types = declared.filter((type) => type !== 'null');
  if (types.length > 1) lose(context, `type [${types.join(', ')}] sent as ${types[0]}`);
  const first = types[0];
  if (first !== undefined) return TYPES[first] ?? (lose(context, `type ${first} dropped`), undefined);
  if (schema.properties !== undefined) return 'OBJECT';
  if (schema.items !== undefined) return 'ARRAY';
  const values = schema.const !== undefined ? [schema.const] : Array.isArray(schema.enum) ? schema.enum.filter((value) => value !== null) : [];
  if (values.length === 0) return undefined;
  if (values.every((value) => typeof value === 'string')) return 'STRING';
  if (values.every((value) => Number.isInteger(value))) return 'INTEGER';
  if (values.every((value) => typeof value === 'number')) return 'NUMBER';
  if (values.every((value) => typeof value === 'boolean')) return 'BOOLEAN';
  return undefined;
}

/** Gemini enums are strings: `const` becomes a one-value enum; non-string values cannot be kept. */
function convertEnum(schema: JsonSchema, result: GeminiSchema, type: GeminiSchemaType | undefined, context: Context): void {
  const values = schema.const !== undefined ? [schema.const] : Array.isArray(schema.enum) ? schema.enum : undefined;
  if (values === undefined) return;
  const strings = values.filter((value): value is string => typeof value === 'string');
  if (type === 'STRING' && strings.length > 0) result.enum = strings;
  if (strings.length < values.filter((value) => value !== null).length || (type !== 'STRING' && values.length > 0)) {
    lose(context, `${schema.const !== undefined ? 'const' : 'enum'} of non-string values dropped`);
  }
}

function convertFormat(schema: JsonSchema, result: GeminiSchema, type: GeminiSchemaType | undefined, context: Context): void {
  if (typeof schema.format !== 'string') return;
  const allowed = type === 'STRING' ? STRING_FORMATS : type === 'NUMBER' || type === 'INTEGER' ? NUMBER_FORMATS : new Set<string>();
  if (allowed.has(schema.format)) result.format = schema.format;
  else lose(context, `format ${schema.format} dropped`);
}

function convertObject(schema: JsonSchema, result: GeminiSchema, context: Context): void {
  const properties = asSchema(schema.properties);
  const names = Object.keys(properties);
  if (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null) {
    lose(context, 'additionalProperties (a map of values) cannot be described');
  }
  if (names.length === 0) {
    // Gemini refuses an empty `properties` ("should be non-empty for OBJECT type").
    if (context.path !== '') lose(context, 'an object without properties is sent as OBJECT with none');
    return;
  }
  result.properties = {};
  for (const name of names) {
    result.properties[name] = convert(asSchema(properties[name]), { ...context, path: `${context.path}properties.${name}.` });
  }
  if (Array.isArray(schema.required)) {
    const required = schema.required.filter((name): name is string => typeof name === 'string' && names.includes(name));
    if (required.length < schema.required.length) lose(context, 'required names without a property dropped');
    if (required.length > 0) result.required = required;
  }
  // Gemini orders output properties alphabetically unless told; JSON Schema users expect their order.
  // @see https://ai.google.dev/gemini-api/docs/structured-output#property-ordering
  if (context.options.propertyOrdering && names.length > 1) result.propertyOrdering = names;
}

function resolveReference(schema: JsonSchema, context: Context): { schema: JsonSchema; referenceDepth: number } {
  let current = schema;
  let depth = context.referenceDepth;
  while (typeof current.$ref === 'string') {
    const reference = current.$ref;
    if (reference !== '#' && !reference.startsWith('#/')) {
      lose(context, `remote $ref ${reference} cannot be inlined`);
      const { $ref: _reference, ...rest } = current;
      return { schema: rest, referenceDepth: depth };
    }
    let target: unknown = context.root;
    for (const segment of reference.slice(2).split('/').filter((part) => part !== '')) target = asSchema(target)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
    const { $ref: _reference, ...siblings } = current;
    current = { ...asSchema(target), ...siblings };
    depth += 1;
    if (depth > MAXIMUM_REFERENCE_DEPTH) break;
  }
  return { schema: current, referenceDepth: depth };
}

function mergeSchemas(left: JsonSchema, right: JsonSchema): JsonSchema {
  const merged: JsonSchema = { ...left, ...right };
  if (left.properties || right.properties) merged.properties = { ...asSchema(left.properties), ...asSchema(right.properties) };
  if (Array.isArray(left.required) || Array.isArray(right.required)) {
    merged.required = [...new Set([...(Array.isArray(left.required) ? left.required : []), ...(Array.isArray(right.required) ? right.required : [])])];
  }
  return merged;
}

function lose(context: Context, what: string): void {
  const where = context.path === '' ? '(root)' : context.path.slice(0, -1);
  const loss = `${where}: ${what}`;
  if (!context.losses.includes(loss)) context.losses.push(loss);
}

function asSchema(value: unknown): JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : {};
}

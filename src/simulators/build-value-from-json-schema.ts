type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
type Schema = Record<string, unknown>;

export interface BuildValueOptions {
  /**
   * Fill optional properties too. Tool arguments get only the required ones (what a model must
   * send); structured outputs get every property, since strict schemas require them all.
   */
  includeOptional: boolean;
}

/**
 * A deterministic JSON value that satisfies a JSON schema of the kind function parameters and
 * structured outputs use: objects, arrays, scalars, enums, `const`, `anyOf`/`oneOf` and local `$ref`s.
 * @see https://platform.openai.com/docs/guides/structured-outputs#supported-schemas
 */
export function buildValueFromJsonSchema(schema: unknown, options: BuildValueOptions): JsonValue {
  return build(asSchema(schema), asSchema(schema), 'value', options, 0);
}

function build(schema: Schema, root: Schema, name: string, options: BuildValueOptions, depth: number): JsonValue {
  if (depth > 8) return null;
  const resolved = resolveReference(schema, root);
  if ('const' in resolved) return resolved.const as JsonValue;
  if (Array.isArray(resolved.enum) && resolved.enum.length > 0) return resolved.enum[0] as JsonValue;
  if ('default' in resolved && resolved.default !== undefined) return resolved.default as JsonValue;
  const alternatives = (resolved.anyOf ?? resolved.oneOf) as unknown;
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    const nonNull = alternatives.map(asSchema).find((alternative) => alternative.type !== 'null') ?? asSchema(alternatives[0]);
    return build(nonNull, root, name, options, depth + 1);
  }
  if (Array.isArray(resolved.allOf) && resolved.allOf.length > 0) {
    return build(asSchema(resolved.allOf[0]), root, name, options, depth + 1);
  }
  const type = Array.isArray(resolved.type)
    ? (resolved.type.find((candidate) => candidate !== 'null') ?? 'null')
    : (resolved.type ?? (resolved.properties ? 'object' : resolved.items ? 'array' : 'string'));
  switch (type) {
    case 'object':
      return buildObject(resolved, root, options, depth);
    case 'array': {
      const minimum = typeof resolved.minItems === 'number' ? resolved.minItems : 1;
      const item = build(asSchema(resolved.items), root, name, options, depth + 1);
      return Array.from({ length: Math.max(1, Math.min(minimum, 3)) }, () => item);
    }
    case 'integer':
      return typeof resolved.minimum === 'number' ? Math.ceil(resolved.minimum) : 1;
    case 'number':
      return typeof resolved.minimum === 'number' ? resolved.minimum : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return sampleString(resolved, name);
  }
}

function buildObject(schema: Schema, root: Schema, options: BuildValueOptions, depth: number): JsonValue {
  const properties = asSchema(schema.properties);
  const required = Array.isArray(schema.required) ? schema.required.filter((key): key is string => typeof key === 'string') : [];
  const keys = options.includeOptional ? Object.keys(properties) : required;
  const value: Record<string, JsonValue> = {};
  for (const key of keys) value[key] = build(asSchema(properties[key]), root, key, options, depth + 1);
  return value;
}

function sampleString(schema: Schema, name: string): string {
  switch (schema.format) {
    case 'date':
      return '2025-01-01';
    case 'date-time':
      return '2025-01-01T00:00:00Z';
    case 'email':
      return 'someone@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com/';
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
    default: {
      const text = `${name} from simulator`;
      const minimum = typeof schema.minLength === 'number' ? schema.minLength : 0;
      return text.length >= minimum ? text : text.padEnd(minimum, '.');
    }
  }
}

function resolveReference(schema: Schema, root: Schema): Schema {
  const reference = schema.$ref;
  if (typeof reference !== 'string' || !reference.startsWith('#/')) return schema;
  let target: unknown = root;
  for (const segment of reference.slice(2).split('/')) target = asSchema(target)[segment];
  return asSchema(target);
}

function asSchema(value: unknown): Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Schema) : {};
}

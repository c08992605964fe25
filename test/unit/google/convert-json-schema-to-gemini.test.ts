import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convertJsonSchemaToGemini } from '../../../src/providers/google/convert-json-schema-to-gemini.ts';

describe('convertJsonSchemaToGemini', () => {
  it("converts a strict structured-output schema into Gemini's OpenAPI subset and lists what it could not keep", () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      $defs: { address: { type: 'object', properties: { street: { type: 'string' }, zip: { type: ['string', 'null'], pattern: '^[0-9]{5}$' } }, required: ['street', 'zip'], additionalProperties: false } },
      properties: {
        name: { type: 'string', description: 'Full name', minLength: 1 },
        kind: { const: 'person' },
        age: { anyOf: [{ type: 'integer', minimum: 0, exclusiveMaximum: 150 }, { type: 'null' }] },
        home: { $ref: '#/$defs/address' },
        tags: { type: 'array', items: { type: 'string', format: 'email' }, maxItems: 3, uniqueItems: true },
        shape: { oneOf: [{ type: 'string' }, { type: 'number' }] },
        level: { enum: [1, 2, 3] },
        extra: { type: 'object', additionalProperties: { type: 'string' } },
        when: { type: 'string', format: 'date-time' },
      },
      required: ['name', 'kind', 'age', 'home', 'missing'],
    };
    assert.deepEqual(convertJsonSchemaToGemini(schema, { propertyOrdering: true }), {
      schema: {
        type: 'OBJECT',
        properties: {
          name: { type: 'STRING', description: 'Full name', minLength: '1' },
          kind: { type: 'STRING', enum: ['person'] },
          age: { type: 'INTEGER', minimum: 0, nullable: true },
          home: {
            type: 'OBJECT',
            properties: { street: { type: 'STRING' }, zip: { type: 'STRING', pattern: '^[0-9]{5}$', nullable: true } },
            required: ['street', 'zip'],
            propertyOrdering: ['street', 'zip'],
          },
          tags: { type: 'ARRAY', items: { type: 'STRING' }, maxItems: '3' },
          shape: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] },
          level: { type: 'INTEGER' },
          extra: { type: 'OBJECT' },
          when: { type: 'STRING', format: 'date-time' },
        },
        required: ['name', 'kind', 'age', 'home'],
        propertyOrdering: ['name', 'kind', 'age', 'home', 'tags', 'shape', 'level', 'extra', 'when'],
      },
      losses: [
        'properties.age.anyOf[0]: exclusiveMaximum dropped',
        'properties.tags.items: format email dropped',
        'properties.tags: uniqueItems dropped',
        'properties.shape: oneOf sent as anyOf (Gemini has no exclusive choice)',
        'properties.level: enum of non-string values dropped',
        'properties.extra: additionalProperties (a map of values) cannot be described',
        'properties.extra: an object without properties is sent as OBJECT with none',
        '(root): required names without a property dropped',
      ],
    });
  });

  it('inlines a recursive $ref a few levels deep, then cuts it and says so', () => {
    const { schema, losses } = convertJsonSchemaToGemini({ type: 'object', properties: { value: { type: 'number' }, children: { type: 'array', items: { $ref: '#' } } }, required: ['value'] }, { propertyOrdering: false });
    let depth = 0;
    for (let node = schema; node?.properties?.children; node = node.properties.children.items) depth += 1;
    assert.equal(depth, 5);
    assert.equal(losses.length, 1);
    assert.match(losses[0]!, /recursive \$ref cut/);
  });

  it('keeps the order of properties only when asked (structured output), and sends nothing for an object without properties', () => {
    assert.deepEqual(convertJsonSchemaToGemini({ type: 'object', properties: { b: { type: 'string' }, a: { type: 'boolean' } } }, { propertyOrdering: false }), {
      schema: { type: 'OBJECT', properties: { b: { type: 'STRING' }, a: { type: 'BOOLEAN' } } },
      losses: [],
    });
    assert.deepEqual(convertJsonSchemaToGemini({ type: 'object', properties: {}, additionalProperties: false }, { propertyOrdering: false }), { schema: undefined, losses: [] });
  });

  it('reads type arrays, nullable anyOf, allOf and examples', () => {
    assert.deepEqual(
      convertJsonSchemaToGemini(
        {
          type: 'object',
          properties: {
            count: { type: ['integer', 'null'], examples: [3] },
            either: { type: ['string', 'number'] },
            merged: { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'string' } } }] },
          },
        },
        { propertyOrdering: false },
      ),
      {
        schema: {
          type: 'OBJECT',
          properties: {
            count: { type: 'INTEGER', nullable: true, example: 3 },
            either: { type: 'STRING' },
            merged: { type: 'OBJECT', properties: { a: { type: 'STRING' }, b: { type: 'STRING' } }, required: ['a'] },
          },
        },
        losses: ['properties.either: type [string, number] sent as string', 'properties.merged: allOf merged into one schema'],
      },
    );
  });
});

/**
 * JSON schemas of a Responses API create request. The route checks only the envelope, what the
 * gateway itself needs (the model, the output limit it bounds and prices, the stream, background
 * and store flags, the chain it follows): OpenAI models get the rest passed through for OpenAI to
 * judge. A request translated for another model is checked against the full schema first
 * (decode-responses-request.ts), with a 422 naming the field. Unknown fields and item types pass
 * even then, and translation refuses what it cannot carry by name.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
const nullable = (type: string) => ({ type: [type, 'null'] });

const contentPartSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string' }, text: { type: 'string' }, image_url: nullable('string') },
  allOf: [{ if: { properties: { type: { enum: ['input_text', 'output_text'] } } }, then: { required: ['text'] } }],
};

const inputItemSchema = {
  type: 'object',
  properties: { type: { type: 'string' } },
  allOf: [
    // A message may leave out `type`; every other item names its type. Only a message's content is
    // read here: other items have content of their own kind (a reasoning item's may be null).
    {
      if: { required: ['role'] },
      then: {
        required: ['content'],
        properties: { role: { enum: ['user', 'assistant', 'system', 'developer'] }, content: { anyOf: [{ type: 'string' }, { type: 'array', items: contentPartSchema }] } },
      },
      else: { required: ['type'] },
    },
    {
      if: { properties: { type: { const: 'function_call' } }, required: ['type'] },
      then: { required: ['call_id', 'name', 'arguments'], properties: { call_id: { type: 'string' }, name: { type: 'string' }, arguments: { type: 'string' } } },
    },
    {
      if: { properties: { type: { const: 'function_call_output' } }, required: ['type'] },
      then: { required: ['call_id', 'output'], properties: { call_id: { type: 'string' }, output: { anyOf: [{ type: 'string' }, { type: 'array', items: contentPartSchema }] } } },
    },
  ],
};

const functionToolRule = {
  if: { properties: { type: { const: 'function' } } },
  then: {
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
      description: nullable('string'),
      parameters: nullable('object'),
      strict: nullable('boolean'),
    },
  },
};

const toolSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string' } },
  allOf: [
    functionToolRule,
    {
      // A group of function (or custom) tools. @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-tools
      if: { properties: { type: { const: 'namespace' } } },
      then: {
        required: ['name', 'tools'],
        properties: {
          name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
          description: { type: 'string' },
          tools: { type: 'array', minItems: 1, items: { type: 'object', required: ['type'], properties: { type: { type: 'string' } }, allOf: [functionToolRule] } },
        },
      },
    },
  ],
};

const textFormatSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: { enum: ['text', 'json_object', 'json_schema'] } },
  allOf: [
    {
      if: { properties: { type: { const: 'json_schema' } } },
      then: { required: ['name', 'schema'], properties: { name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' }, schema: { type: 'object' } } },
    },
  ],
};

export const responsesRequestSchema = {
  type: 'object',
  required: ['model'],
  properties: {
    model: { type: 'string', minLength: 1 },
    input: { anyOf: [{ type: 'string' }, { type: 'array', items: inputItemSchema }] },
    instructions: nullable('string'),
    tools: { type: 'array', items: toolSchema },
    tool_choice: { anyOf: [{ enum: ['none', 'auto', 'required'] }, { type: 'object', required: ['type'], properties: { type: { type: 'string' } } }] },
    parallel_tool_calls: nullable('boolean'),
    max_output_tokens: { ...nullable('integer'), minimum: 1 },
    temperature: { ...nullable('number'), minimum: 0, maximum: 2 },
    top_p: { ...nullable('number'), minimum: 0, maximum: 1 },
    reasoning: { ...nullable('object'), properties: { effort: nullable('string'), summary: nullable('string') } },
    text: { ...nullable('object'), properties: { format: textFormatSchema, verbosity: nullable('string') } },
    stream: nullable('boolean'),
    background: nullable('boolean'),
    store: nullable('boolean'),
    previous_response_id: nullable('string'),
    metadata: { ...nullable('object'), additionalProperties: { type: 'string' } },
  },
} as const;

export const responsesEnvelopeSchema = {
  type: 'object',
  required: ['model'],
  properties: {
    model: { type: 'string', minLength: 1 },
    max_output_tokens: { ...nullable('integer'), minimum: 1 },
    stream: nullable('boolean'),
    background: nullable('boolean'),
    store: nullable('boolean'),
    previous_response_id: nullable('string'),
  },
} as const;

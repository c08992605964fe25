/**
 * JSON schema of a Responses API create request, as strict as the gateway needs to refuse bad input
 * with a 422 before any provider is called. Unknown fields and item types are let through: OpenAI
 * models receive the body as sent, and translation refuses what it cannot carry by name.
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
  properties: {
    type: { type: 'string' },
    role: { enum: ['user', 'assistant', 'system', 'developer'] },
    content: { anyOf: [{ type: 'string' }, { type: 'array', items: contentPartSchema }] },
  },
  allOf: [
    // A message may leave out `type`; every other item names its type.
    { if: { required: ['role'] }, then: { required: ['content'] }, else: { required: ['type'] } },
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

const toolSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string' } },
  allOf: [
    {
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

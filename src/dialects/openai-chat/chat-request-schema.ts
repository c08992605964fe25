/**
 * JSON schema of an OpenAI Chat Completions request, as strict as the gateway needs to refuse bad
 * input with a 422 before any provider is called. Unknown fields pass through to the provider.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
const nullable = (type: string | string[]) => ({ type: [...(Array.isArray(type) ? type : [type]), 'null'] });

const contentPartSchema = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string' },
    text: { type: 'string' },
    image_url: {
      type: 'object',
      required: ['url'],
      properties: { url: { type: 'string', minLength: 1 }, detail: { enum: ['auto', 'low', 'high'] } },
    },
  },
  allOf: [
    { if: { properties: { type: { const: 'text' } } }, then: { required: ['text'] } },
    { if: { properties: { type: { const: 'image_url' } } }, then: { required: ['image_url'] } },
  ],
};

const toolCallSchema = {
  type: 'object',
  required: ['id', 'type', 'function'],
  properties: {
    id: { type: 'string' },
    type: { const: 'function' },
    function: {
      type: 'object',
      required: ['name', 'arguments'],
      properties: { name: { type: 'string' }, arguments: { type: 'string' } },
    },
  },
};

const messageSchema = {
  type: 'object',
  required: ['role'],
  properties: {
    role: { enum: ['system', 'developer', 'user', 'assistant', 'tool', 'function'] },
    content: { anyOf: [{ type: 'string' }, { type: 'null' }, { type: 'array', items: contentPartSchema }] },
    name: { type: 'string' },
    tool_call_id: { type: 'string' },
    tool_calls: { type: 'array', items: toolCallSchema },
  },
  allOf: [
    { if: { properties: { role: { enum: ['system', 'developer', 'user'] } } }, then: { required: ['content'] } },
    { if: { properties: { role: { const: 'tool' } } }, then: { required: ['content', 'tool_call_id'] } },
  ],
};

const toolSchema = {
  type: 'object',
  required: ['type', 'function'],
  properties: {
    type: { const: 'function' },
    function: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
        description: { type: 'string' },
        parameters: { type: 'object' },
        strict: nullable('boolean'),
      },
    },
  },
};

export const chatRequestSchema = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1 },
    messages: { type: 'array', minItems: 1, items: messageSchema },
    stream: nullable('boolean'),
    stream_options: { ...nullable('object'), properties: { include_usage: { type: 'boolean' } } },
    temperature: { ...nullable('number'), minimum: 0, maximum: 2 },
    top_p: { ...nullable('number'), minimum: 0, maximum: 1 },
    n: { ...nullable('integer'), minimum: 1, maximum: 128 },
    max_tokens: { ...nullable('integer'), minimum: 1 },
    max_completion_tokens: { ...nullable('integer'), minimum: 1 },
    presence_penalty: { ...nullable('number'), minimum: -2, maximum: 2 },
    frequency_penalty: { ...nullable('number'), minimum: -2, maximum: 2 },
    stop: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 4 }, { type: 'null' }] },
    tools: { type: 'array', items: toolSchema },
    tool_choice: {
      anyOf: [
        { enum: ['none', 'auto', 'required'] },
        { type: 'object', required: ['type'], properties: { type: { const: 'function' }, function: { type: 'object', required: ['name'] } } },
      ],
    },
    parallel_tool_calls: nullable('boolean'),
    response_format: {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: ['text', 'json_object', 'json_schema'] } },
    },
    reasoning_effort: nullable('string'),
    seed: nullable('integer'),
    user: { type: 'string' },
    logprobs: nullable('boolean'),
    top_logprobs: { ...nullable('integer'), minimum: 0, maximum: 20 },
  },
} as const;

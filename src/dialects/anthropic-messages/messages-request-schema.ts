/**
 * JSON schemas of a Messages request. The route checks only the envelope, what the gateway itself
 * needs (the model, the output limit it bounds and prices, the stream flag): a Claude model gets
 * the rest passed through for Anthropic to judge. A request translated for another model is checked
 * against the full schema first (decode-messages-request.ts): what translation reads must be there.
 * Unknown fields and block types pass even then, and translation refuses what it cannot carry by name.
 * @see https://docs.anthropic.com/en/api/messages
 */
const blockSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string' } },
  allOf: [
    { if: { properties: { type: { const: 'text' } } }, then: { required: ['text'], properties: { text: { type: 'string' } } } },
    { if: { properties: { type: { const: 'image' } } }, then: { required: ['source'], properties: { source: { type: 'object', required: ['type'] } } } },
    { if: { properties: { type: { const: 'tool_use' } } }, then: { required: ['id', 'name', 'input'], properties: { id: { type: 'string' }, name: { type: 'string' } } } },
    { if: { properties: { type: { const: 'tool_result' } } }, then: { required: ['tool_use_id'], properties: { tool_use_id: { type: 'string' } } } },
  ],
};

export const messagesRequestSchema = {
  type: 'object',
  required: ['model', 'max_tokens', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1 },
    max_tokens: { type: 'integer', minimum: 1 },
    messages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['role', 'content'],
        properties: {
          role: { enum: ['user', 'assistant', 'system'] },
          content: { anyOf: [{ type: 'string' }, { type: 'array', items: blockSchema }] },
        },
      },
    },
    system: { anyOf: [{ type: 'string' }, { type: 'array', items: blockSchema }] },
    stream: { type: 'boolean' },
    temperature: { type: 'number', minimum: 0, maximum: 1 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    top_k: { type: 'integer', minimum: 0 },
    stop_sequences: { type: 'array', items: { type: 'string' } },
    tools: {
      type: 'array',
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, description: { type: 'string' }, input_schema: { type: 'object' } } },
    },
    tool_choice: {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: ['auto', 'any', 'none', 'tool'] }, name: { type: 'string' }, disable_parallel_tool_use: { type: 'boolean' } },
    },
    thinking: { type: 'object', required: ['type'], properties: { type: { type: 'string' }, budget_tokens: { type: 'integer', minimum: 1 } } },
    metadata: { type: 'object' },
  },
} as const;

export const messagesEnvelopeSchema = {
  type: 'object',
  required: ['model', 'max_tokens', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1 },
    max_tokens: { type: 'integer', minimum: 1 },
    messages: { type: 'array', items: { type: 'object' } },
    stream: { type: 'boolean' },
  },
} as const;

export const countTokensEnvelopeSchema = {
  ...messagesEnvelopeSchema,
  required: ['model', 'messages'],
} as const;

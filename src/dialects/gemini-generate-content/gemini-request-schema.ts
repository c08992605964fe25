/**
 * JSON schemas of a Gemini API request body. The route checks only the envelope — what the gateway
 * itself reads (the contents, and the output limit and candidate count it bounds and prices): a
 * Gemini model gets the rest passed through for Google to judge. A request translated for another
 * model is checked against the full schema first (decode-gemini-request.ts). Unknown fields pass
 * even then; translation refuses what it cannot carry by name.
 * @see https://ai.google.dev/api/generate-content#request-body
 */
const generationLimitsSchema = {
  type: 'object',
  properties: {
    maxOutputTokens: { type: 'integer', minimum: 1 },
    candidateCount: { type: 'integer', minimum: 1 },
  },
} as const;

export const generateContentEnvelopeSchema = {
  type: 'object',
  required: ['contents'],
  properties: {
    contents: { type: 'array', items: { type: 'object' } },
    generationConfig: generationLimitsSchema,
  },
} as const;

/** countTokens takes the contents, or a whole GenerateContentRequest. @see https://ai.google.dev/api/tokens#method:-models.counttokens */
export const countTokensEnvelopeSchema = {
  type: 'object',
  anyOf: [{ required: ['contents'] }, { required: ['generateContentRequest'] }],
  properties: {
    contents: { type: 'array', items: { type: 'object' } },
    generateContentRequest: { type: 'object', required: ['contents'], properties: { contents: { type: 'array', items: { type: 'object' } } } },
  },
} as const;

/** @see https://ai.google.dev/api/caching#Part */
const partSchema = {
  type: 'object',
  properties: {
    text: { type: 'string' },
    thought: { type: 'boolean' },
    thoughtSignature: { type: 'string' },
    inlineData: { type: 'object', required: ['mimeType', 'data'], properties: { mimeType: { type: 'string' }, data: { type: 'string' } } },
    fileData: { type: 'object', required: ['fileUri'], properties: { mimeType: { type: 'string' }, fileUri: { type: 'string' } } },
    functionCall: { type: 'object', required: ['name'], properties: { id: { type: 'string' }, name: { type: 'string', minLength: 1 }, args: { type: 'object' } } },
    functionResponse: { type: 'object', required: ['name'], properties: { id: { type: 'string' }, name: { type: 'string', minLength: 1 }, response: { type: 'object' } } },
  },
} as const;

const contentSchema = {
  type: 'object',
  required: ['parts'],
  properties: { role: { type: 'string' }, parts: { type: 'array', items: partSchema } },
} as const;

export const generateContentRequestSchema = {
  type: 'object',
  required: ['contents'],
  properties: {
    contents: { type: 'array', items: contentSchema },
    systemInstruction: contentSchema,
    tools: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          functionDeclarations: {
            type: 'array',
            items: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, description: { type: 'string' }, parameters: { type: 'object' } } },
          },
        },
      },
    },
    toolConfig: {
      type: 'object',
      properties: {
        functionCallingConfig: {
          type: 'object',
          properties: { mode: { enum: ['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED'] }, allowedFunctionNames: { type: 'array', items: { type: 'string' } } },
        },
      },
    },
    safetySettings: { type: 'array', items: { type: 'object' } },
    generationConfig: {
      type: 'object',
      properties: {
        ...generationLimitsSchema.properties,
        temperature: { type: 'number', minimum: 0 },
        topP: { type: 'number', minimum: 0, maximum: 1 },
        topK: { type: 'number' },
        seed: { type: 'integer' },
        presencePenalty: { type: 'number' },
        frequencyPenalty: { type: 'number' },
        stopSequences: { type: 'array', items: { type: 'string' } },
        responseMimeType: { type: 'string' },
        responseSchema: { type: 'object' },
        responseModalities: { type: 'array', items: { type: 'string' } },
        thinkingConfig: {
          type: 'object',
          properties: { includeThoughts: { type: 'boolean' }, thinkingBudget: { type: 'integer' }, thinkingLevel: { type: 'string' } },
        },
      },
    },
  },
} as const;

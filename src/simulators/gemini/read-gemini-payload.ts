/**
 * Reads a GenerateContentRequest the way the API's proto JSON parser does: every field may be spelled
 * in lowerCamelCase or as its proto name (`generation_config`), anything else is refused with
 * "Invalid JSON payload received. Unknown name …". Returns the body with camelCase keys at the
 * levels the simulator reads, and the violations found.
 * @see https://protobuf.dev/programming-guides/json/
 */
export interface PayloadReading {
  body: Record<string, any>;
  violations: { field?: string; description: string }[];
}

/** Known fields per message, by JSON name. */
const MESSAGES = {
  request: ['model', 'contents', 'systemInstruction', 'tools', 'toolConfig', 'safetySettings', 'generationConfig', 'cachedContent'],
  content: ['role', 'parts'],
  part: ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult', 'thought', 'thoughtSignature', 'videoMetadata', 'mediaResolution'],
  blob: ['mimeType', 'data'],
  functionCall: ['id', 'name', 'args'],
  functionResponse: ['id', 'name', 'response', 'parts', 'willContinue', 'scheduling'],
  tool: ['functionDeclarations', 'googleSearch', 'googleSearchRetrieval', 'codeExecution', 'urlContext', 'fileSearch', 'googleMaps', 'computerUse'],
  functionDeclaration: ['name', 'description', 'parameters', 'parametersJsonSchema', 'response', 'responseJsonSchema', 'behavior'],
  toolConfig: ['functionCallingConfig', 'retrievalConfig'],
  functionCallingConfig: ['mode', 'allowedFunctionNames'],
  generationConfig: [
    'stopSequences', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseModalities', 'candidateCount', 'maxOutputTokens',
    'temperature', 'topP', 'topK', 'seed', 'presencePenalty', 'frequencyPenalty', 'responseLogprobs', 'logprobs',
    'enableEnhancedCivicAnswers', 'speechConfig', 'thinkingConfig', 'imageConfig', 'mediaResolution',
  ],
  thinkingConfig: ['includeThoughts', 'thinkingBudget', 'thinkingLevel'],
  safetySetting: ['category', 'threshold'],
} as const;

type Message = keyof typeof MESSAGES;

/** Each message's proto type, as Google's JSON parser names it when a value of the wrong JSON type arrives. */
const PROTO_TYPES: Record<Message, string> = {
  request: 'GenerateContentRequest',
  content: 'Content',
  part: 'Part',
  blob: 'Blob',
  functionCall: 'FunctionCall',
  functionResponse: 'FunctionResponse',
  tool: 'Tool',
  functionDeclaration: 'FunctionDeclaration',
  toolConfig: 'ToolConfig',
  functionCallingConfig: 'FunctionCallingConfig',
  generationConfig: 'GenerationConfig',
  thinkingConfig: 'ThinkingConfig',
  safetySetting: 'SafetySetting',
};

export function readGeminiPayload(body: Record<string, unknown>): PayloadReading {
  const violations: PayloadReading['violations'] = [];
  // A message given as another JSON type (a number, a string, a list) is refused, as proto JSON parsing does; null is the field unset.
  const invalid = (value: unknown, message: Message, path: string): undefined => {
    violations.push({ field: path, description: `Invalid value at '${path}' (type.googleapis.com/google.ai.generativelanguage.v1beta.${PROTO_TYPES[message]}), ${JSON.stringify(value)?.slice(0, 100)}` });
    return undefined;
  };
  const read = (value: unknown, message: Message, path: string): any => {
    if (value === null || value === undefined) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) return path === '' ? value : invalid(value, message, path);
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const name = (MESSAGES[message] as readonly string[]).find((field) => field === key || snakeCase(field) === key);
      if (name === undefined) {
        const where = path === '' ? '' : ` at '${path}'`;
        violations.push({ ...(path === '' ? {} : { field: path }), description: `Invalid JSON payload received. Unknown name "${key}"${where}: Cannot find field.` });
        continue;
      }
      result[name] = readChild(name, item, `${path === '' ? '' : `${path}.`}${snakeCase(name)}`);
    }
    return result;
  };
  const list = (value: unknown, message: Message, path: string): unknown => {
    if (value === null || value === undefined) return undefined;
    return Array.isArray(value) ? value.map((item, index) => read(item, message, `${path}[${index}]`)) : invalid(value, message, path);
  };
  const readChild = (name: string, value: unknown, path: string): unknown => {
    switch (name) {
      case 'contents':
        return list(value, 'content', path);
      case 'systemInstruction':
        return read(value, 'content', path);
      case 'parts':
        return list(value, 'part', path);
      case 'inlineData':
        return read(value, 'blob', path);
      case 'functionCall':
        return read(value, 'functionCall', path);
      case 'functionResponse':
        return read(value, 'functionResponse', path);
      case 'tools':
        return list(value, 'tool', path);
      case 'functionDeclarations':
        return list(value, 'functionDeclaration', path);
      case 'toolConfig':
        return read(value, 'toolConfig', path);
      case 'functionCallingConfig':
        return read(value, 'functionCallingConfig', path);
      case 'generationConfig':
        return read(value, 'generationConfig', path);
      case 'thinkingConfig':
        return read(value, 'thinkingConfig', path);
      case 'safetySettings':
        return list(value, 'safetySetting', path);
      default:
        return value;
    }
  };
  return { body: read(body, 'request', ''), violations };
}

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

import type { ChatRequestBody, ChatRequestContentPart, ChatRequestMessage, ChatRequestTool } from '../simulator-profile.ts';
import type { GeminiGenerateContentRequest, GeminiPart } from './gemini-wire-types.ts';

/**
 * A Gemini request in the neutral chat shape the shared answer engine reads
 * (`generate-simulated-answer.ts`, `estimate-tokens.ts`): system instruction → system message,
 * model turns → assistant messages with tool calls, function responses → tool messages, function
 * declarations → tools with JSON Schema parameters, the calling mode → `tool_choice`, a JSON
 * response MIME type → `response_format`. Only the simulator's engine sees this shape.
 */
export function adaptGeminiRequest(request: GeminiGenerateContentRequest, modelId: string): ChatRequestBody {
  const messages: ChatRequestMessage[] = [];
  const systemText = textOf(request.systemInstruction?.parts ?? []);
  if (systemText) messages.push({ role: 'system', content: systemText });

  for (const content of request.contents) {
    if (content.role === 'model') {
      const calls = content.parts.filter((part) => part.functionCall);
      messages.push({
        role: 'assistant',
        content: textOf(content.parts) || null,
        ...(calls.length > 0
          ? { tool_calls: calls.map((part, index) => ({ id: part.functionCall!.id ?? `call_${index}`, type: 'function', function: { name: part.functionCall!.name, arguments: JSON.stringify(part.functionCall!.args ?? {}) } })) }
          : {}),
      });
      continue;
    }
    for (const part of content.parts) {
      if (part.functionResponse) messages.push({ role: 'tool', tool_call_id: part.functionResponse.id ?? part.functionResponse.name, content: responseText(part.functionResponse.response) });
    }
    const userParts: ChatRequestContentPart[] = content.parts.flatMap((part): ChatRequestContentPart[] => {
      if (typeof part.text === 'string' && part.thought !== true) return [{ type: 'text', text: part.text }];
      if (part.inlineData || part.fileData) return [{ type: 'image_url', image_url: { url: `data:${part.inlineData?.mimeType ?? part.fileData?.mimeType ?? ''},` } }];
      return [];
    });
    if (userParts.length > 0) messages.push({ role: 'user', content: userParts });
  }

  const chat: ChatRequestBody = { model: modelId, messages };
  const declarations = (request.tools ?? []).flatMap((tool) => tool.functionDeclarations ?? []);
  const calling = request.toolConfig?.functionCallingConfig;
  const mode = String(calling?.mode ?? 'AUTO').toUpperCase();
  const allowed = calling?.allowedFunctionNames ?? [];
  const offered = mode === 'ANY' && allowed.length > 0 ? declarations.filter((declaration) => allowed.includes(declaration.name)) : declarations;
  if (offered.length > 0) {
    chat.tools = offered.map((declaration): ChatRequestTool => ({
      type: 'function',
      function: { name: declaration.name, description: declaration.description, parameters: declaration.parametersJsonSchema ?? toJsonSchema(declaration.parameters ?? { type: 'OBJECT' }) },
    }));
    chat.tool_choice = mode === 'NONE' ? 'none' : mode === 'ANY' && offered.length === 1 ? { type: 'function', function: { name: offered[0]!.name } } : mode === 'ANY' ? 'required' : 'auto';
  }

  const config = request.generationConfig ?? {};
  if (config.responseMimeType === 'application/json') {
    const schema = config.responseJsonSchema ?? (config.responseSchema ? toJsonSchema(config.responseSchema) : undefined);
    chat.response_format = schema !== undefined ? { type: 'json_schema', json_schema: { name: 'response', schema } } : { type: 'json_object' };
  }
  return chat;
}

function textOf(parts: GeminiPart[]): string {
  return parts.filter((part) => typeof part.text === 'string' && part.thought !== true).map((part) => part.text).join('');
}

/** A function's result as the model reads it: the `output` Google documents, else the whole object. */
function responseText(response: Record<string, unknown> | undefined): string {
  const keys = Object.keys(response ?? {});
  if (keys.length === 1 && keys[0] === 'output') return typeof response!.output === 'string' ? response!.output : JSON.stringify(response!.output);
  return JSON.stringify(response ?? {});
}

/** Gemini's Schema read as JSON Schema: lower-case types, `any_of` as `anyOf`, int64 counts as numbers. */
function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    const name = key === 'any_of' ? 'anyOf' : key;
    if (name === 'type' && typeof value === 'string') result.type = value.toLowerCase();
    else if (/^(min|max)(Items|Length|Properties)$/.test(name) && typeof value === 'string') result[name] = Number(value);
    else if (name === 'properties' && value && typeof value === 'object') {
      result.properties = Object.fromEntries(Object.entries(value).map(([property, item]) => [property, toJsonSchema(item)]));
    } else if (name === 'items' || name === 'anyOf') result[name] = toJsonSchema(value);
    else result[name] = value;
  }
  return result;
}

import type { ChatRequest } from '../../core/chat-types.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import type { Adjustment } from '../../core/adjustment.ts';
import { convertJsonSchemaToGemini } from './convert-json-schema-to-gemini.ts';
import type { GeminiFunctionDeclaration, GeminiTool, GeminiToolConfig } from './gemini-api.ts';

/**
 * OpenAI `tools` as one Gemini tool of `functionDeclarations` (parameters converted to Gemini's
 * schema subset; a tool without parameters sends none, since Gemini refuses an OBJECT with empty
 * properties), and `tool_choice` as `toolConfig.functionCallingConfig`: "auto" → AUTO, "none" → NONE,
 * "required" → ANY, a named function → ANY limited to it, `allowed_tools` → its mode limited to those
 * names.
 * @see https://ai.google.dev/gemini-api/docs/function-calling#function_calling_modes
 */
export function convertToGeminiTools(request: ChatRequest): { tools?: GeminiTool[]; toolConfig?: GeminiToolConfig; adjustments: Adjustment[] } {
  const adjustments: Adjustment[] = [];
  const declarations: GeminiFunctionDeclaration[] = [];
  for (const [index, tool] of (request.tools ?? []).entries()) {
    if (tool.type !== 'function' || !tool.function) {
      adjustments.push({ parameter: `tools[${index}]`, action: 'dropped', reason: `Gemini takes function tools only (got '${String(tool.type)}')` });
      continue;
    }
    const declaration: GeminiFunctionDeclaration = { name: tool.function.name };
    if (tool.function.description) declaration.description = tool.function.description;
    if (tool.function.parameters) {
      const { schema, losses } = convertJsonSchemaToGemini(tool.function.parameters, { propertyOrdering: false });
      if (schema) declaration.parameters = schema;
      if (losses.length > 0) adjustments.push({ parameter: `tools[${index}].function.parameters`, action: 'rewritten', reason: `Gemini's schema subset cannot keep: ${losses.join('; ')}` });
    }
    if (tool.function.strict === true) adjustments.push({ parameter: `tools[${index}].function.strict`, action: 'dropped', reason: 'Gemini function declarations have no strict mode' });
    declarations.push(declaration);
  }
  if (request.parallel_tool_calls === false && declarations.length > 0) {
    adjustments.push({ parameter: 'parallel_tool_calls', action: 'dropped', reason: 'Gemini has no switch that forbids parallel function calls' });
  }
  if (declarations.length === 0) return { adjustments };
  return { tools: [{ functionDeclarations: declarations }], toolConfig: convertToolChoice(request.tool_choice, declarations), adjustments };
}

function convertToolChoice(choice: unknown, declarations: GeminiFunctionDeclaration[]): GeminiToolConfig | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  const record = typeof choice === 'object' ? (choice as Record<string, any>) : {};
  if (record.type === 'function' && typeof record.function?.name === 'string') {
    requireDeclared([record.function.name], declarations);
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [record.function.name] } };
  }
  if (record.type === 'allowed_tools' && Array.isArray(record.allowed_tools?.tools)) {
    const names = record.allowed_tools.tools.map((tool: any) => tool?.function?.name).filter((name: unknown): name is string => typeof name === 'string');
    requireDeclared(names, declarations);
    // Gemini limits the choice of functions only in ANY mode; in AUTO the declarations themselves are limited.
    if (record.allowed_tools.mode === 'required') return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: names } };
    declarations.splice(0, declarations.length, ...declarations.filter((declaration) => names.includes(declaration.name)));
    return { functionCallingConfig: { mode: 'AUTO' } };
  }
  throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_tool_choice', param: 'tool_choice', message: `tool_choice ${JSON.stringify(choice)} is not one Switchyard can translate for Gemini` });
}

function requireDeclared(names: string[], declarations: GeminiFunctionDeclaration[]): void {
  const missing = names.find((name) => !declarations.some((declaration) => declaration.name === name));
  if (missing !== undefined) {
    throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_tool_choice', param: 'tool_choice', message: `tool_choice names '${missing}', which is not among the tools` });
  }
}

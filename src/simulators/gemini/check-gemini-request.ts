import type { SimulatorError } from '../simulator-error.ts';
import { checkGeminiSchema, type SchemaFindings } from './check-gemini-schema.ts';
import { GEMINI_SIMULATOR_ERRORS as ERRORS } from './gemini-simulator-errors.ts';
import type { GeminiSimulatorModel } from './gemini-simulator-models.ts';
import type { GeminiContent, GeminiGenerateContentRequest, GeminiPart } from './gemini-wire-types.ts';
import { readGeminiPayload } from './read-gemini-payload.ts';
import { isAcceptedThoughtSignature } from './simulated-thought-signature.ts';

export type GeminiRequestCheck = { ok: true; request: GeminiGenerateContentRequest } | { ok: false; error: SimulatorError };

const DATA_FIELDS = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'] as const;
/** @see https://ai.google.dev/gemini-api/docs/structured-output */
const RESPONSE_MIME_TYPES = ['text/plain', 'application/json', 'application/xml', 'application/yaml', 'text/x.enum'];
const CALLING_MODES = ['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED'];
/** @see https://ai.google.dev/gemini-api/docs/function-calling#function_declarations */
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

/**
 * Validates a generateContent request as the Gemini API does, in its order: JSON parsing (unknown
 * fields, invalid enum values, bad base64), then the request's fields ("* GenerateContentRequest.…"
 * lines), then the model's own limits (Gemma: no system instruction, no function calling, no JSON
 * mode; no penalties on 2.5 and later), then the conversation (roles, function call and response
 * turns, Gemini 3's thought signatures). The first failing stage answers.
 */
export function checkGeminiRequest(raw: unknown, model: GeminiSimulatorModel): GeminiRequestCheck {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail(ERRORS.invalidPayload([{ description: `Invalid JSON payload received. Expected an object, got ${Array.isArray(raw) ? 'an array' : typeof raw}.` }]));
  }
  const { body, violations } = readGeminiPayload(raw as Record<string, unknown>);
  const findings: SchemaFindings = { payload: [], problems: [] };
  const request = body as GeminiGenerateContentRequest;
  const contents: GeminiContent[] = Array.isArray(request.contents) ? request.contents : [];

  contents.forEach((content, index) => {
    (Array.isArray(content?.parts) ? content.parts : []).forEach((part, partIndex) => {
      const data = part?.inlineData?.data;
      if (typeof data === 'string' && !/^[A-Za-z0-9+/_-]*={0,2}$/.test(data.replace(/\s+/g, ''))) {
        violations.push({
          field: `contents[${index}].parts[${partIndex}].inline_data.data`,
          description: `Invalid value at 'contents[${index}].parts[${partIndex}].inline_data.data' (TYPE_BYTES), Base64 decoding failed for "${data.slice(0, 20)}"`,
        });
      }
    });
  });
  const mode = request.toolConfig?.functionCallingConfig?.mode;
  if (mode !== undefined && !CALLING_MODES.includes(String(mode).toUpperCase())) {
    violations.push({
      field: 'tool_config.function_calling_config.mode',
      description: `Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), ${JSON.stringify(mode)}`,
    });
  }
  (request.tools ?? []).forEach((tool, toolIndex) => {
    (tool?.functionDeclarations ?? []).forEach((declaration, index) => {
      if (declaration?.parameters !== undefined) checkGeminiSchema(declaration.parameters, `tools[${toolIndex}].function_declarations[${index}].parameters`, findings);
    });
  });
  const config = request.generationConfig ?? {};
  if (config.responseSchema !== undefined) checkGeminiSchema(config.responseSchema, 'generation_config.response_schema', findings);
  const payload = [...violations, ...findings.payload];
  if (payload.length > 0) return fail(ERRORS.invalidPayload(payload));

  const problems: string[] = [...findings.problems];
  if (contents.length === 0) problems.push('contents: contents is not specified');
  contents.forEach((content, index) => {
    const parts = Array.isArray(content?.parts) ? content.parts : [];
    if (parts.length === 0) problems.push(`contents[${index}].parts: contents.parts must not be empty.`);
    parts.forEach((part, partIndex) => {
      if (!DATA_FIELDS.some((field) => part?.[field] !== undefined)) problems.push(`contents[${index}].parts[${partIndex}].data: required oneof field 'data' must have one initialized field`);
      if (part?.functionResponse && !part.functionResponse.name) problems.push(`contents[${index}].parts[${partIndex}].function_response.name: Name cannot be empty.`);
      if (part?.functionCall && !part.functionCall.name) problems.push(`contents[${index}].parts[${partIndex}].function_call.name: Name cannot be empty.`);
    });
  });
  (request.tools ?? []).forEach((tool, toolIndex) => {
    (tool?.functionDeclarations ?? []).forEach((declaration, index) => {
      const path = `tools[${toolIndex}].function_declarations[${index}]`;
      if (typeof declaration?.name !== 'string' || !FUNCTION_NAME.test(declaration.name)) {
        problems.push(`${path}.name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.`);
      }
      if (declaration?.parameters !== undefined && declaration.parametersJsonSchema !== undefined) {
        problems.push(`${path}.parameters_json_schema: parameters and parameters_json_schema cannot both be set`);
      }
    });
  });
  if (config.responseMimeType !== undefined && !RESPONSE_MIME_TYPES.includes(config.responseMimeType)) {
    problems.push('generation_config.response_mime_type: allowed mimetypes are `text/plain`, `application/json`, `application/xml`, `application/yaml` and `text/x.enum`.');
  }
  if ((config.responseSchema !== undefined || config.responseJsonSchema !== undefined) && config.responseMimeType !== 'application/json' && config.responseMimeType !== 'text/x.enum') {
    problems.push('generation_config.response_mime_type: response_mime_type must be one of `application/json` and `text/x.enum` when a response schema is set.');
  }
  if (config.responseSchema !== undefined && config.responseJsonSchema !== undefined) {
    problems.push('generation_config.response_json_schema: response_schema and response_json_schema cannot both be set.');
  }
  const allowed = request.toolConfig?.functionCallingConfig?.allowedFunctionNames;
  if (Array.isArray(allowed) && allowed.length > 0 && String(mode ?? '').toUpperCase() !== 'ANY' && String(mode ?? '').toUpperCase() !== 'VALIDATED') {
    problems.push('tool_config.function_calling_config.allowed_function_names: allowed_function_names should only be set when the Mode is ANY or VALIDATED.');
  }
  if (problems.length > 0) return fail(ERRORS.requestValidation(problems));

  const refusal = checkModelLimits(request, model) ?? checkConversation(contents, model);
  return refusal ? fail(refusal) : { ok: true, request };
}

/** What a model cannot take at all, in the API's words ("… is not enabled for models/<id>"). */
function checkModelLimits(request: GeminiGenerateContentRequest, model: GeminiSimulatorModel): SimulatorError | undefined {
  const config = request.generationConfig ?? {};
  if (request.systemInstruction !== undefined && !model.systemInstruction) return ERRORS.notEnabled('Developer instruction', model.id);
  if ((request.tools ?? []).some((tool) => (tool.functionDeclarations ?? []).length > 0) && !model.functionCalling) return ERRORS.notEnabled('Function calling', model.id);
  if (config.responseMimeType === 'application/json' && !model.jsonMode) return ERRORS.notEnabled('JSON mode', model.id);
  if ((config.presencePenalty ?? 0) !== 0 || (config.frequencyPenalty ?? 0) !== 0) return ERRORS.notEnabled('Penalty', model.id);

  const thinking = config.thinkingConfig;
  if (thinking === undefined) return undefined;
  if (model.thinking.kind === 'none') return ERRORS.notEnabled('Thinking', model.id);
  if (thinking.thinkingBudget !== undefined && thinking.thinkingLevel !== undefined) {
    return ERRORS.thinkingBudgetAndLevel();
  }
  if (model.thinking.kind === 'budget') {
    if (thinking.thinkingLevel !== undefined) return ERRORS.thinkingLevelUnsupported();
    if (thinking.thinkingBudget === 0 && !model.thinking.canDisable) return ERRORS.thinkingBudgetZero();
  }
  if (model.thinking.kind === 'level' && thinking.thinkingLevel !== undefined && !model.thinking.levels.includes(String(thinking.thinkingLevel).toUpperCase())) {
    return ERRORS.thinkingLevelUnsupported(String(thinking.thinkingLevel).toUpperCase());
  }
  return undefined;
}

/**
 * Roles, the order of function call and response turns, and Gemini 3's thought signatures on the
 * current turn (everything after the last user message that is not a function response).
 * @see https://ai.google.dev/gemini-api/docs/function-calling#multi-turn
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
function checkConversation(contents: GeminiContent[], model: GeminiSimulatorModel): SimulatorError | undefined {
  const callCount = (content: GeminiContent | undefined) => (content?.parts ?? []).filter((part) => part.functionCall).length;
  const responseCount = (content: GeminiContent | undefined) => (content?.parts ?? []).filter((part) => part.functionResponse).length;
  for (const [index, content] of contents.entries()) {
    const role = content.role ?? 'user';
    // "function" (and "tool") were accepted for function responses before the API settled on user/model.
    const legacyResponseRole = (role === 'function' || role === 'tool') && content.parts.every((part) => part.functionResponse);
    if (role !== 'user' && role !== 'model' && !legacyResponseRole) return ERRORS.invalidRole();
    const previous = contents[index - 1];
    if (responseCount(content) > 0) {
      if ((previous?.role ?? 'user') !== 'model' || callCount(previous) === 0) {
        return ERRORS.responseWithoutCall();
      }
      if (responseCount(content) !== callCount(previous)) {
        return ERRORS.responseCountMismatch();
      }
    }
    if (callCount(content) > 0 && (role !== 'model' || previous === undefined || (previous.role ?? 'user') === 'model')) {
      return ERRORS.callOutOfTurn();
    }
  }
  if (!model.requiresThoughtSignatures) return undefined;

  let currentTurnStart = 0;
  contents.forEach((content, index) => {
    if ((content.role ?? 'user') === 'user' && content.parts.some((part) => !part.functionResponse)) currentTurnStart = index + 1;
  });
  for (let index = currentTurnStart; index < contents.length; index += 1) {
    const first: GeminiPart | undefined = contents[index]!.parts.find((part) => part.functionCall);
    if (!first) continue;
    if (typeof first.thoughtSignature !== 'string' || first.thoughtSignature === '') {
      return ERRORS.missingThoughtSignature(first.functionCall!.name, index + 1);
    }
    if (!isAcceptedThoughtSignature(first.thoughtSignature)) return ERRORS.corruptedThoughtSignature();
  }
  return undefined;
}

function fail(error: SimulatorError): GeminiRequestCheck {
  return { ok: false, error };
}

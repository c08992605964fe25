import type { Adjustment } from '../../core/adjustment.ts';
import type { ChatMessage, ChatRequest, ChatTool, ContentPart, ToolCall } from '../../core/chat-types.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import type { GeminiContent, GeminiGenerationConfig, GeminiPart, GeminiTool, GeminiToolConfig } from '../../providers/google/gemini-api.ts';
import { compileTranslatedBodyCheck } from '../check-translated-body.ts';
import { convertGeminiSchemaToJsonSchema } from './convert-gemini-schema-to-json-schema.ts';
import type { GeminiCallBody } from './gemini-call-body.ts';
import { generateContentRequestSchema } from './gemini-request-schema.ts';

const checkTranslatedRequest = compileTranslatedBodyCheck(generateContentRequestSchema);

/** Top-level fields the translation reads or reports itself; any other is reported as dropped. */
const READ_FIELDS = new Set(['model', 'contents', 'systemInstruction', 'tools', 'toolConfig', 'safetySettings', 'generationConfig', 'cachedContent']);

/** Generation parameters the translation reads; any other is reported as dropped. */
const READ_GENERATION_FIELDS = new Set([
  'temperature', 'topP', 'topK', 'candidateCount', 'maxOutputTokens', 'stopSequences', 'seed', 'presencePenalty', 'frequencyPenalty',
  'responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseModalities', 'thinkingConfig',
]);

/**
 * Thinking budgets to the nearest `reasoning_effort`, as the Messages surface maps Claude's budgets;
 * the Google adapter sends the efforts back as 1,024 / 8,192 / 24,576.
 * @see https://ai.google.dev/gemini-api/docs/thinking#set-budget
 */
const EFFORT_BY_BUDGET: { below: number; effort: string }[] = [
  { below: 4_096, effort: 'low' },
  { below: 16_384, effort: 'medium' },
  { below: Number.POSITIVE_INFINITY, effort: 'high' },
];

/** Gemini 3's thinking levels as efforts. @see https://ai.google.dev/gemini-api/docs/thinking#thinking-levels */
const EFFORT_BY_LEVEL: Record<string, string> = { MINIMAL: 'minimal', LOW: 'low', MEDIUM: 'medium', HIGH: 'high', XHIGH: 'high' };

/** @see https://ai.google.dev/api/caching#Mode */
const TOOL_CHOICE_BY_MODE: Record<string, string | undefined> = { AUTO: 'auto', VALIDATED: 'auto', ANY: 'required', NONE: 'none', MODE_UNSPECIFIED: undefined };

/**
 * A Gemini generateContent request as the hub chat request, for models that do not speak Gemini's
 * API (checked against the full schema first): `systemInstruction` becomes a system message;
 * `user` contents user messages (functionResponse parts become tool messages first, right after the
 * assistant turn that called), `model` contents assistant messages (functionCall parts tool calls);
 * text and inline images, audio and PDFs carry over; `generationConfig` becomes the sampling
 * parameters (maxOutputTokens → max_tokens, candidateCount → n, stopSequences → stop, response
 * schemas → response_format json_schema, thinking → reasoning_effort). Function calls without an
 * id get a stable one, and responses find their call by id, else by name in the turn before. What
 * has no equivalent is refused with a 400 naming it, or dropped and reported.
 * @see https://ai.google.dev/api/generate-content#request-body
 */
export function decodeGeminiRequest(body: GeminiCallBody, options: { streamed: boolean }): { request: ChatRequest; adjustments: Adjustment[] } {
  checkTranslatedRequest(body);
  const adjustments: Adjustment[] = [];
  const messages: ChatMessage[] = [];

  if (body.systemInstruction) {
    const system = body.systemInstruction.parts.map((part, index) => systemText(part, `systemInstruction.parts.${index}`)).join('');
    if (system) messages.push({ role: 'system', content: system });
  }

  let openCalls: { id: string; name: string; answered: boolean }[] = [];
  let droppedThoughts = false;
  for (const [index, content] of (body.contents ?? []).entries()) {
    const param = `contents.${index}`;
    const role = content.role ?? 'user';
    if (role === 'model') {
      const turn = decodeModelTurn(content, index);
      droppedThoughts ||= turn.droppedThoughts;
      openCalls = (turn.message.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, answered: false }));
      if (turn.message.content !== null || turn.message.tool_calls) messages.push(turn.message);
    } else if (role === 'user' || role === 'function') {
      messages.push(...decodeUserTurn(content, index, openCalls));
      openCalls = [];
    } else {
      throw GATEWAY_ERRORS.geminiFeatureNotTranslated(`the role '${role.slice(0, 40)}'`, `${param}.role`);
    }
  }
  if (droppedThoughts) adjustments.push({ parameter: 'contents', action: 'dropped', reason: 'thought parts of earlier turns: only Gemini models take them back' });

  const request: ChatRequest = { model: body.model, messages };
  if (options.streamed) request.stream = true;
  decodeTools(body.tools, body.toolConfig, request, adjustments);
  decodeGenerationConfig(body.generationConfig, request, adjustments);

  if (Array.isArray(body.safetySettings) && body.safetySettings.length > 0) {
    adjustments.push({ parameter: 'safetySettings', action: 'dropped', reason: "only Gemini models take Google's safety settings" });
  }
  if (body.cachedContent !== undefined) throw GATEWAY_ERRORS.geminiFeatureNotTranslated('cachedContent (a cache stored at Google)', 'cachedContent');
  for (const [field, value] of Object.entries(body)) {
    if (READ_FIELDS.has(field) || value === undefined || value === null) continue;
    adjustments.push({ parameter: field, action: 'dropped', reason: 'the translation to chat completions has no equivalent' });
  }
  return { request, adjustments };
}

function systemText(part: GeminiPart, param: string): string {
  if (typeof part.text === 'string') return part.text;
  throw GATEWAY_ERRORS.geminiFeatureNotTranslated(`a ${partKind(part)} part in the system instruction`, param);
}

function decodeModelTurn(content: GeminiContent, index: number): { message: ChatMessage; droppedThoughts: boolean } {
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  let droppedThoughts = false;
  for (const [partIndex, part] of content.parts.entries()) {
    const param = `contents.${index}.parts.${partIndex}`;
    if (part.thought === true) {
      droppedThoughts = true;
    } else if (part.functionCall) {
      const call = part.functionCall;
      toolCalls.push({ id: call.id || generatedCallId(index, partIndex), type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) } });
    } else if (typeof part.text === 'string') {
      texts.push(part.text);
    } else if (!isEmptyPart(part)) {
      throw GATEWAY_ERRORS.geminiFeatureNotTranslated(`a ${partKind(part)} part in a model turn`, param);
    }
  }
  const text = texts.join('');
  const message: ChatMessage = { role: 'assistant', content: text !== '' ? text : null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return { message, droppedThoughts };
}

/** A user turn: its function responses first, as tool messages, then what the user wrote. */
function decodeUserTurn(content: GeminiContent, index: number, openCalls: { id: string; name: string; answered: boolean }[]): ChatMessage[] {
  const toolMessages: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  for (const [partIndex, part] of content.parts.entries()) {
    const param = `contents.${index}.parts.${partIndex}`;
    if (part.functionResponse) {
      const response = part.functionResponse;
      // Gemini matches responses to calls by name (and order); newer models also by id.
      const call = openCalls.find((open) => !open.answered && response.id !== undefined && open.id === response.id) ?? openCalls.find((open) => !open.answered && open.name === response.name);
      if (!call) {
        throw GATEWAY_ERRORS.validation([{ loc: ['body', 'contents', index, 'parts', partIndex, 'functionResponse'], msg: `answers no functionCall '${response.name.slice(0, 64)}' of the model turn before it`, type: 'value_error' }]);
      }
      call.answered = true;
      toolMessages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(response.response ?? {}) });
    } else if (typeof part.text === 'string') {
      if (part.thought !== true) parts.push({ type: 'text', text: part.text });
    } else if (part.inlineData) {
      parts.push(inlinePart(part.inlineData, param));
    } else if (part.fileData) {
      parts.push(filePart(part.fileData, param));
    } else if (!isEmptyPart(part)) {
      throw GATEWAY_ERRORS.geminiFeatureNotTranslated(`a ${partKind(part)} part`, param);
    }
  }
  if (parts.length === 0) return toolMessages;
  const onlyText = parts.every((part) => part.type === 'text');
  const userContent = onlyText ? parts.map((part) => (part as { text: string }).text).join('') : parts;
  return [...toolMessages, { role: 'user', content: userContent }];
}

/** @see https://ai.google.dev/gemini-api/docs/image-understanding#inline-image @see https://ai.google.dev/gemini-api/docs/document-processing */
function inlinePart(blob: { mimeType: string; data: string }, param: string): ContentPart {
  const mimeType = blob.mimeType.toLowerCase();
  if (mimeType.startsWith('image/')) return { type: 'image_url', image_url: { url: `data:${mimeType};base64,${blob.data}` } };
  if (mimeType === 'audio/wav' || mimeType === 'audio/x-wav' || mimeType === 'audio/mp3' || mimeType === 'audio/mpeg') {
    return { type: 'input_audio', input_audio: { data: blob.data, format: mimeType.includes('wav') ? 'wav' : 'mp3' } };
  }
  if (mimeType === 'application/pdf') return { type: 'file', file: { filename: 'document.pdf', file_data: `data:${mimeType};base64,${blob.data}` } };
  throw GATEWAY_ERRORS.geminiFeatureNotTranslated(`inline data of type '${mimeType.slice(0, 60)}'`, `${param}.inlineData`);
}

/** An image at a public http(s) address is an image URL; files in Google's Files API are readable by Gemini only. */
function filePart(file: { mimeType?: string; fileUri: string }, param: string): ContentPart {
  const uri = file.fileUri;
  const image = (file.mimeType ?? '').toLowerCase().startsWith('image/');
  if (image && /^https?:\/\//i.test(uri) && !/^https?:\/\/generativelanguage\.googleapis\.com\//i.test(uri)) return { type: 'image_url', image_url: { url: uri } };
  throw GATEWAY_ERRORS.geminiFeatureNotTranslated(image ? 'an image in Google\'s Files API (fileData)' : `fileData of type '${(file.mimeType ?? 'unknown').slice(0, 60)}'`, `${param}.fileData`);
}

function decodeTools(tools: GeminiTool[] | undefined, toolConfig: GeminiToolConfig | undefined, request: ChatRequest, adjustments: Adjustment[]): void {
  const chatTools: ChatTool[] = [];
  for (const [index, tool] of (tools ?? []).entries()) {
    for (const [kind, value] of Object.entries(tool)) {
      if (value === undefined || value === null) continue;
      if (kind !== 'functionDeclarations') throw GATEWAY_ERRORS.geminiFeatureNotTranslated(`the ${kind.slice(0, 40)} tool`, `tools.${index}.${kind.slice(0, 40)}`);
    }
    for (const [declarationIndex, declaration] of (tool.functionDeclarations ?? []).entries()) {
      const parameters = declaration.parametersJsonSchema ?? (declaration.parameters ? convertGeminiSchemaToJsonSchema(declaration.parameters) : { type: 'object', properties: {} });
      const record = declaration as unknown as Record<string, unknown>;
      if (record.response !== undefined || record.responseJsonSchema !== undefined || record.behavior !== undefined) {
        adjustments.push({ parameter: `tools.${index}.functionDeclarations.${declarationIndex}`, action: 'dropped', reason: 'response schema and behavior: only Gemini models take them' });
      }
      chatTools.push({ type: 'function', function: { name: declaration.name, ...(declaration.description !== undefined && { description: declaration.description }), parameters: parameters as Record<string, unknown> } });
    }
  }
  if (chatTools.length > 0) request.tools = chatTools;

  const calling = toolConfig?.functionCallingConfig;
  const choice = calling?.mode ? TOOL_CHOICE_BY_MODE[calling.mode] : undefined;
  const allowed = calling?.allowedFunctionNames ?? [];
  if (choice === 'required' && allowed.length === 1) {
    request.tool_choice = { type: 'function', function: { name: allowed[0] } };
  } else if (choice) {
    request.tool_choice = choice;
    if (allowed.length > 0) adjustments.push({ parameter: 'toolConfig.functionCallingConfig.allowedFunctionNames', action: 'dropped', reason: 'chat completions can force one function, not a set of them' });
  }
  if (calling?.mode === 'VALIDATED') adjustments.push({ parameter: 'toolConfig.functionCallingConfig.mode', action: 'mapped', reason: "VALIDATED sent as tool_choice 'auto'" });
}

function decodeGenerationConfig(config: GeminiGenerationConfig | undefined, request: ChatRequest, adjustments: Adjustment[]): void {
  if (!config) return;
  if (config.maxOutputTokens !== undefined) request.max_tokens = config.maxOutputTokens;
  if (config.temperature !== undefined) request.temperature = config.temperature;
  if (config.topP !== undefined) request.top_p = config.topP;
  if (config.candidateCount !== undefined && config.candidateCount > 1) request.n = config.candidateCount;
  if (config.seed !== undefined) request.seed = config.seed;
  if (config.presencePenalty !== undefined) request.presence_penalty = config.presencePenalty;
  if (config.frequencyPenalty !== undefined) request.frequency_penalty = config.frequencyPenalty;
  if (config.stopSequences?.length) request.stop = config.stopSequences;
  if (config.topK !== undefined) adjustments.push({ parameter: 'generationConfig.topK', action: 'dropped', reason: 'chat completions have no top_k' });

  const modalities = (config as { responseModalities?: unknown }).responseModalities;
  if (Array.isArray(modalities) && modalities.some((modality) => String(modality).toUpperCase() !== 'TEXT')) {
    throw GATEWAY_ERRORS.geminiFeatureNotTranslated('an answer in modalities other than TEXT', 'generationConfig.responseModalities');
  }

  const mimeType = config.responseMimeType?.toLowerCase();
  const schema = config.responseJsonSchema ?? (config.responseSchema ? convertGeminiSchemaToJsonSchema(config.responseSchema) : undefined);
  if (mimeType !== undefined && mimeType !== 'text/plain' && mimeType !== 'application/json') {
    throw GATEWAY_ERRORS.geminiFeatureNotTranslated(`responseMimeType '${mimeType.slice(0, 60)}'`, 'generationConfig.responseMimeType');
  }
  if (schema !== undefined) {
    request.response_format = { type: 'json_schema', json_schema: { name: 'response', schema } };
  } else if (mimeType === 'application/json') {
    request.response_format = { type: 'json_object' };
  }

  const thinking = config.thinkingConfig;
  if (thinking?.thinkingLevel !== undefined) {
    const effort = EFFORT_BY_LEVEL[String(thinking.thinkingLevel).toUpperCase()];
    if (!effort) throw GATEWAY_ERRORS.geminiFeatureNotTranslated(`thinkingLevel '${String(thinking.thinkingLevel).slice(0, 20)}'`, 'generationConfig.thinkingConfig.thinkingLevel');
    request.reasoning_effort = effort;
  } else if (typeof thinking?.thinkingBudget === 'number' && thinking.thinkingBudget >= 0) {
    const budget = thinking.thinkingBudget;
    request.reasoning_effort = budget === 0 ? 'none' : EFFORT_BY_BUDGET.find((step) => budget < step.below)!.effort;
    adjustments.push({ parameter: 'generationConfig.thinkingConfig.thinkingBudget', action: 'mapped', reason: `${budget} sent as reasoning_effort '${request.reasoning_effort}'` });
  }

  for (const [field, value] of Object.entries(config)) {
    if (READ_GENERATION_FIELDS.has(field) || value === undefined || value === null) continue;
    adjustments.push({ parameter: `generationConfig.${field}`, action: 'dropped', reason: 'the translation to chat completions has no equivalent' });
  }
}

/** A stable id for a call the client's history gives none (Gemini 2.5 sends none): the same history always yields the same ids. */
function generatedCallId(contentIndex: number, partIndex: number): string {
  return `call_${contentIndex}_${partIndex}`;
}

/** A part that holds nothing the chat shape needs: only a thought signature, or nothing at all. */
function isEmptyPart(part: GeminiPart): boolean {
  return Object.entries(part).every(([field, value]) => field === 'thoughtSignature' || value === undefined || value === null);
}

/** The part's data field, to name it in a refusal: executableCode, codeExecutionResult, videoMetadata, … */
function partKind(part: GeminiPart): string {
  return (Object.keys(part).find((field) => field !== 'thoughtSignature' && field !== 'thought') ?? 'empty').slice(0, 40);
}

import type { ChatMessage, ContentPart } from '../../core/chat-types.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import type { Adjustment } from '../../core/adjustment.ts';
import type { GeminiContent, GeminiPart } from './gemini-api.ts';
import type { GeminiModelRules } from './gemini-model-rules.ts';
import { decodeGeminiToolCallId } from './gemini-tool-call-id.ts';

export interface ContentsOptions {
  modelId: string;
  rules: GeminiModelRules;
  /** An http(s) image URL as bytes: Gemini takes images inline (or from its Files API), not by URL. */
  fetchImage(url: string): Promise<{ mimeType: string; data: Buffer }>;
}

/**
 * Google's placeholder for a functionCall whose signature is unknown (history written by another
 * model); it skips the validation Gemini 3 otherwise fails with a 400.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures#faqs
 */
const PLACEHOLDER_SIGNATURE = 'skip_thought_signature_validator';

/**
 * OpenAI chat messages as Gemini contents: system and developer messages into `systemInstruction`
 * (folded into the first user turn for models that take none, and said so); user → `user`;
 * assistant → `model`, its tool_calls as functionCall parts (arguments parsed into an object, the
 * call id and thought signature recovered from the tool call id); tool results → `user`
 * functionResponse parts named after the call they answer, consecutive ones in one turn (Gemini
 * wants as many responses in the turn as the call turn had calls).
 * @see https://ai.google.dev/gemini-api/docs/text-generation#system-instructions
 * @see https://ai.google.dev/gemini-api/docs/function-calling#multi-turn
 */
export async function convertToGeminiContents(
  messages: ChatMessage[],
  options: ContentsOptions,
): Promise<{ contents: GeminiContent[]; systemInstruction?: GeminiContent; adjustments: Adjustment[] }> {
  const adjustments: Adjustment[] = [];
  const contents: GeminiContent[] = [];
  const systemTexts: string[] = [];
  const callNames = new Map<string, string>();
  let placeholderSignatures = 0;

  for (const [index, message] of messages.entries()) {
    const param = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOf(message, param, adjustments);
        if (text) systemTexts.push(text);
        break;
      }
      case 'user': {
        const parts = await userParts(message, param, options, adjustments);
        if (parts.length > 0) contents.push({ role: 'user', parts });
        else adjustments.push({ parameter: param, action: 'dropped', reason: 'an empty user message (Gemini refuses empty turns)' });
        break;
      }
      case 'assistant': {
        const parts: GeminiPart[] = [];
        const text = textOf(message, param, adjustments);
        if (text) parts.push({ text });
        for (const [callIndex, toolCall] of (message.tool_calls ?? []).entries()) {
          const { id, thoughtSignature } = decodeGeminiToolCallId(toolCall.id);
          callNames.set(toolCall.id, toolCall.function.name);
          const part: GeminiPart = { functionCall: { id, name: toolCall.function.name, args: parseArguments(toolCall.function.arguments, `${param}.tool_calls[${callIndex}].function.arguments`) } };
          if (thoughtSignature) part.thoughtSignature = thoughtSignature;
          else if (callIndex === 0 && options.rules.thoughtSignaturesRequired) {
            part.thoughtSignature = PLACEHOLDER_SIGNATURE;
            placeholderSignatures += 1;
          }
          parts.push(part);
        }
        if (parts.length > 0) contents.push({ role: 'model', parts });
        else adjustments.push({ parameter: param, action: 'dropped', reason: 'an empty assistant message (Gemini refuses empty turns)' });
        break;
      }
      case 'tool':
      case 'function': {
        const toolCallId = message.role === 'tool' ? String(message.tool_call_id ?? '') : '';
        const name = message.role === 'tool' ? callNames.get(toolCallId) : message.name;
        if (!name) {
          throw new GatewayError({
            status: 400,
            type: 'invalid_request_error',
            code: 'invalid_tool_message',
            param: `${param}.tool_call_id`,
            message: `${param} answers tool call '${toolCallId}', which no earlier assistant message made`,
          });
        }
        const part: GeminiPart = { functionResponse: { ...(toolCallId ? { id: decodeGeminiToolCallId(toolCallId).id } : {}), name, response: functionResponse(message, param, adjustments) } };
        const previous = contents[contents.length - 1];
        if (previous?.role === 'user' && previous.parts.every((existing) => existing.functionResponse)) previous.parts.push(part);
        else contents.push({ role: 'user', parts: [part] });
        break;
      }
      default:
        throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_role', param: `${param}.role`, message: `${param} has role '${String(message.role)}', which Gemini has no place for` });
    }
  }

  if (placeholderSignatures > 0) {
    adjustments.push({
      parameter: 'messages',
      action: 'rewritten',
      reason: `tool calls without a Gemini thought signature (written by another model?) sent with Google's placeholder signature: ${options.modelId} requires one`,
    });
  }
  if (systemTexts.length === 0) return { contents, adjustments };
  const systemText = systemTexts.join('\n\n');
  if (options.rules.systemInstruction) return { contents, systemInstruction: { parts: [{ text: systemText }] }, adjustments };

  // Gemma on the Gemini API: "Developer instruction is not enabled for models/gemma-…".
  const firstUser = contents.find((content) => content.role === 'user' && content.parts.every((part) => !part.functionResponse));
  if (firstUser) firstUser.parts.unshift({ text: `${systemText}\n\n` });
  else contents.unshift({ role: 'user', parts: [{ text: systemText }] });
  adjustments.push({ parameter: 'messages', action: 'rewritten', reason: `system instructions folded into the first user turn: ${options.modelId} takes no system instruction` });
  return { contents, adjustments };
}

async function userParts(message: ChatMessage, param: string, options: ContentsOptions, adjustments: Adjustment[]): Promise<GeminiPart[]> {
  if (typeof message.content === 'string') return message.content ? [{ text: message.content }] : [];
  const parts: GeminiPart[] = [];
  for (const [index, part] of (message.content ?? []).entries()) {
    const converted = await userPart(part, `${param}.content[${index}]`, options, adjustments);
    if (converted) parts.push(converted);
  }
  return parts;
}

/** @see https://ai.google.dev/gemini-api/docs/image-understanding#inline-image */
async function userPart(part: ContentPart, param: string, options: ContentsOptions, adjustments: Adjustment[]): Promise<GeminiPart | undefined> {
  const record = part as Record<string, any>;
  switch (part.type) {
    case 'text':
      return typeof record.text === 'string' && record.text ? { text: record.text } : undefined;
    case 'image_url': {
      const url = String(record.image_url?.url ?? '');
      if (record.image_url?.detail && record.image_url.detail !== 'auto') {
        adjustments.push({ parameter: `${param}.image_url.detail`, action: 'dropped', reason: 'Gemini sets image resolution per request, not per image' });
      }
      if (url.startsWith('data:')) return { inlineData: parseDataUrl(url, `${param}.image_url.url`) };
      const image = await options.fetchImage(url);
      return { inlineData: { mimeType: image.mimeType, data: image.data.toString('base64') } };
    }
    case 'input_audio': {
      const format = String(record.input_audio?.format ?? 'wav');
      return { inlineData: { mimeType: `audio/${format}`, data: String(record.input_audio?.data ?? '') } };
    }
    case 'file': {
      const data = record.file?.file_data;
      if (typeof data === 'string' && data.startsWith('data:')) return { inlineData: parseDataUrl(data, `${param}.file.file_data`) };
      throw invalidPart(param, 'a file must come inline as a data: URL (Gemini cannot read OpenAI file ids)');
    }
    default:
      adjustments.push({ parameter: param, action: 'dropped', reason: `Gemini has no equivalent of a '${part.type}' content part` });
      return undefined;
  }
}

/** The text of a message whose content may be a string or parts; non-text parts are reported as dropped. */
function textOf(message: ChatMessage, param: string, adjustments: Adjustment[]): string {
  if (typeof message.content === 'string') return message.content;
  const texts: string[] = [];
  for (const [index, part] of (message.content ?? []).entries()) {
    const record = part as Record<string, unknown>;
    if (part.type === 'text' && typeof record.text === 'string') texts.push(record.text);
    else if (part.type === 'refusal' && typeof record.refusal === 'string') texts.push(record.refusal);
    else adjustments.push({ parameter: `${param}.content[${index}]`, action: 'dropped', reason: `a '${part.type}' part has no place in a ${message.role} turn on Gemini` });
  }
  return texts.join('');
}

/** A JSON object result is sent as the response; anything else under `output`, the key Google documents for a function's result. */
function functionResponse(message: ChatMessage, param: string, adjustments: Adjustment[]): Record<string, unknown> {
  const text = textOf(message, param, adjustments);
  const parsed = parseJson(text);
  if (parsed.ok && parsed.value !== null && typeof parsed.value === 'object' && !Array.isArray(parsed.value)) return parsed.value as Record<string, unknown>;
  return { output: parsed.ok ? parsed.value : text };
}

function parseArguments(text: string, param: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const parsed = parseJson(text);
  if (parsed.ok && parsed.value !== null && typeof parsed.value === 'object' && !Array.isArray(parsed.value)) return parsed.value as Record<string, unknown>;
  throw new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_tool_arguments', param, message: `${param} must be a JSON object: Gemini takes function arguments as an object` });
}

function parseDataUrl(url: string, param: string): { mimeType: string; data: string } {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!match) throw invalidPart(param, 'is not a valid data: URL');
  const mimeType = match[1] || 'text/plain';
  const base64 = match[2]!.split(';').includes('base64');
  return { mimeType, data: base64 ? match[3]!.replace(/\s+/g, '') : Buffer.from(decodeURIComponent(match[3]!)).toString('base64') };
}

function invalidPart(param: string, reason: string): GatewayError {
  return new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_content_part', param, message: `${param} ${reason}` });
}

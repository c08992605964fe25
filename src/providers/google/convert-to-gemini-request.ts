import type { CatalogModel } from '../../catalog/catalog-model.ts';
import type { ChatRequest } from '../../core/chat-types.ts';
import { applyParameterRules } from '../apply-parameter-rules.ts';
import type { Adjustment } from '../../core/adjustment.ts';
import { convertJsonSchemaToGemini } from './convert-json-schema-to-gemini.ts';
import { convertToGeminiContents, type ContentsOptions } from './convert-to-gemini-contents.ts';
import { convertToGeminiThinking } from './convert-to-gemini-thinking.ts';
import { convertToGeminiTools } from './convert-to-gemini-tools.ts';
import type { GeminiGenerateContentRequest, GeminiGenerationConfig } from './gemini-api.ts';
import { geminiModelRules } from './gemini-model-rules.ts';

/** Request fields this converter reads; any other field the client set is reported as dropped. */
const TRANSLATED = new Set([
  'model', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'n', 'stop', 'seed',
  'presence_penalty', 'frequency_penalty', 'reasoning_effort', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format',
]);

export interface GeminiRequestConversion {
  body: GeminiGenerateContentRequest;
  stream: boolean;
  adjustments: Adjustment[];
}

/**
 * A hub (OpenAI chat) request as a Gemini generateContent request. The catalog's parameter rules
 * apply first (as for every provider), then the Gemini family's rules (gemini-model-rules.ts);
 * sampling parameters go to `generationConfig` (max_tokens → maxOutputTokens, stop → stopSequences,
 * n → candidateCount, top_p → topP), `reasoning_effort` to `thinkingConfig`, `response_format` to
 * `responseMimeType` + `responseSchema`. Everything changed or left out is reported.
 * @see https://ai.google.dev/api/generate-content#request-body
 */
export async function convertToGeminiRequest(
  call: { request: ChatRequest; model: CatalogModel },
  options: Pick<ContentsOptions, 'fetchImage'>,
): Promise<GeminiRequestConversion> {
  const request: ChatRequest = { ...call.request };
  const adjustments = applyParameterRules(request, call.model);
  const modelId = call.model.upstreamId;
  const rules = geminiModelRules(modelId);

  const { contents, systemInstruction, adjustments: contentAdjustments } = await convertToGeminiContents(request.messages, { modelId, rules, fetchImage: options.fetchImage });
  adjustments.push(...contentAdjustments);
  const body: GeminiGenerateContentRequest = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;

  const { tools, toolConfig, adjustments: toolAdjustments } = convertToGeminiTools(request);
  adjustments.push(...toolAdjustments);
  if (tools) body.tools = tools;
  if (toolConfig) body.toolConfig = toolConfig;

  const config: GeminiGenerationConfig = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === 'number') config.maxOutputTokens = maxTokens;
  if (typeof request.temperature === 'number') config.temperature = request.temperature;
  if (typeof request.top_p === 'number') config.topP = request.top_p;
  if (typeof request.n === 'number' && request.n > 1) config.candidateCount = request.n;
  if (typeof request.seed === 'number') config.seed = request.seed;
  const stop = typeof request.stop === 'string' ? [request.stop] : Array.isArray(request.stop) ? request.stop : [];
  if (stop.length > 0) config.stopSequences = stop;

  for (const [parameter, field] of [['presence_penalty', 'presencePenalty'], ['frequency_penalty', 'frequencyPenalty']] as const) {
    const value = request[parameter];
    if (typeof value !== 'number' || value === 0) continue;
    if (rules.penalties) config[field] = value;
    // "Penalty is not enabled for models/…" on Gemini 2.5, 3 and Gemma.
    else adjustments.push({ parameter, action: 'dropped', reason: `${modelId} takes no penalties` });
  }

  const format = request.response_format;
  if (format && format.type !== 'text') {
    if (!rules.jsonMode) {
      adjustments.push({ parameter: 'response_format', action: 'dropped', reason: `${modelId} has no JSON mode` });
    } else {
      config.responseMimeType = 'application/json';
      const schema = format.type === 'json_schema' ? (format.json_schema as { schema?: unknown } | undefined)?.schema : undefined;
      if (schema !== undefined) {
        const converted = convertJsonSchemaToGemini(schema, { propertyOrdering: true });
        if (converted.schema) config.responseSchema = converted.schema;
        const losses = converted.schema ? converted.losses : [...converted.losses, '(root): an object without properties: JSON of any shape is asked for'];
        if (losses.length > 0) adjustments.push({ parameter: 'response_format.json_schema.schema', action: 'rewritten', reason: `Gemini's schema subset cannot keep: ${losses.join('; ')}` });
      }
    }
  }

  const effort = typeof request.reasoning_effort === 'string' ? request.reasoning_effort : undefined;
  const { thinkingConfig, adjustments: thinkingAdjustments } = convertToGeminiThinking(effort, rules.thinking, modelId);
  adjustments.push(...thinkingAdjustments);
  if (thinkingConfig) config.thinkingConfig = thinkingConfig;
  if (Object.keys(config).length > 0) body.generationConfig = config;

  for (const [parameter, value] of Object.entries(request)) {
    if (TRANSLATED.has(parameter) || value === undefined || value === null) continue;
    adjustments.push({ parameter, action: 'dropped', reason: 'the Gemini API has no equivalent' });
  }
  return { body, stream: request.stream === true, adjustments };
}

/**
 * Wire types of Google's Gemini API (v1beta), as far as the gateway and its simulator read them.
 * Field names are the API's JSON names (lowerCamelCase, as Google's REST reference and the
 * `@google/genai` SDK spell them); proto3 JSON leaves zero and empty values out, so every field is
 * optional on the way back.
 * @see https://ai.google.dev/api/generate-content
 * @see https://ai.google.dev/api/caching#Content
 */

export type GeminiRole = 'user' | 'model';

/** @see https://ai.google.dev/api/caching#Blob */
export interface GeminiBlob {
  mimeType: string;
  /** Base64 of the bytes. */
  data: string;
}

/** @see https://ai.google.dev/api/caching#FunctionCall */
export interface GeminiFunctionCall {
  /** Set by the model on some models; echoed back in the matching functionResponse. */
  id?: string;
  name: string;
  args?: Record<string, unknown>;
}

/** @see https://ai.google.dev/api/caching#FunctionResponse */
export interface GeminiFunctionResponse {
  id?: string;
  name: string;
  /** A JSON object; Google reads an `output` (or `error`) key as the function's result. */
  response: Record<string, unknown>;
}

/**
 * Exactly one data field per part. `thought` marks a thought summary; `thoughtSignature` is the
 * opaque token Gemini 3 requires back on the first functionCall part of each step.
 * @see https://ai.google.dev/api/caching#Part
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export interface GeminiPart {
  text?: string;
  inlineData?: GeminiBlob;
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  thought?: boolean;
  thoughtSignature?: string;
  [field: string]: unknown;
}

export interface GeminiContent {
  role?: GeminiRole | string;
  parts: GeminiPart[];
}

/**
 * The OpenAPI 3.0 subset Gemini takes for function parameters and `responseSchema`. Types are the
 * enum names (`STRING`, `OBJECT`, …); unknown keys such as `additionalProperties` or `$ref` are
 * refused with "Invalid JSON payload received. Unknown name …".
 * @see https://ai.google.dev/api/caching#Schema
 */
export interface GeminiSchema {
  type?: GeminiSchemaType;
  format?: string;
  title?: string;
  description?: string;
  nullable?: boolean;
  enum?: string[];
  maxItems?: string;
  minItems?: string;
  properties?: Record<string, GeminiSchema>;
  required?: string[];
  minProperties?: string;
  maxProperties?: string;
  minLength?: string;
  maxLength?: string;
  pattern?: string;
  example?: unknown;
  anyOf?: GeminiSchema[];
  propertyOrdering?: string[];
  default?: unknown;
  items?: GeminiSchema;
  minimum?: number;
  maximum?: number;
}

export type GeminiSchemaType = 'STRING' | 'NUMBER' | 'INTEGER' | 'BOOLEAN' | 'ARRAY' | 'OBJECT';

/** @see https://ai.google.dev/api/caching#FunctionDeclaration */
export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: GeminiSchema;
  parametersJsonSchema?: unknown;
}

export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  [field: string]: unknown;
}

/** @see https://ai.google.dev/api/caching#FunctionCallingConfig */
export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED';

export interface GeminiToolConfig {
  functionCallingConfig?: { mode?: GeminiFunctionCallingMode; allowedFunctionNames?: string[] };
}

/** @see https://ai.google.dev/gemini-api/docs/thinking */
export type GeminiThinkingLevel = 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';

export interface GeminiThinkingConfig {
  includeThoughts?: boolean;
  /** Gemini 2.5: a token budget; 0 turns thinking off where the model allows it, -1 lets the model decide. */
  thinkingBudget?: number;
  /** Gemini 3: a level instead of a budget (never both in one request). */
  thinkingLevel?: GeminiThinkingLevel;
}

/** @see https://ai.google.dev/api/generate-content#generationconfig */
export interface GeminiGenerationConfig {
  stopSequences?: string[];
  responseMimeType?: string;
  responseSchema?: GeminiSchema;
  responseJsonSchema?: unknown;
  candidateCount?: number;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  thinkingConfig?: GeminiThinkingConfig;
}

/** @see https://ai.google.dev/api/generate-content#request-body */
export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  safetySettings?: { category: string; threshold: string }[];
  generationConfig?: GeminiGenerationConfig;
  cachedContent?: string;
}

/** @see https://ai.google.dev/api/generate-content#FinishReason */
export type GeminiFinishReason =
  | 'FINISH_REASON_UNSPECIFIED'
  | 'STOP'
  | 'MAX_TOKENS'
  | 'SAFETY'
  | 'RECITATION'
  | 'LANGUAGE'
  | 'OTHER'
  | 'BLOCKLIST'
  | 'PROHIBITED_CONTENT'
  | 'SPII'
  | 'MALFORMED_FUNCTION_CALL'
  | 'IMAGE_SAFETY'
  | 'IMAGE_PROHIBITED_CONTENT'
  | 'IMAGE_RECITATION'
  | 'IMAGE_OTHER'
  | 'NO_IMAGE'
  | 'UNEXPECTED_TOOL_CALL'
  | 'TOO_MANY_TOOL_CALLS';

/** @see https://ai.google.dev/api/generate-content#safetyrating */
export interface GeminiSafetyRating {
  category: string;
  probability: string;
  blocked?: boolean;
}

/** @see https://ai.google.dev/api/generate-content#candidate */
export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: GeminiFinishReason | string;
  finishMessage?: string;
  safetyRatings?: GeminiSafetyRating[];
  index?: number;
  [field: string]: unknown;
}

/** @see https://ai.google.dev/api/generate-content#modalitytokencount */
export interface GeminiModalityTokenCount {
  modality: 'TEXT' | 'IMAGE' | 'AUDIO' | 'VIDEO' | 'DOCUMENT' | string;
  tokenCount?: number;
}

/**
 * Token counts. `promptTokenCount` includes cached tokens; `candidatesTokenCount` excludes thoughts;
 * `totalTokenCount` is prompt + candidates + tool-use prompt + thoughts.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  toolUsePromptTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
  promptTokensDetails?: GeminiModalityTokenCount[];
  cacheTokensDetails?: GeminiModalityTokenCount[];
  candidatesTokensDetails?: GeminiModalityTokenCount[];
}

/** @see https://ai.google.dev/api/generate-content#PromptFeedback */
export interface GeminiPromptFeedback {
  blockReason?: 'BLOCK_REASON_UNSPECIFIED' | 'SAFETY' | 'OTHER' | 'BLOCKLIST' | 'PROHIBITED_CONTENT' | 'IMAGE_SAFETY' | string;
  safetyRatings?: GeminiSafetyRating[];
}

/**
 * One answer, or one chunk of a streamed answer (`streamGenerateContent?alt=sse` sends these as
 * `data:` events, each with the usage so far).
 * @see https://ai.google.dev/api/generate-content#generatecontentresponse
 */
export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: GeminiPromptFeedback;
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

/**
 * Google's error body (google.rpc.Status as JSON).
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
export interface GeminiErrorBody {
  error: {
    code: number;
    message: string;
    status: string;
    details?: ({ '@type': string; [field: string]: unknown })[];
  };
}

/**
 * The Gemini API's (v1beta) JSON as the simulator reads requests and writes answers, written from
 * Google's reference, not from the gateway's adapter: a simulator that shared the code under test's
 * types would share its mistakes. Names are the API's JSON names (lowerCamelCase); proto3 JSON
 * leaves zero and empty values out, so answer fields are optional. Requests arrive unchecked, so
 * enum-like request fields are plain strings the validator compares.
 * @see https://ai.google.dev/api/generate-content
 * @see https://ai.google.dev/api/caching#Content
 */

/** @see https://ai.google.dev/api/caching#Content */
export interface GeminiContent {
  /** `user` or `model`; the validator refuses others. */
  role?: string;
  parts: GeminiPart[];
}

/**
 * One part of a content: exactly one data field (`text`, `inlineData`, `fileData`, `functionCall`,
 * `functionResponse`, `executableCode`, `codeExecutionResult`), plus `thought` on a thought summary
 * and the `thoughtSignature` a thinking model puts on a step.
 * @see https://ai.google.dev/api/caching#Part
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export interface GeminiPart {
  text?: string;
  /** @see https://ai.google.dev/api/caching#Blob */
  inlineData?: { mimeType: string; data: string };
  /** @see https://ai.google.dev/api/caching#FileData */
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  executableCode?: unknown;
  codeExecutionResult?: unknown;
  thought?: boolean;
  thoughtSignature?: string;
}

/** @see https://ai.google.dev/api/caching#FunctionCall */
export interface GeminiFunctionCall {
  id?: string;
  name: string;
  /** Always an object on the wire. */
  args?: Record<string, unknown>;
}

/** @see https://ai.google.dev/api/caching#FunctionResponse */
export interface GeminiFunctionResponse {
  id?: string;
  name: string;
  /** A JSON object; Google documents an `output` (or `error`) key for the function's result. */
  response: Record<string, unknown>;
}

/** @see https://ai.google.dev/api/caching#FunctionDeclaration */
export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** A `Schema` (Google's OpenAPI subset: `type: "OBJECT"`, …), checked by `check-gemini-schema.ts`. */
  parameters?: Record<string, unknown>;
  /** Plain JSON Schema instead of `parameters` (never both). */
  parametersJsonSchema?: unknown;
}

/** @see https://ai.google.dev/api/caching#Tool */
export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
}

/** @see https://ai.google.dev/api/caching#ToolConfig */
export interface GeminiToolConfig {
  /** `mode`: `AUTO`, `ANY`, `NONE` or `VALIDATED`. @see https://ai.google.dev/api/caching#FunctionCallingConfig */
  functionCallingConfig?: { mode?: string; allowedFunctionNames?: string[] };
}

/** @see https://ai.google.dev/api/generate-content#ThinkingConfig */
export interface GeminiThinkingConfig {
  includeThoughts?: boolean;
  /** Gemini 2.5: a token budget; 0 turns thinking off where allowed, -1 lets the model decide. */
  thinkingBudget?: number;
  /** Gemini 3: `MINIMAL`, `LOW`, `MEDIUM` or `HIGH`, instead of a budget. */
  thinkingLevel?: string;
}

/** @see https://ai.google.dev/api/generate-content#generationconfig */
export interface GeminiGenerationConfig {
  stopSequences?: string[];
  responseMimeType?: string;
  /** A `Schema`, like function parameters. */
  responseSchema?: Record<string, unknown>;
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

/** The body of `generateContent` and `streamGenerateContent`. @see https://ai.google.dev/api/generate-content#request-body */
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
  | 'IMAGE_OTHER'
  | 'NO_IMAGE'
  | 'IMAGE_RECITATION'
  | 'UNEXPECTED_TOOL_CALL'
  | 'TOO_MANY_TOOL_CALLS';

/** `category` is a HarmCategory (`HARM_CATEGORY_…`), `probability` a HarmProbability (`NEGLIGIBLE` … `HIGH`). @see https://ai.google.dev/api/generate-content#safetyrating */
export interface GeminiSafetyRating {
  category: string;
  probability: string;
  blocked?: boolean;
}

/** @see https://ai.google.dev/api/generate-content#candidate */
export interface GeminiCandidate {
  /** Without `parts` when the answer was cut before any output; left out when it was filtered. */
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: GeminiFinishReason;
  finishMessage?: string;
  safetyRatings?: GeminiSafetyRating[];
  index?: number;
}

/** @see https://ai.google.dev/api/generate-content#modalitytokencount */
export interface GeminiModalityTokenCount {
  /** `TEXT`, `IMAGE`, `VIDEO`, `AUDIO` or `DOCUMENT`. */
  modality: string;
  tokenCount?: number;
}

/**
 * Token counts: `promptTokenCount` includes cached tokens, `candidatesTokenCount` excludes thoughts,
 * `totalTokenCount` adds prompt, candidates, tool-use prompt and thoughts.
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

/** Set, with no candidates, when the prompt itself was blocked. @see https://ai.google.dev/api/generate-content#PromptFeedback */
export interface GeminiPromptFeedback {
  blockReason?: 'BLOCK_REASON_UNSPECIFIED' | 'SAFETY' | 'OTHER' | 'BLOCKLIST' | 'PROHIBITED_CONTENT' | 'IMAGE_SAFETY';
  safetyRatings?: GeminiSafetyRating[];
}

/**
 * One answer, or one chunk of a streamed one (each with the usage so far).
 * @see https://ai.google.dev/api/generate-content#generatecontentresponse
 */
export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: GeminiPromptFeedback;
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

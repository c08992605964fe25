/**
 * The models the Gemini simulator serves, with what each one refuses or does differently on the
 * real Gemini API.
 * @see https://ai.google.dev/gemini-api/docs/models
 */
export interface GeminiSimulatorModel {
  id: string;
  displayName: string;
  description: string;
  version: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  /** Gemma: 400 "Developer instruction is not enabled for models/…". */
  systemInstruction: boolean;
  /** Gemma: 400 "Function calling is not enabled for models/…". */
  functionCalling: boolean;
  /** Gemma: 400 "JSON mode is not enabled for models/…". */
  jsonMode: boolean;
  vision: boolean;
  /**
   * 2.5: a budget (`thinkingBudget`, 0 allowed only where thinking can be turned off); 3: levels.
   * @see https://ai.google.dev/gemini-api/docs/thinking
   */
  thinking:
    | { kind: 'none' }
    | { kind: 'budget'; minimum: number; maximum: number; canDisable: boolean }
    | { kind: 'level'; levels: readonly string[]; defaultLevel: string };
  /**
   * Gemini 3 refuses a current turn whose functionCall parts lack their thought signature.
   * @see https://ai.google.dev/gemini-api/docs/thought-signatures
   */
  requiresThoughtSignatures: boolean;
  /**
   * Implicit caching: the smallest prompt whose repeated prefix is reported as cached.
   * @see https://ai.google.dev/gemini-api/docs/caching#implicit-caching
   */
  implicitCacheMinimumTokens: number;
}

export const GEMINI_SIMULATOR_MODELS: readonly GeminiSimulatorModel[] = [
  {
    id: 'gemini-2.5-pro',
    displayName: 'Gemini 2.5 Pro',
    description: 'Stable release (June 17th, 2025) of Gemini 2.5 Pro',
    version: '2.5',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    systemInstruction: true,
    functionCalling: true,
    jsonMode: true,
    vision: true,
    thinking: { kind: 'budget', minimum: 128, maximum: 32_768, canDisable: false },
    requiresThoughtSignatures: false,
    implicitCacheMinimumTokens: 4_096,
  },
  {
    id: 'gemini-2.5-flash',
    displayName: 'Gemini 2.5 Flash',
    description: 'Stable version of Gemini 2.5 Flash, our mid-size multimodal model that supports up to 1 million tokens, released in June of 2025.',
    version: '001',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    systemInstruction: true,
    functionCalling: true,
    jsonMode: true,
    vision: true,
    thinking: { kind: 'budget', minimum: 1, maximum: 24_576, canDisable: true },
    requiresThoughtSignatures: false,
    implicitCacheMinimumTokens: 1_024,
  },
  {
    id: 'gemini-3-pro-preview',
    displayName: 'Gemini 3 Pro Preview',
    description: 'Gemini 3 Pro Preview',
    version: '3-pro-preview-11-2025',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    systemInstruction: true,
    functionCalling: true,
    jsonMode: true,
    vision: true,
    thinking: { kind: 'level', levels: ['LOW', 'HIGH'], defaultLevel: 'HIGH' },
    requiresThoughtSignatures: true,
    implicitCacheMinimumTokens: 4_096,
  },
  {
    id: 'gemma-3-27b-it',
    displayName: 'Gemma 3 27B',
    description: '',
    version: '001',
    inputTokenLimit: 131_072,
    outputTokenLimit: 8_192,
    systemInstruction: false,
    functionCalling: false,
    jsonMode: false,
    vision: true,
    thinking: { kind: 'none' },
    requiresThoughtSignatures: false,
    implicitCacheMinimumTokens: Number.POSITIVE_INFINITY,
  },
];

/** Accepts the bare id and the resource name (`models/gemini-2.5-flash`). */
export function findGeminiModel(model: string): GeminiSimulatorModel | undefined {
  const id = model.replace(/^models\//, '');
  return GEMINI_SIMULATOR_MODELS.find((candidate) => candidate.id === id);
}

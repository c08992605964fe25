import type { GeminiThinkingLevel } from './gemini-api.ts';

/**
 * How a model on the Gemini API differs from the others: the adapter's table, keyed by the upstream
 * id's prefix, so aliases and YAML-added snapshots (`gemini-2.5-flash-preview-…`) inherit their
 * family's rules. Provider differences stay data, inside the provider.
 */
export interface GeminiModelRules {
  /** Gemma answers 400 "Developer instruction is not enabled for models/gemma-…": the system text is folded into the first user turn. */
  systemInstruction: boolean;
  /** Non-zero presence/frequency penalties: 400 "Penalty is not enabled for models/…" on Gemini 2.5, 3 and Gemma. */
  penalties: boolean;
  /** `responseMimeType: application/json`: Gemma answers 400 "JSON mode is not enabled for models/…". */
  jsonMode: boolean;
  thinking: GeminiThinkingRules;
  /**
   * Gemini 3 refuses a conversation whose current turn has a functionCall without the thought
   * signature it was returned with; when the client's history has none (another provider's calls),
   * Google's documented placeholder is sent instead.
   * @see https://ai.google.dev/gemini-api/docs/thought-signatures
   */
  thoughtSignaturesRequired: boolean;
}

export type GeminiThinkingRules =
  | { kind: 'none' }
  /** Gemini 2.5: `thinkingBudget` tokens within [minimum, maximum]; 0 turns thinking off when `canDisable`. */
  | { kind: 'budget'; minimum: number; maximum: number; canDisable: boolean }
  /** Gemini 3: `thinkingLevel`, only the listed levels. */
  | { kind: 'level'; levels: readonly GeminiThinkingLevel[] };

/**
 * Budgets and levels per family.
 * @see https://ai.google.dev/gemini-api/docs/thinking#set-budget
 * @see https://ai.google.dev/gemini-api/docs/gemini-3#thinking_level
 */
const RULES: readonly (readonly [prefix: string, rules: GeminiModelRules])[] = [
  ['gemma-', { systemInstruction: false, penalties: false, jsonMode: false, thinking: { kind: 'none' }, thoughtSignaturesRequired: false }],
  ['gemini-3-pro', { systemInstruction: true, penalties: false, jsonMode: true, thinking: { kind: 'level', levels: ['LOW', 'HIGH'] }, thoughtSignaturesRequired: true }],
  ['gemini-3', { systemInstruction: true, penalties: false, jsonMode: true, thinking: { kind: 'level', levels: ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'] }, thoughtSignaturesRequired: true }],
  ['gemini-2.5-pro', { systemInstruction: true, penalties: false, jsonMode: true, thinking: { kind: 'budget', minimum: 128, maximum: 32_768, canDisable: false }, thoughtSignaturesRequired: false }],
  ['gemini-2.5-flash-lite', { systemInstruction: true, penalties: false, jsonMode: true, thinking: { kind: 'budget', minimum: 512, maximum: 24_576, canDisable: true }, thoughtSignaturesRequired: false }],
  ['gemini-2.5-flash', { systemInstruction: true, penalties: false, jsonMode: true, thinking: { kind: 'budget', minimum: 1, maximum: 24_576, canDisable: true }, thoughtSignaturesRequired: false }],
  ['gemini-2.0', { systemInstruction: true, penalties: true, jsonMode: true, thinking: { kind: 'none' }, thoughtSignaturesRequired: false }],
];

/** Models the table does not know are treated like the current Flash family. */
const DEFAULT_RULES: GeminiModelRules = RULES.find(([prefix]) => prefix === 'gemini-2.5-flash')![1];

export function geminiModelRules(upstreamId: string): GeminiModelRules {
  const id = upstreamId.replace(/^models\//, '');
  return RULES.find(([prefix]) => id.startsWith(prefix))?.[1] ?? DEFAULT_RULES;
}

import type { Adjustment } from '../../core/adjustment.ts';
import type { GeminiThinkingConfig, GeminiThinkingLevel } from './gemini-api.ts';
import type { GeminiThinkingRules } from './gemini-model-rules.ts';

/**
 * `reasoning_effort` as Gemini's thinkingConfig, after Google's own table for its OpenAI-compatible
 * endpoint: a token budget on Gemini 2.5 (low 1,024 · medium 8,192 · high 24,576, clamped to the
 * model's range; "none" is 0 where the model can stop thinking), a level on Gemini 3 (the nearest one
 * the model takes). Thought summaries are always asked for (`includeThoughts`), so they come back as
 * `reasoning_content`. Every change of value is reported.
 * @see https://ai.google.dev/gemini-api/docs/openai#thinking
 * @see https://ai.google.dev/gemini-api/docs/thinking
 */
const BUDGETS: Record<string, number> = { none: 0, minimal: 1_024, low: 1_024, medium: 8_192, high: 24_576, xhigh: 24_576 };
const LEVELS: Record<string, GeminiThinkingLevel> = { none: 'MINIMAL', minimal: 'MINIMAL', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', xhigh: 'HIGH' };
/** Nearest level when the model lacks one: round up, except that "off" rounds to the least thinking. */
const LEVEL_ORDER: GeminiThinkingLevel[] = ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'];

export function convertToGeminiThinking(
  effort: string | undefined,
  rules: GeminiThinkingRules,
  modelId: string,
): { thinkingConfig?: GeminiThinkingConfig; adjustments: Adjustment[] } {
  const adjustments: Adjustment[] = [];
  switch (rules.kind) {
    case 'none':
      if (effort !== undefined) adjustments.push({ parameter: 'reasoning_effort', action: 'dropped', reason: `${modelId} does not think` });
      return { adjustments };
    case 'budget': {
      if (effort === undefined) return { thinkingConfig: { includeThoughts: true }, adjustments };
      const wanted = BUDGETS[effort];
      if (wanted === undefined) {
        adjustments.push({ parameter: 'reasoning_effort', action: 'dropped', reason: `'${effort}' is not a reasoning effort ${modelId} knows` });
        return { thinkingConfig: { includeThoughts: true }, adjustments };
      }
      const budget = wanted === 0 && rules.canDisable ? 0 : Math.min(rules.maximum, Math.max(rules.minimum, wanted));
      if (wanted === 0 && !rules.canDisable) {
        adjustments.push({ parameter: 'reasoning_effort', action: 'mapped', reason: `'none' sent as a thinking budget of ${budget} tokens: ${modelId} cannot stop thinking` });
      } else if (budget !== wanted) {
        adjustments.push({ parameter: 'reasoning_effort', action: 'mapped', reason: `'${effort}' sent as a thinking budget of ${budget} tokens, the nearest ${modelId} takes` });
      }
      return { thinkingConfig: budget === 0 ? { thinkingBudget: 0 } : { includeThoughts: true, thinkingBudget: budget }, adjustments };
    }
    case 'level': {
      if (effort === undefined) return { thinkingConfig: { includeThoughts: true }, adjustments };
      const wanted = LEVELS[effort];
      if (wanted === undefined) {
        adjustments.push({ parameter: 'reasoning_effort', action: 'dropped', reason: `'${effort}' is not a reasoning effort ${modelId} knows` });
        return { thinkingConfig: { includeThoughts: true }, adjustments };
      }
      const level = rules.levels.includes(wanted) ? wanted : (LEVEL_ORDER.slice(LEVEL_ORDER.indexOf(wanted)).find((candidate) => rules.levels.includes(candidate)) ?? rules.levels[rules.levels.length - 1]!);
      if (effort === 'none') {
        adjustments.push({ parameter: 'reasoning_effort', action: 'mapped', reason: `'none' sent as thinking level ${level}: ${modelId} cannot stop thinking` });
      } else if (level !== wanted) {
        adjustments.push({ parameter: 'reasoning_effort', action: 'mapped', reason: `'${effort}' sent as thinking level ${level}, the nearest ${modelId} takes` });
      }
      return { thinkingConfig: { includeThoughts: true, thinkingLevel: level }, adjustments };
    }
    default: {
      const unexpected: never = rules;
      throw new Error(`Unhandled thinking rules ${JSON.stringify(unexpected)}`);
    }
  }
}

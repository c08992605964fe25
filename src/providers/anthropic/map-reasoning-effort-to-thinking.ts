import type { Adjustment } from '../../core/adjustment.ts';

/**
 * Claude's extended-thinking budget for each OpenAI `reasoning_effort`. Anthropic asks for a
 * budget of at least 1,024 tokens and below `max_tokens`, and counts thinking inside `max_tokens`
 * (as OpenAI counts reasoning inside `max_completion_tokens`).
 *
 * | reasoning_effort | budget_tokens |
 * |---|---|
 * | none | thinking off |
 * | minimal | 1,024 |
 * | low | 2,048 |
 * | medium | 8,192 |
 * | high | 16,384 |
 * | xhigh | 32,768 |
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#how-to-use-extended-thinking
 */
export const THINKING_BUDGETS: Readonly<Record<string, number>> = { minimal: 1_024, low: 2_048, medium: 8_192, high: 16_384, xhigh: 32_768 };

/** Anthropic's smallest thinking budget. */
export const MINIMUM_THINKING_BUDGET = 1_024;

export interface ThinkingPlan {
  /** The `budget_tokens` to send, or undefined for no thinking. */
  budgetTokens?: number;
  /** The `max_tokens` to send. */
  maxTokens: number;
  adjustment?: Adjustment;
}

/**
 * The thinking budget and `max_tokens` for a request. With a client limit, the budget is the table's
 * value capped below that limit; without one, the answer keeps the model's default room and the
 * budget comes on top (up to the model's output limit).
 */
export function mapReasoningEffortToThinking(options: {
  effort: string | null | undefined;
  /** The client's max_completion_tokens / max_tokens, when it sent one. */
  requestedMaxTokens?: number;
  /** What to send when the client set no limit. */
  defaultMaxTokens: number;
  modelMaxTokens: number;
}): ThinkingPlan {
  const { effort, requestedMaxTokens, defaultMaxTokens, modelMaxTokens } = options;
  const baseMaxTokens = requestedMaxTokens ?? defaultMaxTokens;
  if (effort === null || effort === undefined || effort === 'none') return { maxTokens: baseMaxTokens };

  const tableBudget = THINKING_BUDGETS[effort];
  if (tableBudget === undefined) {
    return {
      maxTokens: baseMaxTokens,
      adjustment: { parameter: 'reasoning_effort', action: 'dropped', reason: `'${effort}' has no Claude thinking budget; known values: none, ${Object.keys(THINKING_BUDGETS).join(', ')}` },
    };
  }

  if (requestedMaxTokens !== undefined) {
    if (requestedMaxTokens - 1 < MINIMUM_THINKING_BUDGET) {
      return {
        maxTokens: requestedMaxTokens,
        adjustment: { parameter: 'reasoning_effort', action: 'dropped', reason: `a limit of ${requestedMaxTokens} output tokens leaves no room for Claude's minimum thinking budget of ${MINIMUM_THINKING_BUDGET} tokens` },
      };
    }
    const budgetTokens = Math.min(tableBudget, requestedMaxTokens - 1);
    return { budgetTokens, maxTokens: requestedMaxTokens, adjustment: mapped(effort, budgetTokens) };
  }

  const maxTokens = Math.min(modelMaxTokens, defaultMaxTokens + tableBudget);
  const budgetTokens = Math.max(MINIMUM_THINKING_BUDGET, Math.min(tableBudget, maxTokens - 1));
  return { budgetTokens, maxTokens, adjustment: mapped(effort, budgetTokens) };
}

function mapped(effort: string, budgetTokens: number): Adjustment {
  return { parameter: 'reasoning_effort', action: 'mapped', reason: `'${effort}' sent as Claude's extended thinking with budget_tokens ${budgetTokens}` };
}

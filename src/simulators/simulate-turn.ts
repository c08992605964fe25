import { estimatePromptTokens, estimateTokens } from './estimate-tokens.ts';
import { generateSimulatedAnswer, type SimulatedAnswer } from './generate-simulated-answer.ts';
import type { PromptCache } from './prompt-cache.ts';
import type {
  ChatRequestBody,
  SimulatedChoice,
  SimulatedModel,
  SimulatedTurn,
  SimulatorProfile,
} from './simulator-profile.ts';

export interface SimulateTurnContext {
  sequence: number;
  promptCache: PromptCache;
}

/**
 * Generates the answer to an accepted request and counts its tokens, in no provider's format yet:
 * reasoning placed where the model puts it, `max_tokens` budgets and `stop` sequences applied, `n`
 * choices, cached prompt tokens reported by the profile's caching rule.
 */
export function simulateTurn(
  request: ChatRequestBody,
  model: SimulatedModel,
  profile: SimulatorProfile,
  context: SimulateTurnContext,
): SimulatedTurn {
  const plan = profile.planTurn(request, model);
  const answer = generateSimulatedAnswer(request, { allowToolCalls: plan.allowToolCalls, citationMarkers: plan.citationMarkers });
  const prompt = estimatePromptTokens(request);
  const cacheKey = `${profile.provider}:${model.id}`;
  const cachedTokens =
    plan.promptCaching === 'openai'
      ? context.promptCache.openaiCachedTokens(cacheKey, prompt.promptText, prompt.promptTokens)
      : plan.promptCaching === 'prefix'
        ? context.promptCache.prefixCachedTokens(cacheKey, prompt.promptText, prompt.promptTokens)
        : 0;

  const choiceCount = typeof request.n === 'number' && request.n > 1 ? Math.floor(request.n) : 1;
  const budget = request.max_completion_tokens ?? request.max_tokens;
  const choices: SimulatedChoice[] = [];
  let answerTokens = 0;
  let reasoningTokens = 0;
  for (let index = 0; index < choiceCount; index += 1) {
    const shaped = shapeChoice(answer, request, plan, budget ?? undefined);
    choices.push({
      index,
      content: shaped.content,
      reasoning: shaped.reasoning,
      toolCalls: answer.toolCalls.length > 0 && shaped.keepToolCalls
        ? answer.toolCalls.map((toolCall, toolIndex) => ({
            id: profile.toolCallId(context.sequence, index * 16 + toolIndex),
            name: toolCall.name,
            arguments: toolCall.arguments,
          }))
        : [],
      finishReason: shaped.finishReason,
    });
    answerTokens += shaped.answerTokens;
    reasoningTokens += shaped.reasoningTokens;
  }

  return {
    id: profile.completionId(context.sequence),
    created: Math.floor(Date.now() / 1000),
    model,
    plan,
    request,
    choices,
    usage: {
      promptTokens: prompt.promptTokens,
      cachedTokens,
      imageTokens: prompt.imageTokens,
      answerTokens,
      reasoningTokens,
    },
    sequence: context.sequence,
  };
}

interface ShapedChoice {
  content: string | null;
  reasoning: string | null;
  keepToolCalls: boolean;
  finishReason: SimulatedChoice['finishReason'];
  answerTokens: number;
  reasoningTokens: number;
}

function shapeChoice(
  answer: SimulatedAnswer,
  request: ChatRequestBody,
  plan: SimulatedTurn['plan'],
  budget: number | undefined,
): ShapedChoice {
  let reasoningTokens = 0;
  let reasoning: string | null = null;
  if (plan.reasoningPlacement === 'hidden') reasoningTokens = plan.hiddenReasoningTokens;
  if (plan.reasoningPlacement === 'field') {
    reasoning = answer.reasoning;
    reasoningTokens = estimateTokens(reasoning);
  }

  let content = answer.content;
  if (plan.reasoningPlacement === 'content-think-tags') {
    // sonar-reasoning-pro writes its reasoning into the content, ahead of the answer.
    // @see https://docs.perplexity.ai/getting-started/models/models/sonar-reasoning-pro
    content = `<think>\n${answer.reasoning}\n</think>\n\n${content ?? ''}`;
    reasoningTokens = estimateTokens(answer.reasoning);
  }

  let finishReason = answer.finishReason;
  if (content !== null && plan.honorsStop) {
    const cut = cutAtStopSequence(content, request.stop);
    if (cut !== content) {
      content = cut;
      finishReason = 'stop';
    }
  }

  const toolCallTokens = answer.toolCalls.reduce((total, toolCall) => total + estimateTokens(toolCall.name + toolCall.arguments) + 3, 0);
  let keepToolCalls = answer.toolCalls.length > 0;
  if (budget !== undefined) {
    // Reasoning spends the budget first: a reasoning model with a small budget answers with empty
    // content and finish_reason "length", as OpenAI documents for `max_completion_tokens`.
    // @see https://platform.openai.com/docs/guides/reasoning#allocating-space-for-reasoning
    if (plan.reasoningPlacement === 'hidden' || plan.reasoningPlacement === 'field') {
      if (reasoningTokens > budget) {
        reasoningTokens = budget;
        if (reasoning !== null) reasoning = reasoning.slice(0, budget * 4);
      }
    }
    const remaining = plan.reasoningPlacement === 'content-think-tags' ? budget : budget - reasoningTokens;
    if (keepToolCalls && toolCallTokens > remaining) {
      keepToolCalls = false;
      content = '';
      finishReason = 'length';
    } else if (content !== null && estimateTokens(content) > remaining) {
      content = content.slice(0, Math.max(0, remaining) * 4);
      finishReason = 'length';
    }
  }

  const answerTokens = (content === null ? 0 : estimateTokens(content)) + (keepToolCalls ? toolCallTokens : 0);
  return { content, reasoning, keepToolCalls, finishReason, answerTokens, reasoningTokens };
}

function cutAtStopSequence(content: string, stop: ChatRequestBody['stop']): string {
  const sequences = typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop : [];
  let cut = content.length;
  for (const sequence of sequences) {
    if (typeof sequence !== 'string' || sequence.length === 0) continue;
    const position = content.indexOf(sequence);
    if (position >= 0 && position < cut) cut = position;
  }
  return content.slice(0, cut);
}

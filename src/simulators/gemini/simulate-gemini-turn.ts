import { deterministicId } from '../deterministic-id.ts';
import { estimatePromptTokens, estimateTokens } from '../estimate-tokens.ts';
import { generateSimulatedAnswer } from '../generate-simulated-answer.ts';
import type { PromptCache } from '../prompt-cache.ts';
import { adaptGeminiRequest } from './adapt-gemini-request.ts';
import type { GeminiSimulatorModel } from './gemini-simulator-models.ts';
import type { GeminiFinishReason, GeminiGenerateContentRequest, GeminiPromptFeedback, GeminiSafetyRating } from './gemini-wire-types.ts';
import { createThoughtSignature } from './simulated-thought-signature.ts';

export interface SimulatedGeminiCandidate {
  index: number;
  /** A thought summary, present only when `thinkingConfig.includeThoughts` asked for it. */
  thought: string | null;
  text: string | null;
  functionCalls: { name: string; args: Record<string, unknown> }[];
  /** On the first functionCall part, or on the last text part of a thinking answer. */
  thoughtSignature?: string;
  finishReason: GeminiFinishReason;
  finishMessage?: string;
  safetyRatings?: GeminiSafetyRating[];
  candidateTokens: number;
  thoughtTokens: number;
}

export interface SimulatedGeminiTurn {
  responseId: string;
  modelVersion: string;
  candidates: SimulatedGeminiCandidate[];
  /** Set, with no candidates, when the prompt itself is blocked. */
  promptFeedback?: GeminiPromptFeedback;
  usage: { promptTokens: number; textPromptTokens: number; imagePromptTokens: number; cachedTokens: number };
}

/**
 * Gemini counts 258 tokens for an image up to 384 px on both sides (larger ones are tiled).
 * @see https://ai.google.dev/gemini-api/docs/tokens#multimodal-tokens
 */
const TOKENS_PER_IMAGE = 258;
/** Extra thinking a model spends beyond its summary, per level: stable numbers for metering tests. */
const THINKING_OVERHEAD = { MINIMAL: 4, LOW: 24, MEDIUM: 48, HIGH: 96, DYNAMIC: 64 } as const;
/**
 * A word in the last user message that forces a finish reason, so tests can reach what real models
 * do rarely: `SIMULATE_SAFETY`, `SIMULATE_RECITATION`, …, and `SIMULATE_PROMPT_BLOCKED` for a blocked prompt.
 */
const FORCED_FINISH = /\bSIMULATE_(SAFETY|RECITATION|BLOCKLIST|PROHIBITED_CONTENT|SPII|MALFORMED_FUNCTION_CALL|LANGUAGE|OTHER|PROMPT_BLOCKED)\b/;
const BLOCKED_RATINGS: GeminiSafetyRating[] = [
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
];

/**
 * The answer to an accepted request, in no wire format yet: the shared engine's deterministic
 * answer (tool calls, a reply quoting a function response, JSON for a schema, an echo), shaped by
 * Gemini's rules — thinking spent from `maxOutputTokens` first (so a small limit ends in MAX_TOKENS
 * with no parts), stop sequences, `candidateCount`, thought summaries only with `includeThoughts`,
 * thought signatures, implicit caching of repeated prefixes above the model's minimum.
 */
export function simulateGeminiTurn(
  request: GeminiGenerateContentRequest,
  model: GeminiSimulatorModel,
  context: { sequence: number; promptCache: PromptCache },
): SimulatedGeminiTurn {
  const chat = adaptGeminiRequest(request, model.id);
  const mode = String(request.toolConfig?.functionCallingConfig?.mode ?? 'AUTO').toUpperCase();
  const answer = generateSimulatedAnswer(chat, { allowToolCalls: model.functionCalling && mode !== 'NONE', citationMarkers: false });
  const estimate = estimatePromptTokens(chat);
  const images = estimate.imageTokens / 85;
  const imagePromptTokens = images * TOKENS_PER_IMAGE;
  const textPromptTokens = estimate.promptTokens - estimate.imageTokens;
  const promptTokens = textPromptTokens + imagePromptTokens;
  const shared = context.promptCache.prefixCachedTokens(`google:${model.id}`, estimate.promptText, promptTokens);
  const cachedTokens = promptTokens >= model.implicitCacheMinimumTokens && shared >= model.implicitCacheMinimumTokens ? shared : 0;

  const responseId = deterministicId(`gemini-response:${context.sequence}`, 22, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
  const usage = { promptTokens, textPromptTokens, imagePromptTokens, cachedTokens };
  const lastUserText = [...chat.messages].reverse().find((message) => message.role === 'user');
  const forced = FORCED_FINISH.exec(JSON.stringify(lastUserText?.content ?? ''))?.[1];
  if (forced === 'PROMPT_BLOCKED') {
    return { responseId, modelVersion: model.id, candidates: [], promptFeedback: { blockReason: 'SAFETY', safetyRatings: BLOCKED_RATINGS }, usage };
  }

  const config = request.generationConfig ?? {};
  const thinking = config.thinkingConfig;
  const thoughtTokensWanted = thinkingTokens(model, thinking?.thinkingBudget, thinking?.thinkingLevel, answer.reasoning);
  const budget = typeof config.maxOutputTokens === 'number' ? config.maxOutputTokens : model.outputTokenLimit;
  const count = typeof config.candidateCount === 'number' && config.candidateCount > 1 ? Math.floor(config.candidateCount) : 1;

  const candidates: SimulatedGeminiCandidate[] = [];
  for (let index = 0; index < count; index += 1) {
    const thoughtTokens = Math.min(thoughtTokensWanted, budget);
    const remaining = budget - thoughtTokens;
    const candidate: SimulatedGeminiCandidate = {
      index,
      thought: thinking?.includeThoughts === true && thoughtTokens > 0 ? answer.reasoning : null,
      text: null,
      functionCalls: [],
      finishReason: 'STOP',
      candidateTokens: 0,
      thoughtTokens,
    };
    const signature = thoughtTokens > 0 || model.requiresThoughtSignatures ? createThoughtSignature(model.id, context.sequence, index) : undefined;

    if (forced !== undefined) {
      // A filtered answer has no content (and, streamed, its last chunk none either).
      candidate.finishReason = forced as GeminiFinishReason;
      if (forced === 'SAFETY') candidate.safetyRatings = BLOCKED_RATINGS;
    } else if (answer.toolCalls.length > 0) {
      const calls = answer.toolCalls.map((call) => ({ name: call.name, args: asArguments(JSON.parse(call.arguments)) }));
      const callTokens = calls.reduce((total, call) => total + estimateTokens(call.name + JSON.stringify(call.args)) + 3, 0);
      if (callTokens > remaining) candidate.finishReason = 'MAX_TOKENS';
      else {
        candidate.functionCalls = calls;
        candidate.candidateTokens = callTokens;
        candidate.thoughtSignature = signature;
        // The Gemini API says so on answers that are function calls.
        candidate.finishMessage = 'Model generated function call(s).';
      }
    } else {
      let text = cutAtStopSequence(answer.content ?? '', config.stopSequences);
      if (estimateTokens(text) > remaining) {
        text = text.slice(0, Math.max(0, remaining) * 4);
        candidate.finishReason = 'MAX_TOKENS';
      }
      candidate.text = text.length > 0 ? text : null;
      candidate.candidateTokens = estimateTokens(text);
      if (candidate.text !== null && model.requiresThoughtSignatures) candidate.thoughtSignature = signature;
    }
    candidates.push(candidate);
  }
  return { responseId, modelVersion: model.id, candidates, usage };
}

/** Thinking tokens for the model and its config: a budget caps them, a level scales them, 0 turns them off. */
function thinkingTokens(model: GeminiSimulatorModel, budget: number | undefined, level: string | undefined, summary: string): number {
  const base = estimateTokens(summary);
  switch (model.thinking.kind) {
    case 'none':
      return 0;
    case 'budget':
      if (budget === 0) return 0;
      return budget === undefined || budget < 0 ? base + THINKING_OVERHEAD.DYNAMIC : Math.min(budget, base + THINKING_OVERHEAD.DYNAMIC);
    case 'level': {
      const chosen = String(level ?? model.thinking.defaultLevel).toUpperCase() as keyof typeof THINKING_OVERHEAD;
      return base + (THINKING_OVERHEAD[chosen] ?? THINKING_OVERHEAD.HIGH);
    }
    default: {
      const unexpected: never = model.thinking;
      throw new Error(`Unhandled thinking kind ${JSON.stringify(unexpected)}`);
    }
  }
}

/** Gemini's `args` is always an object. */
function asArguments(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function cutAtStopSequence(text: string, stopSequences: string[] | undefined): string {
  let cut = text.length;
  for (const sequence of stopSequences ?? []) {
    const position = sequence ? text.indexOf(sequence) : -1;
    if (position >= 0 && position < cut) cut = position;
  }
  return text.slice(0, cut);
}

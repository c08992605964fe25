import type { ChatCompletionChunk, ChatRequest, ChatStreamEvent, ChatUsage } from '../core/chat-types.ts';
import { GatewayError } from '../core/gateway-error.ts';
import type { TokenUsage } from '../core/usage.ts';
import { estimateAbortedUsage } from '../usage/estimate-aborted-usage.ts';

/** How many times one answer is continued after a break. */
const MAX_RESUMES = 1;

/** Failures of a stream that was running: a break, a stall past the idle timeout, an overload event. */
const RESUMABLE_CODES = new Set(['upstream_stream_interrupted', 'upstream_timeout', 'upstream_overloaded']);

/**
 * Whether a request's answer could be continued with `stream_resume`: one choice, no thinking (a
 * prefill is refused while thinking), and no assistant prefill of the client's own.
 */
export function canResumeStream(request: ChatRequest): boolean {
  const thinking = typeof request.reasoning_effort === 'string' && request.reasoning_effort !== 'none';
  const last = request.messages[request.messages.length - 1];
  return (request.n ?? 1) === 1 && !thinking && last?.role !== 'assistant';
}

export interface StreamResumeOptions {
  request: ChatRequest;
  /** Sends the continuation request (the delivered text as an assistant prefill), with the dispatch rule; resolves once its first event arrived. */
  restart(request: ChatRequest): Promise<{ first: IteratorResult<ChatStreamEvent>; events: AsyncIterator<ChatStreamEvent> }>;
  readUsage(usage: ChatUsage | null | undefined): TokenUsage | undefined;
  /** The prompt tokens of `request`, counted with the tokenizer (a broken call's usage is estimated). */
  estimatePromptTokens(request: ChatRequest): number;
  /** Told of each continuation (for the log, and the usage checks: the broken call's estimated usage is billed on top of the continuation's). */
  onResumed(details: { deliveredCharacters: number; error: GatewayError; brokenCall: TokenUsage }): void;
}

/**
 * `stream_resume`: the events of a translated stream that, when the provider's stream breaks
 * midway through text, go on with a second call of the same model (the balancer prefers a
 * deployment this request has not tried) whose request ends with the text delivered so far as an
 * assistant message, which the provider continues (Anthropic's prefill). The client sees one stream:
 * the continuation's chunks carry the first stream's id and its role chunk is left out. Once a tool
 * call or reasoning has started, or after one continuation, a break fails the stream as usual.
 * The continuation's output limit is the request's less what the broken call delivered, so the
 * answer stays within what the client asked for (nothing left: no continuation).
 * Billing: the final usage is the continuation's as reported plus the broken call's by the
 * aborted-stream rule (its reported usage, else its prompt and delivered text counted).
 */
export function resumeBrokenStream(first: IteratorResult<ChatStreamEvent>, events: AsyncIterator<ChatStreamEvent>, options: StreamResumeOptions): AsyncIterator<ChatStreamEvent> {
  const state: ResumeState = { delivered: '', callText: '', callUsage: undefined, carried: undefined, textOnly: true, streamId: undefined, skipLeadingSpace: false };
  if (!first.done) observe(state, first.value.chunk, options);
  return run(state, events, options);
}

interface ResumeState {
  /** Every character of content the client was sent. */
  delivered: string;
  /** The content of the current upstream call, and its usage when it reported some before breaking. */
  callText: string;
  callUsage: TokenUsage | undefined;
  /** Usage of the broken calls, added to the final usage. */
  carried: TokenUsage | undefined;
  /** False once a tool call or reasoning appeared: only text is continued. */
  textOnly: boolean;
  streamId: string | undefined;
  /** The prefill lost its trailing whitespace (Anthropic refuses it), which the client already has: the continuation's leading whitespace is dropped. */
  skipLeadingSpace: boolean;
}

function observe(state: ResumeState, chunk: ChatCompletionChunk, options: StreamResumeOptions): void {
  state.streamId ??= chunk.id;
  for (const choice of chunk.choices ?? []) {
    const delta = choice?.delta;
    if (!delta) continue;
    if (typeof delta.content === 'string') {
      state.delivered += delta.content;
      state.callText += delta.content;
    }
    if ((delta.tool_calls && delta.tool_calls.length > 0) || (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '')) state.textOnly = false;
  }
  const usage = options.readUsage(chunk.usage);
  if (usage) state.callUsage = usage;
}

async function* run(state: ResumeState, initial: AsyncIterator<ChatStreamEvent>, options: StreamResumeOptions): AsyncGenerator<ChatStreamEvent> {
  let events = initial;
  let pending: IteratorResult<ChatStreamEvent> | undefined;
  let resumes = 0;
  let request = options.request;
  try {
    for (;;) {
      let next: IteratorResult<ChatStreamEvent>;
      try {
        next = pending ?? (await events.next());
        pending = undefined;
      } catch (error) {
        const resumable = error instanceof GatewayError && RESUMABLE_CODES.has(error.code) && state.textOnly && state.delivered.trim() !== '' && resumes < MAX_RESUMES;
        if (!resumable) throw error;
        const brokenCall = estimateAbortedUsage(state.callUsage, state.callText, () => options.estimatePromptTokens(request));
        const carried = addUsage(state.carried, brokenCall)!;
        const limits = remainingLimits(options.request, carried.completionTokens);
        if (!limits) throw error;
        resumes += 1;
        state.carried = carried;
        const prefill = state.delivered.trimEnd();
        state.skipLeadingSpace = prefill.length < state.delivered.length;
        request = { ...options.request, ...limits, messages: [...options.request.messages, { role: 'assistant', content: prefill }] };
        options.onResumed({ deliveredCharacters: state.delivered.length, error, brokenCall });
        let restarted: { first: IteratorResult<ChatStreamEvent>; events: AsyncIterator<ChatStreamEvent> };
        try {
          restarted = await options.restart(request);
        } catch {
          throw error;
        }
        state.callText = '';
        state.callUsage = undefined;
        events = restarted.events;
        pending = restarted.first;
        continue;
      }
      if (next.done) return;
      const chunk = resumes > 0 ? continuationChunk(state, next.value.chunk) : next.value.chunk;
      if (!chunk) continue;
      observe(state, chunk, options);
      if (resumes === 0 || !chunk.usage || !state.carried) {
        yield chunk === next.value.chunk ? next.value : { chunk };
        continue;
      }
      // The continuation's final usage, with the broken call's added: what the client is shown and billed.
      const total = addUsage(state.carried, options.readUsage(chunk.usage));
      yield { chunk: { ...chunk, usage: toChatUsage(total) } };
    }
  } finally {
    await events.return?.();
  }
}

/** The request's output limits less `spent` tokens; undefined when nothing is left to continue with. */
function remainingLimits(request: ChatRequest, spent: number): Pick<ChatRequest, 'max_tokens' | 'max_completion_tokens'> | undefined {
  const limits: Pick<ChatRequest, 'max_tokens' | 'max_completion_tokens'> = {};
  for (const field of ['max_tokens', 'max_completion_tokens'] as const) {
    const limit = request[field];
    if (typeof limit !== 'number') continue;
    if (limit - spent < 1) return undefined;
    limits[field] = limit - spent;
  }
  return limits;
}

/** A chunk of the continuation as part of the first stream: its id, no second role, whitespace the client has already dropped; undefined when nothing is left of it. */
function continuationChunk(state: ResumeState, chunk: ChatCompletionChunk): ChatCompletionChunk | undefined {
  const choices = (chunk.choices ?? []).map((choice) => {
    const { role: _role, ...delta } = choice.delta ?? {};
    if (state.skipLeadingSpace && typeof delta.content === 'string') {
      delta.content = delta.content.trimStart();
      if (delta.content !== '') state.skipLeadingSpace = false;
    }
    return { ...choice, delta };
  });
  const empty = choices.every((choice) => Object.keys(choice.delta).length === 0 || (choice.delta.content === '' && Object.keys(choice.delta).length === 1)) && choices.every((choice) => !choice.finish_reason);
  if (empty && !chunk.usage) return undefined;
  return { ...chunk, id: state.streamId ?? chunk.id, choices };
}

function addUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!a || !b) return a ?? b;
  const sum = (x: number | undefined, y: number | undefined) => (x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0));
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    cachedPromptTokens: sum(a.cachedPromptTokens, b.cachedPromptTokens),
    cacheWriteTokens: sum(a.cacheWriteTokens, b.cacheWriteTokens),
    reasoningTokens: sum(a.reasoningTokens, b.reasoningTokens),
  };
}

function toChatUsage(usage: TokenUsage | undefined): ChatUsage | undefined {
  if (!usage) return undefined;
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    ...(usage.cachedPromptTokens !== undefined && { prompt_tokens_details: { cached_tokens: usage.cachedPromptTokens } }),
    ...(usage.reasoningTokens !== undefined && { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } }),
    ...(usage.cacheWriteTokens !== undefined && { cache_creation_input_tokens: usage.cacheWriteTokens }),
  };
}

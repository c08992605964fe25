/** How many recent prompts per model the cache remembers; enough for any test, bounded for demos. */
const rememberedPromptsPerModel = 64;

/**
 * Remembers recent prompts per model and reports how many leading tokens a new prompt shares with
 * one of them, the way provider-side prompt caches do.
 */
export class PromptCache {
  private readonly prompts = new Map<string, string[]>();

  /**
   * OpenAI caches prompts of 1024 tokens or more, and reports hits in 128-token increments
   * beyond the first 1024.
   * @see https://platform.openai.com/docs/guides/prompt-caching
   */
  openaiCachedTokens(modelKey: string, promptText: string, promptTokens: number): number {
    const shared = this.sharedPrefixTokens(modelKey, promptText);
    this.remember(modelKey, promptText);
    if (promptTokens < 1024 || shared < 1024) return 0;
    const cached = 1024 + Math.floor((Math.min(shared, promptTokens) - 1024) / 128) * 128;
    return Math.min(cached, promptTokens);
  }

  /** Any shared prefix counts, with no minimum (how xAI reports `cached_tokens`). */
  prefixCachedTokens(modelKey: string, promptText: string, promptTokens: number): number {
    const shared = this.sharedPrefixTokens(modelKey, promptText);
    this.remember(modelKey, promptText);
    return Math.min(shared, promptTokens);
  }

  clear(): void {
    this.prompts.clear();
  }

  private sharedPrefixTokens(modelKey: string, promptText: string): number {
    let longest = 0;
    for (const earlier of this.prompts.get(modelKey) ?? []) {
      longest = Math.max(longest, sharedPrefixLength(earlier, promptText));
    }
    // Only whole tokens of the shared prefix can be served from a cache.
    return Math.floor(longest / 4);
  }

  private remember(modelKey: string, promptText: string): void {
    const prompts = this.prompts.get(modelKey) ?? [];
    prompts.push(promptText);
    if (prompts.length > rememberedPromptsPerModel) prompts.shift();
    this.prompts.set(modelKey, prompts);
  }
}

function sharedPrefixLength(left: string, right: string): number {
  const limit = Math.min(left.length, right.length);
  let index = 0;
  while (index < limit && left.charCodeAt(index) === right.charCodeAt(index)) index += 1;
  return index;
}

type ThinkTagState = 'start' | 'thinking' | 'answering';

const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Moves a `<think>…</think>` section at the start of a model's content into reasoning, the way
 * other providers return `reasoning_content`. Fed piece by piece (stream deltas), it holds back
 * only the few characters that could be the start of a tag split across two deltas.
 * @see https://docs.perplexity.ai/guides/structured-outputs (reasoning models write a <think> section first)
 */
export class ThinkTagSplitter {
  private state: ThinkTagState = 'start';
  private pending = '';

  push(text: string): { content: string; reasoning: string } {
    this.pending += text;
    let content = '';
    let reasoning = '';
    for (;;) {
      switch (this.state) {
        case 'start': {
          const trimmed = this.pending.trimStart();
          if (trimmed.startsWith(OPEN)) {
            this.pending = trimmed.slice(OPEN.length);
            this.state = 'thinking';
            continue;
          }
          if (trimmed.length < OPEN.length && OPEN.startsWith(trimmed)) return { content, reasoning };
          this.state = 'answering';
          continue;
        }
        case 'thinking': {
          const end = this.pending.indexOf(CLOSE);
          if (end >= 0) {
            reasoning += this.pending.slice(0, end);
            this.pending = this.pending.slice(end + CLOSE.length).replace(/^\s+/, '');
            this.state = 'answering';
            continue;
          }
          const keep = partialTagLength(this.pending, CLOSE);
          reasoning += this.pending.slice(0, this.pending.length - keep);
          this.pending = this.pending.slice(this.pending.length - keep);
          return { content, reasoning };
        }
        case 'answering':
          content += this.pending;
          this.pending = '';
          return { content, reasoning };
        default: {
          const unreachable: never = this.state;
          throw new Error(`unknown state ${String(unreachable)}`);
        }
      }
    }
  }

  /** What is still held back when the content ends. */
  flush(): { content: string; reasoning: string } {
    const rest = this.pending;
    this.pending = '';
    return this.state === 'thinking' ? { content: '', reasoning: rest } : { content: rest, reasoning: '' };
  }
}

/** How many characters at the end of `text` could begin `tag`. */
function partialTagLength(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length -= 1) {
    if (tag.startsWith(text.slice(text.length - length))) return length;
  }
  return 0;
}

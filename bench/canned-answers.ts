/**
 * What the canned upstream answers, written once to files nginx serves as they are: an OpenAI
 * chat completion, and the same answer streamed as OpenAI streams it — a role chunk, content
 * chunks, a finish chunk and a last chunk with `usage` (50 `chat.completion.chunk` events in
 * all), then `data: [DONE]`. Every chunk before the last carries `"usage": null`, as OpenAI's do
 * when `stream_options.include_usage` is set (the gateway always sets it).
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export const STREAM_EVENTS = 50;

const ID = 'chatcmpl-bench';
const CREATED = 1_735_689_600;
const MODEL = 'gpt-5-mini';
const WORDS = Array.from({ length: STREAM_EVENTS - 3 }, (_, index) => `word${index} `);
const USAGE = { prompt_tokens: 12, completion_tokens: WORDS.length, total_tokens: 12 + WORDS.length, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };

function event(choices: unknown[], usage?: unknown): string {
  return `data: ${JSON.stringify({ id: ID, object: 'chat.completion.chunk', created: CREATED, model: MODEL, choices, usage: usage ?? null })}\n\n`;
}

const chunk = (delta: Record<string, unknown>, finishReason: string | null) => ({ index: 0, delta, finish_reason: finishReason });

export const CANNED_ANSWERS = {
  completion: JSON.stringify({
    id: ID,
    object: 'chat.completion',
    created: CREATED,
    model: MODEL,
    choices: [{ index: 0, message: { role: 'assistant', content: WORDS.join(''), refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: USAGE,
  }),
  stream:
    event([chunk({ role: 'assistant', content: '' }, null)]) +
    WORDS.map((word) => event([chunk({ content: word }, null)])).join('') +
    event([chunk({}, 'stop')]) +
    event([], USAGE) +
    'data: [DONE]\n\n',
};

import type { ChatCompletion } from '../core/chat-types.ts';

/** The output a completion carries (answer, reasoning, refusal, tool names and arguments): what is counted when a provider reports no usage. */
export function completionOutputText(completion: ChatCompletion): string {
  let text = '';
  for (const choice of Array.isArray(completion.choices) ? completion.choices : []) {
    const message = choice?.message;
    if (!message) continue;
    for (const part of [message.content, message.reasoning_content, message.refusal]) if (typeof part === 'string') text += part;
    for (const call of message.tool_calls ?? []) text += (call.function?.name ?? '') + (call.function?.arguments ?? '');
  }
  return text;
}

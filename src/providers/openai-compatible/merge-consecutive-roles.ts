import type { ChatMessage, ContentPart } from '../../core/chat-types.ts';

/**
 * Merges neighbouring messages of the same role into one, for providers that require user and
 * assistant turns to alternate. Returns the messages unchanged (same array) when nothing merges.
 */
export function mergeConsecutiveRoles(messages: ChatMessage[]): ChatMessage[] {
  const merged: ChatMessage[] = [];
  for (const message of messages) {
    const previous = merged[merged.length - 1];
    if (previous && previous.role === message.role && (message.role === 'user' || message.role === 'assistant' || message.role === 'system')) {
      merged[merged.length - 1] = { ...previous, content: joinContent(previous.content, message.content) };
    } else {
      merged.push(message);
    }
  }
  return merged.length === messages.length ? messages : merged;
}

function joinContent(first: ChatMessage['content'], second: ChatMessage['content']): ChatMessage['content'] {
  if ((typeof first === 'string' || first == null) && (typeof second === 'string' || second == null)) {
    return [first, second].filter((text) => text).join('\n\n');
  }
  return [...asParts(first), ...asParts(second)];
}

function asParts(content: ChatMessage['content']): ContentPart[] {
  if (content == null || content === '') return [];
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

import type { AnthropicSimulatedMessage, SimulatedBlock } from './check-anthropic-request.ts';

export interface AnthropicTurn {
  role: 'user' | 'assistant';
  blocks: SimulatedBlock[];
}

/**
 * The conversation as Claude sees it: "consecutive `user` or `assistant` turns in your request will
 * be combined into a single turn", string content being one text block; `system` messages in the
 * list are not turns.
 * @see https://docs.anthropic.com/en/api/messages#body-messages
 */
export function combineAnthropicTurns(messages: readonly AnthropicSimulatedMessage[]): AnthropicTurn[] {
  const turns: AnthropicTurn[] = [];
  for (const message of messages) {
    // System messages instruct from their position on; they are not turns of the conversation.
    if (message.role === 'system') continue;
    const blocks: SimulatedBlock[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    const previous = turns[turns.length - 1];
    if (previous?.role === message.role) previous.blocks = [...previous.blocks, ...blocks];
    else turns.push({ role: message.role, blocks });
  }
  return turns;
}

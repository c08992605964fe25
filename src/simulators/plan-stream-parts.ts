import type { SimulatedChoice } from './simulator-profile.ts';

/**
 * One step of a streamed answer, in no provider's format: profiles turn these into their chunks.
 * Named after the AI SDK's stream parts, which the gateway's internal shape follows too.
 */
export type StreamPart =
  | { type: 'reasoning-delta'; text: string }
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call-start'; toolIndex: number; id: string; name: string }
  | { type: 'tool-call-delta'; toolIndex: number; argumentsDelta: string }
  | { type: 'tool-call'; toolIndex: number; id: string; name: string; arguments: string }
  | { type: 'finish'; finishReason: SimulatedChoice['finishReason'] };

export interface PlanStreamOptions {
  /**
   * OpenAI and Fireworks stream a call's name first and its arguments in fragments; xAI sends each
   * call whole, arguments included, in a single delta.
   */
  toolCalls: 'fragments' | 'whole';
}

/** How many pieces a text is streamed in, at most: enough to exercise reassembly, few enough to read. */
const maximumPieces = 6;

export function planStreamParts(choice: SimulatedChoice, options: PlanStreamOptions): StreamPart[] {
  const parts: StreamPart[] = [];
  if (choice.reasoning) for (const text of splitText(choice.reasoning)) parts.push({ type: 'reasoning-delta', text });
  if (choice.content) for (const text of splitText(choice.content)) parts.push({ type: 'text-delta', text });
  for (const [toolIndex, toolCall] of choice.toolCalls.entries()) {
    if (options.toolCalls === 'whole') {
      parts.push({ type: 'tool-call', toolIndex, id: toolCall.id, name: toolCall.name, arguments: toolCall.arguments });
      continue;
    }
    parts.push({ type: 'tool-call-start', toolIndex, id: toolCall.id, name: toolCall.name });
    for (const argumentsDelta of splitEvenly(toolCall.arguments, 3)) parts.push({ type: 'tool-call-delta', toolIndex, argumentsDelta });
  }
  parts.push({ type: 'finish', finishReason: choice.finishReason });
  return parts;
}

/** Splits at word boundaries, each piece keeping its leading space, as tokenized streams do. */
export function splitText(text: string): string[] {
  const words = text.match(/\s*\S+|\s+$/g) ?? [text];
  const perPiece = Math.max(1, Math.ceil(words.length / maximumPieces));
  const pieces: string[] = [];
  for (let index = 0; index < words.length; index += perPiece) pieces.push(words.slice(index, index + perPiece).join(''));
  return pieces;
}

function splitEvenly(text: string, count: number): string[] {
  if (text.length <= count) return [text];
  const size = Math.ceil(text.length / count);
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

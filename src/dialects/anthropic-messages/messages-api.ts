/**
 * Wire types of the Anthropic Messages API as clients send and read them on this surface, as far
 * as the translation reads them (unknown block types pass through the pass-through path untouched).
 * @see https://docs.anthropic.com/en/api/messages
 */
export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: MessagesMessage[];
  system?: string | MessagesTextBlock[];
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  tools?: MessagesTool[];
  tool_choice?: { type: 'auto' | 'any' | 'none' | 'tool'; name?: string; disable_parallel_tool_use?: boolean };
  thinking?: { type: 'enabled'; budget_tokens: number } | { type: 'disabled' } | { type: string; [field: string]: unknown };
  metadata?: { user_id?: string | null };
  [field: string]: unknown;
}

export interface MessagesMessage {
  /** `system` messages (text only) carry instructions from their position on, as Anthropic's current API allows. */
  role: 'user' | 'assistant' | 'system';
  content: string | MessagesContentBlock[];
}

export interface MessagesTextBlock {
  type: 'text';
  text: string;
  [field: string]: unknown;
}

export interface MessagesImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
}

export interface MessagesToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

export interface MessagesToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | (MessagesTextBlock | MessagesImageBlock)[];
  is_error?: boolean;
}

export interface MessagesThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export type MessagesContentBlock =
  | MessagesTextBlock
  | MessagesImageBlock
  | MessagesToolUseBlock
  | MessagesToolResultBlock
  | MessagesThinkingBlock
  | { type: string; [field: string]: unknown };

export interface MessagesTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  type?: string;
}

export type MessagesStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal' | 'pause_turn';

export interface MessagesUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number | null;
  cache_read_input_tokens: number | null;
  /** Not Anthropic's: what the request cost through the gateway, in credits (SDKs keep unknown fields). */
  cost?: number;
}

export interface MessagesResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: MessagesContentBlock[];
  stop_reason: MessagesStopReason | null;
  stop_sequence: string | null;
  usage: MessagesUsage;
}

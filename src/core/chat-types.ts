/**
 * The gateway's hub shape for chat: OpenAI Chat Completions, typed as far as the gateway reads it.
 * Every dialect decodes into it and every provider adapter encodes from it, so translation costs
 * one converter per dialect plus one per provider (see ARCHITECTURE.md, "Why OpenAI chat is the hub").
 * Fields the gateway does not read travel untouched through the index signatures.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

export type ContentPart = TextPart | ImagePart | { type: string; [field: string]: unknown };

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: ChatRole;
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  [field: string]: unknown;
}

/** A piece of a streamed tool call: the first piece of each call carries its id and name, the rest argument fragments. */
export interface ToolCallDelta {
  /** Position of the call in the message's `tool_calls` array, from 0. */
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean; [field: string]: unknown } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  stop?: string | string[] | null;
  reasoning_effort?: string | null;
  tools?: ChatTool[];
  tool_choice?: unknown;
  response_format?: { type: string; [field: string]: unknown };
  [field: string]: unknown;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; [field: string]: unknown } | null;
  completion_tokens_details?: { reasoning_tokens?: number; [field: string]: unknown } | null;
  /** Not OpenAI's: input tokens written to a prompt cache, reported by translating adapters (Anthropic). */
  cache_creation_input_tokens?: number;
  [field: string]: unknown;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: number;
    message: ChatMessage;
    finish_reason: string | null;
    [field: string]: unknown;
  }[];
  usage?: ChatUsage;
  [field: string]: unknown;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: {
    index: number;
    delta: Partial<Omit<ChatMessage, 'tool_calls'>> & { tool_calls?: ToolCallDelta[] };
    finish_reason: string | null;
    [field: string]: unknown;
  }[];
  usage?: ChatUsage | null;
  [field: string]: unknown;
}

/** One chunk of a streamed hub answer. */
export interface ChatStreamEvent {
  /** The chunk; on a `plainText` event, parsed from `raw` when first read. */
  readonly chunk: ChatCompletionChunk;
  /**
   * The chunk's JSON exactly as the provider sent it. Present on the pass-through path, so the
   * relay forwards the provider's bytes unless it must change the chunk.
   */
  raw?: string;
  /**
   * Set when the provider's event is a plain text delta — one choice's content and nothing else
   * the gateway reads (no usage, error, finish reason, tool call, reasoning or refusal): the text
   * it carries, read from `raw`, so a relay of `raw` need not parse it (most events of a stream).
   */
  plainText?: string;
}

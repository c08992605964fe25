/**
 * Wire types of OpenAI's Responses API as clients send and read them on this surface, as far as
 * the gateway reads or writes them. The pass-through path relays every other field untouched.
 * @see https://platform.openai.com/docs/api-reference/responses
 */
export interface ResponsesRequest {
  model: string;
  input?: string | ResponsesInputItem[];
  instructions?: string | null;
  tools?: ResponsesTool[];
  tool_choice?: 'none' | 'auto' | 'required' | { type: string; name?: string; [field: string]: unknown };
  parallel_tool_calls?: boolean | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  reasoning?: { effort?: string | null; summary?: string | null; [field: string]: unknown } | null;
  text?: { format?: ResponsesTextFormat; verbosity?: string | null; [field: string]: unknown } | null;
  stream?: boolean | null;
  background?: boolean | null;
  store?: boolean | null;
  previous_response_id?: string | null;
  metadata?: Record<string, string> | null;
  [field: string]: unknown;
}

export type ResponsesTextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; description?: string; strict?: boolean | null };

/** An input item; messages may omit `type` (the "easy input message"). */
export type ResponsesInputItem = ResponsesInputMessage | ResponsesFunctionCall | ResponsesFunctionCallOutput | { type: string; [field: string]: unknown };

export interface ResponsesInputMessage {
  type?: 'message';
  role: 'user' | 'assistant' | 'system' | 'developer';
  content: string | ResponsesContentPart[];
  [field: string]: unknown;
}

export type ResponsesContentPart =
  | { type: 'input_text'; text: string }
  | { type: 'output_text'; text: string; [field: string]: unknown }
  | { type: 'refusal'; refusal: string }
  | { type: 'input_image'; image_url?: string | null; file_id?: string | null; detail?: 'low' | 'high' | 'auto' }
  | { type: string; [field: string]: unknown };

export interface ResponsesFunctionCall {
  type: 'function_call';
  call_id: string;
  name: string;
  arguments: string;
  id?: string;
  status?: string;
}

export interface ResponsesFunctionCallOutput {
  type: 'function_call_output';
  call_id: string;
  output: string | ResponsesContentPart[];
  id?: string | null;
}

export interface ResponsesFunctionTool {
  type: 'function';
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
}

export type ResponsesTool = ResponsesFunctionTool | { type: string; [field: string]: unknown };

export type ResponseStatus = 'queued' | 'in_progress' | 'completed' | 'incomplete' | 'failed' | 'cancelled';

export interface ResponsesOutputText {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

export interface ResponsesOutputMessage {
  id: string;
  type: 'message';
  status: 'in_progress' | 'completed' | 'incomplete';
  role: 'assistant';
  content: (ResponsesOutputText | { type: 'refusal'; refusal: string })[];
}

export interface ResponsesFunctionCallItem {
  id: string;
  type: 'function_call';
  status: 'in_progress' | 'completed' | 'incomplete';
  arguments: string;
  call_id: string;
  name: string;
  /** The namespace tool the function belongs to, when it is grouped. */
  namespace?: string;
}

/** Reasoning text of open-weight models is `reasoning_text` content; OpenAI's own models show only summaries. */
export interface ResponsesReasoningItem {
  id: string;
  type: 'reasoning';
  summary: { type: 'summary_text'; text: string }[];
  content?: { type: 'reasoning_text'; text: string }[];
}

export type ResponsesOutputItem = ResponsesOutputMessage | ResponsesFunctionCallItem | ResponsesReasoningItem;

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
  /** Not OpenAI's: what the request cost through the gateway, in credits. */
  cost?: number;
}

/** @see https://platform.openai.com/docs/api-reference/responses/object */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  background: boolean;
  completed_at: number | null;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: ResponsesOutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: ResponsesTextFormat };
  tool_choice: ResponsesRequest['tool_choice'];
  tools: ResponsesTool[];
  top_p: number | null;
  truncation: 'disabled';
  usage: ResponsesUsage | null;
  metadata: Record<string, string>;
}

/** One event of a Responses stream; `type` is also the SSE event name. @see https://platform.openai.com/docs/api-reference/responses-streaming */
export interface ResponsesStreamEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

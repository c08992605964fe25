/**
 * A Responses API request body as the simulator reads it, after `checkResponsesRequest` accepted
 * its shape. Field names are the API's own.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export interface ResponsesRequestBody {
  model: string;
  input?: string | ResponsesInputItem[];
  instructions?: string | null;
  tools?: ResponsesTool[] | null;
  tool_choice?: string | { type: string; name?: string } | null;
  text?: { format?: ResponsesTextFormat; verbosity?: string | null } | null;
  reasoning?: { effort?: string | null; summary?: string | null } | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  parallel_tool_calls?: boolean | null;
  previous_response_id?: string | null;
  store?: boolean | null;
  background?: boolean | null;
  stream?: boolean | null;
  stream_options?: { include_obfuscation?: boolean | null } | null;
  metadata?: Record<string, string> | null;
  [parameter: string]: unknown;
}

/**
 * One input item. Messages may omit `type` (the "easy input message"); the other kinds the
 * simulator reads are function calls and their outputs, echoed back by the client.
 */
export interface ResponsesInputItem {
  type?: string;
  role?: string;
  content?: string | ResponsesContentPart[];
  call_id?: string;
  name?: string;
  arguments?: string;
  output?: string | ResponsesContentPart[];
  [field: string]: unknown;
}

export interface ResponsesContentPart {
  type: string;
  text?: string;
  image_url?: string | null;
  [field: string]: unknown;
}

export interface ResponsesTool {
  type: string;
  name?: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
  [field: string]: unknown;
}

export interface ResponsesTextFormat {
  type: string;
  name?: string;
  schema?: unknown;
  strict?: boolean | null;
  description?: string;
}

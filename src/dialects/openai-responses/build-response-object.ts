import type { ResponseObject, ResponsesOutputItem, ResponsesRequest, ResponsesTool, ResponsesUsage } from './responses-api.ts';

export interface ResponseObjectFields {
  id: string;
  createdAt: number;
  /** The model id the client asked for. */
  model: string;
  request: ResponsesRequest;
  /** A background run's response (its request, as served, no longer says so). */
  background?: boolean;
  status: ResponseObject['status'];
  output: ResponsesOutputItem[];
  usage: ResponsesUsage | null;
  incompleteDetails?: ResponseObject['incomplete_details'];
  error?: ResponseObject['error'];
}

/**
 * A translated Response, the request's parameters echoed the way OpenAI echoes them, `store` and
 * `previous_response_id` included (the gateway stores it unless the client asked it not to).
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
export function buildResponseObject(fields: ResponseObjectFields): ResponseObject {
  const { request } = fields;
  return {
    id: fields.id,
    object: 'response',
    created_at: fields.createdAt,
    status: fields.status,
    background: fields.background === true,
    completed_at: fields.status === 'completed' ? Math.floor(Date.now() / 1000) : null,
    error: fields.error ?? null,
    incomplete_details: fields.incompleteDetails ?? null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: fields.model,
    output: fields.output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: typeof request.previous_response_id === 'string' ? request.previous_response_id : null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: null },
    store: request.store !== false,
    temperature: request.temperature ?? null,
    text: { format: request.text?.format ?? { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: (request.tools ?? []).map(echoTool),
    top_p: request.top_p ?? null,
    truncation: 'disabled',
    usage: fields.usage,
    metadata: request.metadata ?? {},
  };
}

function echoTool(tool: ResponsesTool): ResponsesTool {
  if (tool.type !== 'function') return tool;
  return { type: 'function', name: tool.name as string, description: (tool.description as string | undefined) ?? null, parameters: (tool.parameters as Record<string, unknown> | undefined) ?? null, strict: (tool.strict as boolean | undefined) ?? null };
}

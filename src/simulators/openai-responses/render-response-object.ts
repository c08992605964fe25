import type { ResponseOutcome, SimulatedResponse } from './build-simulated-response.ts';

/**
 * The Response object as OpenAI writes it, fields in its order, request parameters echoed with
 * the defaults filled in. `outcome` renders a state other than the response's current one (the
 * empty `in_progress` object that opens a stream, a failure).
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
export function renderResponseObject(
  response: SimulatedResponse,
  outcome: ResponseOutcome = response,
  error: { code: string; message: string } | null = null,
): Record<string, unknown> {
  const { request } = response;
  return {
    id: response.id,
    object: 'response',
    created_at: response.createdAt,
    status: outcome.status,
    background: response.background,
    completed_at: outcome.status === 'completed' ? response.completedAt : null,
    error,
    incomplete_details: outcome.incompleteDetails,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    max_tool_calls: null,
    model: response.responseModel,
    output: outcome.output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    prompt_cache_key: null,
    prompt_cache_retention: null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    safety_identifier: null,
    service_tier: 'default',
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: { format: request.text?.format ?? { type: 'text' }, verbosity: request.text?.verbosity ?? 'medium' },
    tool_choice: request.tool_choice ?? 'auto',
    tools: (request.tools ?? []).map((tool) =>
      tool.type === 'function'
        ? { type: 'function', description: tool.description ?? null, name: tool.name, parameters: tool.parameters ?? null, strict: tool.strict ?? true }
        : tool,
    ),
    top_logprobs: 0,
    top_p: request.top_p ?? 1,
    truncation: 'disabled',
    usage: outcome.usage,
    user: null,
    metadata: request.metadata ?? {},
  };
}

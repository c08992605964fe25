import type { ResponseObject } from './responses-api.ts';

/**
 * A chat finish reason as a Response's status: an answer cut by the token limit or a content
 * filter is `incomplete`, with the reason; everything else (stop, tool calls) is `completed`.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-incomplete_details
 */
export function mapFinishReasonToResponseStatus(finishReason: string | null | undefined): Pick<ResponseObject, 'status' | 'incomplete_details'> {
  if (finishReason === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

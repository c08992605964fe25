import { openaiSimulatorProfile } from '../openai-simulator-profile.ts';
import type { SimulatorError } from '../simulator-error.ts';
import type { ChatRequestBody, SimulatedModel } from '../simulator-profile.ts';
import { responsesError } from './responses-error.ts';
import type { ResponsesRequestBody } from './responses-request-body.ts';

/**
 * The model's own rules (which reasoning efforts it takes, whether it samples, whether it calls
 * functions), asked of the OpenAI chat simulator so the two endpoints never disagree about a
 * model, then worded as /v1/responses words them.
 */
export function checkResponsesModelRules(request: ResponsesRequestBody, model: SimulatedModel): SimulatorError | undefined {
  const probe = (fields: Partial<ChatRequestBody>) =>
    openaiSimulatorProfile.checkRequest({ model: model.id, messages: [{ role: 'user', content: 'probe' }], ...fields }, model);
  const effort = request.reasoning?.effort ?? undefined;

  if (effort !== undefined) {
    const refusal = probe({ reasoning_effort: effort });
    if (refusal) {
      const { message } = readError(refusal);
      return responsesError(400, message.replaceAll('reasoning_effort', 'reasoning.effort'), 'reasoning.effort', readError(refusal).code);
    }
  }
  for (const parameter of ['temperature', 'top_p'] as const) {
    const value = request[parameter];
    if (value === undefined || value === null) continue;
    // @see https://platform.openai.com/docs/guides/reasoning#limitations
    if (probe({ reasoning_effort: effort, [parameter]: value })) {
      return responsesError(400, `Unsupported parameter: '${parameter}' is not supported with this model.`, parameter, null);
    }
  }
  const functionTools = (request.tools ?? []).filter((tool) => tool.type === 'function');
  if (functionTools.length > 0) {
    const refusal = probe({ tools: functionTools.map((tool) => ({ type: 'function', function: { name: String(tool.name) } })) });
    if (refusal) return responsesError(400, readError(refusal).message, 'tools', null);
  }
  return undefined;
}

function readError(error: SimulatorError): { message: string; code: string | null } {
  const body = error.body as { error?: { message?: string; code?: string | null } };
  return { message: body.error?.message ?? 'Invalid request.', code: body.error?.code ?? null };
}

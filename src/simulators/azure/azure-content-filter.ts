import { messageText } from '../estimate-tokens.ts';
import { SimulatorError } from '../simulator-error.ts';
import type { ChatRequestBody } from '../simulator-profile.ts';

/**
 * A prompt containing this phrase (in any message) is refused the way Azure's content filter
 * refuses a harmful prompt, so tests can reach that path without writing one.
 */
export const AZURE_CONTENT_FILTER_TRIGGER = 'AZURE_CONTENT_FILTER_TRIGGER';

const safe = { filtered: false, severity: 'safe' };
const notDetected = { filtered: false, detected: false };

/**
 * Azure OpenAI's content filtering annotations, with the default filter configuration: the prompt
 * is checked for hate, self-harm, sexual content, violence and jailbreak attempts; a completion for
 * the four harm categories and for protected material (text and code).
 * @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/concepts/content-filter#annotations
 */
export function promptFilterResults(): unknown[] {
  return [{ prompt_index: 0, content_filter_results: { hate: safe, jailbreak: notDetected, self_harm: safe, sexual: safe, violence: safe } }];
}

export function completionFilterResults(): Record<string, unknown> {
  return { hate: safe, protected_material_code: notDetected, protected_material_text: notDetected, self_harm: safe, sexual: safe, violence: safe };
}

/** What a streamed content chunk carries: the harm categories of the batch it belongs to. */
export function streamedCompletionFilterResults(): Record<string, unknown> {
  return { hate: safe, self_harm: safe, sexual: safe, violence: safe };
}

export function triggersContentFilter(request: ChatRequestBody): boolean {
  return request.messages.some((message) => messageText(message).includes(AZURE_CONTENT_FILTER_TRIGGER));
}

/**
 * Azure's refusal of a filtered prompt: 400, `code: "content_filter"`, `param: "prompt"`, and the
 * filter's verdict in `innererror`.
 * @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/concepts/content-filter#scenario-details
 * @see https://github.com/microsoft/TinyTroupe/issues/85 (the body as api-version 2024-10-21 sends it)
 */
export function contentFilterError(): SimulatorError {
  return new SimulatorError(400, {
    error: {
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
      type: null,
      param: 'prompt',
      code: 'content_filter',
      status: 400,
      innererror: {
        code: 'ResponsibleAIPolicyViolation',
        content_filter_result: { hate: safe, jailbreak: notDetected, self_harm: safe, sexual: safe, violence: { filtered: true, severity: 'medium' } },
      },
    },
  });
}

import type { OpenAICompatibleProfile } from './openai-compatible-profile.ts';
import { readOpenAIError } from './read-openai-error.ts';

/**
 * A server of the operator's own that speaks OpenAI's Chat Completions (YAML `type:
 * openai-compatible`): vLLM, Ollama, LM Studio, llama.cpp's server, TGI. What they share is taken
 * for granted, what they differ in is avoided: `developer` messages go as `system` (chat templates
 * seldom know the role), stream usage is asked for with `stream_options` (vLLM, Ollama and LM Studio
 * honour it), reasoning is read from `reasoning` or `reasoning_content`, and a key is sent only when
 * one is configured.
 * @see https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html
 * @see https://github.com/ollama/ollama/blob/main/docs/openai.md
 */
export function openAICompatibleServerProfile(id: string, displayName: string): OpenAICompatibleProfile {
  return {
    descriptor: { id, displayName, apiKeyEnv: [], baseUrlEnv: [], defaultBaseUrl: '' },
    nativeSurfaces: ['openai-chat'],
    chatPath: '/chat/completions',
    acceptsDeveloperRole: false,
    streamUsageOption: true,
    requiresAlternatingRoles: false,
    reasoningTokensInCompletion: true,
    reasoningInThinkTags: false,
    // vLLM's reasoning parsers write `reasoning` (`reasoning_content` until 2026), Ollama too; LM Studio `reasoning_content`.
    reasoningNamedReasoning: true,
    readError: readOpenAIError,
  };
}

/**
 * The model and method of a Gemini API path after its version (`/v1beta/…`):
 * `models/{model}:{method}` as `@google/genai` writes it, or `{model}:{method}` as Google's legacy
 * SDK (LangChain's) writes an id that contains `/` (`accounts/fireworks/models/x:generateContent`).
 * The method follows the last `:`; one leading `models/` is the collection, not the id; ids keep
 * their `/`. A path without `:` names no method ('').
 * @see https://ai.google.dev/api/generate-content#method:-models.generatecontent
 */
export function parseGeminiModelPath(path: string): { model: string; method: string } {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  const separator = trimmed.lastIndexOf(':');
  const name = separator >= 0 ? trimmed.slice(0, separator) : trimmed;
  return { model: name.startsWith('models/') ? name.slice('models/'.length) : name, method: separator >= 0 ? trimmed.slice(separator + 1) : '' };
}

import type { GeminiGenerateContentResponse } from '../../providers/google/gemini-api.ts';

/** The output of a GenerateContentResponse (text, thoughts, function calls), for counting when Google reported no usage. */
export function geminiOutputText(response: GeminiGenerateContentResponse | undefined): string {
  let text = '';
  for (const candidate of Array.isArray(response?.candidates) ? response.candidates : []) {
    for (const part of Array.isArray(candidate?.content?.parts) ? candidate.content.parts : []) {
      if (typeof part?.text === 'string') text += part.text;
      if (part?.functionCall && typeof part.functionCall === 'object') text += `${String(part.functionCall.name)}${JSON.stringify(part.functionCall.args ?? {})}`;
    }
  }
  return text;
}

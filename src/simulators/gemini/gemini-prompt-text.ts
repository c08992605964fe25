/** The text of a Gemini request's contents, every text part joined: what the media models (image, speech) work from. */
export function geminiPromptText(contents: unknown): string {
  return (Array.isArray(contents) ? contents : [])
    .flatMap((content: { parts?: unknown }) => (Array.isArray(content?.parts) ? content.parts : []))
    .map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : ''))
    .join('');
}

/** The output a Responses answer carries (message text, refusals, reasoning summaries, function calls): what is counted when the provider reports no usage. */
export function responsesOutputText(response: unknown): string {
  const output = (response as { output?: unknown } | null)?.output;
  if (!Array.isArray(output)) return '';
  let text = '';
  for (const item of output as { type?: unknown; content?: unknown; summary?: unknown; name?: unknown; arguments?: unknown; input?: unknown }[]) {
    for (const part of [...(Array.isArray(item?.content) ? item.content : []), ...(Array.isArray(item?.summary) ? item.summary : [])] as { text?: unknown; refusal?: unknown }[]) {
      if (typeof part?.text === 'string') text += part.text;
      if (typeof part?.refusal === 'string') text += part.refusal;
    }
    if (typeof item?.name === 'string') text += item.name;
    if (typeof item?.arguments === 'string') text += item.arguments;
    if (typeof item?.input === 'string') text += item.input;
  }
  return text;
}

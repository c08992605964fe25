/** The output a Messages answer carries (text, thinking, tool calls): what is counted when the provider reports no usage. */
export function messagesOutputText(message: unknown): string {
  const content = (message as { content?: unknown } | null)?.content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const block of content as { type?: unknown; text?: unknown; thinking?: unknown; name?: unknown; input?: unknown }[]) {
    if (typeof block?.text === 'string') text += block.text;
    if (typeof block?.thinking === 'string') text += block.thinking;
    if (block?.type === 'tool_use' || block?.type === 'server_tool_use') text += String(block.name ?? '') + JSON.stringify(block.input ?? {});
  }
  return text;
}

import type { ResponsesRequest } from './responses-api.ts';

/**
 * A `namespace` tool groups functions (Codex sends one; the Agents SDK's `toolNamespace` makes
 * them), and a call of one names its function and its namespace apart. Chat providers know only
 * flat function names, so a translated request offers each grouped function as
 * `<namespace>__<name>`, a call in a translated answer is split back into its name and namespace,
 * and a namespaced call sent back as input is joined again.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-tools
 */
const SEPARATOR = '__';

export function flatFunctionName(namespace: string | null | undefined, name: string): string {
  return namespace ? `${namespace}${SEPARATOR}${name}` : name;
}

/** The flat names of the request's namespaced functions, each with the name and namespace a client expects in a call. */
export function namespacedFunctionsOf(request: ResponsesRequest): Map<string, { name: string; namespace: string }> {
  const functions = new Map<string, { name: string; namespace: string }>();
  for (const tool of request.tools ?? []) {
    if (tool.type !== 'namespace') continue;
    const { name: namespace, tools } = tool as { name?: unknown; tools?: unknown };
    if (typeof namespace !== 'string' || !Array.isArray(tools)) continue;
    for (const inner of tools as { type?: unknown; name?: unknown }[]) {
      if (inner?.type === 'function' && typeof inner.name === 'string') functions.set(flatFunctionName(namespace, inner.name), { name: inner.name, namespace });
    }
  }
  return functions;
}

/** A call's `name` (and `namespace` when its function is grouped), from the name the provider called. */
export function callName(flatName: string, namespaced: Map<string, { name: string; namespace: string }>): { name: string; namespace?: string } {
  return namespaced.get(flatName) ?? { name: flatName };
}

import type { ChatRequestBody, RequestShapeIssue } from './simulator-profile.ts';

export type ShapeCheck = { ok: true; request: ChatRequestBody } | { ok: false; issue: RequestShapeIssue };

const numericParameters = ['temperature', 'top_p', 'frequency_penalty', 'presence_penalty', 'max_tokens', 'max_completion_tokens', 'n', 'seed'];
const integerParameters = new Set(['max_tokens', 'max_completion_tokens', 'n', 'seed']);

export interface ShapeRules {
  /** Message roles the provider knows, or `any` where it passes any role string on (vLLM). */
  roles: readonly string[] | 'any';
  /** Whether a missing `model` is refused (not on vLLM nor Azure, which find the model elsewhere). */
  requiresModelField: boolean;
}

/**
 * The checks every OpenAI-compatible provider makes before looking at the model: `model` a string,
 * `messages` a non-empty array of messages whose roles the provider knows, numeric parameters
 * numbers. The first problem found is reported, as the providers do.
 */
export function checkChatRequestShape(body: unknown, rules: ShapeRules): ShapeCheck {
  if (!isRecord(body)) return fail({ kind: 'invalid-type', param: 'body', expected: 'object', received: describeType(body) });
  const modelMissing = !('model' in body) || body.model === null || body.model === undefined;
  if (modelMissing && rules.requiresModelField) return fail({ kind: 'missing', param: 'model' });
  if (!modelMissing && typeof body.model !== 'string') return fail({ kind: 'invalid-type', param: 'model', expected: 'string', received: describeType(body.model) });
  if (!('messages' in body) || body.messages === null || body.messages === undefined) return fail({ kind: 'missing', param: 'messages' });
  if (!Array.isArray(body.messages)) return fail({ kind: 'invalid-type', param: 'messages', expected: 'array', received: describeType(body.messages) });
  if (body.messages.length === 0) return fail({ kind: 'empty-array', param: 'messages' });

  for (const [index, message] of body.messages.entries()) {
    const param = `messages[${index}]`;
    if (!isRecord(message)) return fail({ kind: 'invalid-type', param, expected: 'object', received: describeType(message) });
    if (message.role === undefined || message.role === null) return fail({ kind: 'missing', param: `${param}.role` });
    if (typeof message.role !== 'string') return fail({ kind: 'invalid-type', param: `${param}.role`, expected: 'string', received: describeType(message.role) });
    if (rules.roles !== 'any' && !rules.roles.includes(message.role)) return fail({ kind: 'invalid-role', param: `${param}.role`, role: message.role });
    const content = message.content;
    if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content)) {
      return fail({ kind: 'invalid-type', param: `${param}.content`, expected: 'string', received: describeType(content) });
    }
    if (Array.isArray(content)) {
      for (const [partIndex, part] of content.entries()) {
        if (!isRecord(part)) return fail({ kind: 'invalid-type', param: `${param}.content[${partIndex}]`, expected: 'object', received: describeType(part) });
        if (typeof part.type !== 'string') return fail({ kind: 'missing', param: `${param}.content[${partIndex}].type` });
      }
    }
  }

  for (const parameter of numericParameters) {
    const value = body[parameter];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number') {
      return fail({ kind: 'invalid-type', param: parameter, expected: integerParameters.has(parameter) ? 'integer' : 'number', received: describeType(value) });
    }
    if (integerParameters.has(parameter) && !Number.isInteger(value)) {
      return fail({ kind: 'invalid-type', param: parameter, expected: 'integer', received: 'decimal' });
    }
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    return fail({ kind: 'invalid-type', param: 'stream', expected: 'boolean', received: describeType(body.stream) });
  }
  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) return fail({ kind: 'invalid-type', param: 'tools', expected: 'array', received: describeType(body.tools) });
    for (const [index, tool] of body.tools.entries()) {
      if (!isRecord(tool) || !isRecord(tool.function)) return fail({ kind: 'missing', param: `tools[${index}].function` });
      if (typeof tool.function.name !== 'string') return fail({ kind: 'missing', param: `tools[${index}].function.name` });
    }
  }
  return { ok: true, request: body as unknown as ChatRequestBody };
}

/**
 * OpenAI's tool-message rules: a `tool` message must answer a `tool_calls` id of the assistant
 * message right before its run of tool messages, and every such id must be answered.
 */
export function findToolMessageIssue(request: ChatRequestBody): RequestShapeIssue | undefined {
  const { messages } = request;
  for (let index = 0; index < messages.length; index += 1) {
    const message = messages[index]!;
    if (message.role === 'assistant' && Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
      const answered = new Set<string>();
      let next = index + 1;
      while (next < messages.length && messages[next]!.role === 'tool') {
        answered.add(String(messages[next]!.tool_call_id));
        next += 1;
      }
      const unanswered = message.tool_calls.map((toolCall) => toolCall.id).filter((id) => !answered.has(id));
      if (unanswered.length > 0) return { kind: 'unanswered-tool-calls', param: `messages.[${index}].role`, toolCallIds: unanswered };
    }
    if (message.role === 'tool') {
      let start = index;
      while (start > 0 && messages[start - 1]!.role === 'tool') start -= 1;
      const owner = messages[start - 1];
      const ids = owner?.role === 'assistant' ? (owner.tool_calls ?? []).map((toolCall) => toolCall.id) : [];
      if (!ids.includes(String(message.tool_call_id))) return { kind: 'orphan-tool-message', param: `messages.[${index}].role`, index };
    }
  }
  return undefined;
}

function fail(issue: RequestShapeIssue): ShapeCheck {
  return { ok: false, issue };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Type names as OpenAI's validation messages spell them ("expected an array, but got a string"). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'decimal';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

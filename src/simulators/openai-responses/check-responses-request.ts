import { describeType } from '../check-chat-request-shape.ts';
import type { SimulatorError } from '../simulator-error.ts';
import { responsesError } from './responses-error.ts';
import type { ResponsesRequestBody } from './responses-request-body.ts';

export type ResponsesRequestCheck = { ok: true; request: ResponsesRequestBody } | { ok: false; error: SimulatorError };

const messageRoles = ['assistant', 'system', 'developer', 'user'];
const contentTypes = ['input_text', 'input_image', 'input_file', 'output_text', 'refusal'];
/** Input items the simulator reads; others (reasoning, item references) are accepted and skipped. */
const inputItemTypes = ['message', 'function_call', 'function_call_output', 'reasoning', 'item_reference'];
/** Built-in tools the real API knows: accepted, never called (the simulated model answers in text). */
const builtInTools = ['web_search', 'web_search_preview', 'file_search', 'computer_use_preview', 'code_interpreter', 'image_generation', 'mcp', 'local_shell', 'shell', 'custom', 'apply_patch'];

/**
 * The shape checks /v1/responses makes before it looks at the model, first problem first, in
 * OpenAI's wording ("Missing required parameter: 'model'.", "Invalid type for 'input' …").
 */
export function checkResponsesRequest(body: unknown): ResponsesRequestCheck {
  if (!isRecord(body)) return fail(responsesError(400, `Invalid type for body: expected an object, but got ${article(describeType(body))} instead.`, null, 'invalid_type'));
  if (body.model === undefined || body.model === null) return missing('model');
  if (typeof body.model !== 'string') return invalidType('model', 'a string', body.model);

  const input = body.input;
  if (input !== undefined && input !== null && typeof input !== 'string') {
    if (!Array.isArray(input)) return invalidType('input', 'one of a string or array of input items', input);
    for (const [index, item] of input.entries()) {
      const problem = checkInputItem(item, `input[${index}]`);
      if (problem) return fail(problem);
    }
  }

  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) return invalidType('tools', 'an array', body.tools);
    for (const [index, tool] of body.tools.entries()) {
      const param = `tools[${index}]`;
      if (!isRecord(tool)) return invalidType(param, 'an object', tool);
      if (typeof tool.type !== 'string') return missing(`${param}.type`);
      const problem = checkTool(tool, param);
      if (problem) return fail(problem);
    }
  }

  const toolChoice = body.tool_choice;
  if (typeof toolChoice === 'string' && !['none', 'auto', 'required'].includes(toolChoice)) {
    return fail(responsesError(400, `Invalid value: '${toolChoice}'. Supported values are: 'none', 'auto', and 'required'.`, 'tool_choice', 'invalid_value'));
  }
  if (isRecord(toolChoice) && toolChoice.type === 'function') {
    const tools = Array.isArray(body.tools) ? (body.tools as { type?: unknown; name?: unknown }[]) : [];
    if (!tools.some((tool) => tool.type === 'function' && tool.name === toolChoice.name)) {
      return fail(responsesError(400, "Tool choice 'function' not found in 'tools' parameter.", 'tool_choice', null));
    }
  }

  for (const parameter of ['temperature', 'top_p', 'max_output_tokens'] as const) {
    const value = body[parameter];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number') return invalidType(parameter, parameter === 'max_output_tokens' ? 'an integer' : 'a decimal', value);
  }
  if (typeof body.max_output_tokens === 'number') {
    if (!Number.isInteger(body.max_output_tokens)) return invalidType('max_output_tokens', 'an integer', body.max_output_tokens);
    // @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-max_output_tokens
    if (body.max_output_tokens < 16) {
      return fail(responsesError(400, `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${body.max_output_tokens} instead.`, 'max_output_tokens', 'integer_below_min_value'));
    }
  }
  for (const parameter of ['stream', 'background', 'store', 'parallel_tool_calls'] as const) {
    const value = body[parameter];
    if (value !== undefined && value !== null && typeof value !== 'boolean') return invalidType(parameter, 'a boolean', value);
  }
  if (body.previous_response_id !== undefined && body.previous_response_id !== null && typeof body.previous_response_id !== 'string') {
    return invalidType('previous_response_id', 'a string', body.previous_response_id);
  }

  const format = isRecord(body.text) ? body.text.format : undefined;
  if (isRecord(format) && format.type === 'json_schema') {
    if (typeof format.name !== 'string') return missing('text.format.name');
    if (!isRecord(format.schema)) return missing('text.format.schema');
  }
  return { ok: true, request: body as unknown as ResponsesRequestBody };
}

function checkInputItem(item: unknown, param: string): SimulatorError | undefined {
  if (!isRecord(item)) return responsesError(400, `Invalid type for '${param}': expected an input item, but got ${article(describeType(item))} instead.`, param, 'invalid_type');
  const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
  if (typeof type !== 'string') return responsesError(400, `Missing required parameter: '${param}.type'.`, `${param}.type`, 'missing_required_parameter');
  if (!inputItemTypes.includes(type)) {
    return responsesError(400, `Invalid value: '${type}'. Supported values are: ${listValues(inputItemTypes)}.`, `${param}.type`, 'invalid_value');
  }
  switch (type) {
    case 'message': {
      if (typeof item.role !== 'string') return responsesError(400, `Missing required parameter: '${param}.role'.`, `${param}.role`, 'missing_required_parameter');
      if (!messageRoles.includes(item.role)) {
        return responsesError(400, `Invalid value: '${item.role}'. Supported values are: ${listValues(messageRoles)}.`, `${param}.role`, 'invalid_value');
      }
      if (typeof item.content === 'string') return undefined;
      if (!Array.isArray(item.content)) return responsesError(400, `Missing required parameter: '${param}.content'.`, `${param}.content`, 'missing_required_parameter');
      for (const [index, part] of item.content.entries()) {
        const partParam = `${param}.content[${index}]`;
        if (!isRecord(part) || typeof part.type !== 'string') return responsesError(400, `Missing required parameter: '${partParam}.type'.`, `${partParam}.type`, 'missing_required_parameter');
        if (!contentTypes.includes(part.type)) {
          return responsesError(400, `Invalid value: '${part.type}'. Supported values are: ${listValues(contentTypes)}.`, `${partParam}.type`, 'invalid_value');
        }
        if ((part.type === 'input_text' || part.type === 'output_text') && typeof part.text !== 'string') {
          return responsesError(400, `Missing required parameter: '${partParam}.text'.`, `${partParam}.text`, 'missing_required_parameter');
        }
      }
      return undefined;
    }
    case 'function_call':
      for (const field of ['call_id', 'name', 'arguments']) {
        if (typeof item[field] !== 'string') return responsesError(400, `Missing required parameter: '${param}.${field}'.`, `${param}.${field}`, 'missing_required_parameter');
      }
      return undefined;
    case 'function_call_output':
      if (typeof item.call_id !== 'string') return responsesError(400, `Missing required parameter: '${param}.call_id'.`, `${param}.call_id`, 'missing_required_parameter');
      if (typeof item.output !== 'string' && !Array.isArray(item.output)) {
        return responsesError(400, `Missing required parameter: '${param}.output'.`, `${param}.output`, 'missing_required_parameter');
      }
      return undefined;
    default:
      return undefined;
  }
}

function fail(error: SimulatorError): ResponsesRequestCheck {
  return { ok: false, error };
}

function missing(param: string): ResponsesRequestCheck {
  return fail(missingError(param));
}

function missingError(param: string): SimulatorError {
  return responsesError(400, `Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
}

function invalidType(param: string, expected: string, value: unknown): ResponsesRequestCheck {
  return fail(invalidTypeError(param, expected, value));
}

function invalidTypeError(param: string, expected: string, value: unknown): SimulatorError {
  return responsesError(400, `Invalid type for '${param}': expected ${expected}, but got ${article(describeType(value))} instead.`, param, 'invalid_type');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** "'a', 'b', and 'c'", the way OpenAI lists allowed values. */
function listValues(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  if (quoted.length <= 2) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
}

/**
 * A function tool, a `namespace` grouping function and custom tools (Codex sends one), or a
 * built-in tool the real API knows.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-tools
 */
function checkTool(tool: Record<string, unknown>, param: string): SimulatorError | undefined {
  if (typeof tool.type !== 'string') return missingError(`${param}.type`);
  if (tool.type === 'function') {
    if (typeof tool.name !== 'string') return missingError(`${param}.name`);
    if (tool.parameters !== undefined && tool.parameters !== null && !isRecord(tool.parameters)) return invalidTypeError(`${param}.parameters`, 'an object', tool.parameters);
    return undefined;
  }
  if (tool.type === 'namespace') {
    if (typeof tool.name !== 'string') return missingError(`${param}.name`);
    if (typeof tool.description !== 'string') return missingError(`${param}.description`);
    if (!Array.isArray(tool.tools)) return missingError(`${param}.tools`);
    if (tool.tools.length === 0) return responsesError(400, `Invalid '${param}.tools': empty array. Expected an array with minimum length 1, but got an empty array instead.`, `${param}.tools`, 'empty_array');
    for (const [index, inner] of tool.tools.entries()) {
      const innerParam = `${param}.tools[${index}]`;
      if (!isRecord(inner)) return invalidTypeError(innerParam, 'an object', inner);
      if (inner.type !== 'function' && inner.type !== 'custom') return responsesError(400, `Invalid value: '${String(inner.type)}'. Supported values are: 'function' and 'custom'.`, `${innerParam}.type`, 'invalid_value');
      const problem = checkTool(inner, innerParam);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!builtInTools.includes(tool.type)) return responsesError(400, `Invalid value: '${tool.type}'. Supported values are: ${listValues(['function', 'namespace', ...builtInTools])}.`, `${param}.type`, 'invalid_value');
  return undefined;
}

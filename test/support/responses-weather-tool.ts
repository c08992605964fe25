import type { FunctionTool } from 'openai/resources/responses/responses';

/** A Responses API function tool the Responses tests call (the Chat Completions one is provider-conformance.ts's WEATHER_TOOL). */
export const RESPONSES_WEATHER_TOOL: FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: null,
};

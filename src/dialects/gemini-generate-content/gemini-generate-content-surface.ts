import type { CatalogModel } from '../../catalog/catalog-model.ts';
import type { Surface } from '../../gateway/surface.ts';
import type { GeminiGenerateContentResponse } from '../../providers/google/gemini-api.ts';
import { readGeminiError } from '../../providers/google/read-gemini-error.ts';
import { formatSseEvent } from '../../streaming/format-sse-event.ts';
import { countJsonTokens } from '../../usage/count-json-tokens.ts';
import { estimatePromptTokens } from '../../usage/estimate-prompt-tokens.ts';
import { addGeminiUsageCost } from './add-gemini-usage-cost.ts';
import { decodeGeminiRequest } from './decode-gemini-request.ts';
import { encodeGeminiError } from './encode-gemini-error.ts';
import { encodeGeminiResponse } from './encode-gemini-response.ts';
import type { GeminiCallBody } from './gemini-call-body.ts';
import { geminiOutputText } from './gemini-output-text.ts';
import { createGeminiStreamEncoder } from './gemini-stream-encoder.ts';
import { readGeminiUsage } from './read-gemini-usage.ts';
import { createGeminiStreamTap } from './tap-gemini-stream.ts';

export const GEMINI_SURFACE_ID = 'gemini-generate-content';

/**
 * How the client asked for the answer, which Gemini says in the URL, not the body:
 * `generateContent` (one response), `streamGenerateContent?alt=sse` (events), or
 * `streamGenerateContent` without `alt=sse` (Google streams one JSON array of responses; the gateway
 * answers the same array whole — one element — which every JSON reader takes alike).
 */
export type GeminiAnswerMode = 'whole' | 'sse' | 'json-array';

/**
 * Google's Gemini API (`models/{model}:generateContent`, `:streamGenerateContent`, `:countTokens`),
 * for `@google/genai`, Google's legacy SDK and LangChain. Gemini models get the request passed
 * through (the body as sent, the model mapped in the path; upstream always `/v1beta`), only the
 * usageMetadata getting the gateway's `cost`; every other model gets it translated to the hub
 * request and the answer back, stream included. Errors in Google's shape (google.rpc.Status).
 * The model comes from the URL: the route puts it in the body's `model` (gemini-call-body.ts), and
 * there is one surface object per answer mode, all with the same id.
 * @see https://ai.google.dev/api/generate-content
 */
export function createGeminiGenerateContentSurface(mode: GeminiAnswerMode): Surface<GeminiCallBody> {
  const streamed = mode === 'sse';
  const wrap = (json: string) => (mode === 'json-array' ? `[${json}]` : json);
  return {
    id: GEMINI_SURFACE_ID,
    describe: (body) => ({ model: body.model, streamed }),
    decode: (body) => decodeGeminiRequest(body, { streamed }),
    encoders: ({ body }) => {
      const options = { model: body.model, includeThoughts: body.generationConfig?.thinkingConfig?.includeThoughts === true };
      return {
        completion: (completion, usage, cost) => {
          const response = encodeGeminiResponse(completion, { ...options, usage, cost });
          return mode === 'json-array' ? [response] : response;
        },
        stream: () => createGeminiStreamEncoder(options),
      };
    },
    encodeError: encodeGeminiError,
    native: {
      request: (call, model) => ({
        method: 'POST',
        path: `${modelPath(model)}:${streamed ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
        body: JSON.stringify(withoutModel(call.body)),
        headers: { 'content-type': 'application/json' },
      }),
      exchange: (call) => ({
        errors: 'map',
        readError: (body) => ({ message: readGeminiError(body).message }),
        readAnswer: (answer) => {
          const response = typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? (answer as GeminiGenerateContentResponse) : undefined;
          return { usage: readGeminiUsage(response?.usageMetadata), finished: response !== undefined, outputText: () => geminiOutputText(response) };
        },
        addCost: (text, cost) => {
          const withCost = addGeminiUsageCost(text, cost);
          return withCost === undefined && mode !== 'json-array' ? undefined : wrap(withCost ?? text);
        },
        createStreamTap: createGeminiStreamTap,
        encodeStreamError: (error) => formatSseEvent(JSON.stringify(encodeGeminiError(error))),
        estimatePrompt: () => estimateGeminiPrompt(call.body),
      }),
    },
    countTokens: {
      request: (call, model) => {
        const body = withoutModel(call.body);
        const inner = body.generateContentRequest;
        // A whole request names its model (the legacy SDK sends `models/<id>`): Google's id, not the gateway's.
        if (inner && typeof inner === 'object') body.generateContentRequest = { ...inner, ...(inner.model !== undefined && { model: `models/${upstreamName(model)}` }) };
        return { method: 'POST', path: `${modelPath(model)}:countTokens`, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
      },
      readError: (body) => ({ message: readGeminiError(body).message }),
      estimate: (body) => ({ totalTokens: estimateGeminiPrompt(countedRequest(body)) }),
    },
  };
}

/** The model's path on Google's API (always v1beta, a superset of v1), as the Google adapter calls it. */
function modelPath(model: CatalogModel): string {
  return `/v1beta/models/${encodeURIComponent(upstreamName(model))}`;
}

function upstreamName(model: CatalogModel): string {
  return model.upstreamId.replace(/^models\//, '');
}

function withoutModel(body: GeminiCallBody): Record<string, unknown> & Partial<GeminiCallBody> {
  const { model: _model, ...rest } = body;
  return rest;
}

/** What countTokens counts: the whole request when the body gives one, else its contents. */
function countedRequest(body: GeminiCallBody): GeminiCallBody {
  return body.generateContentRequest ? { ...body.generateContentRequest, model: body.model } : body;
}

/** The prompt's tokens with the o200k tokenizer: the translated hub request, or the request's JSON when it cannot be translated. */
function estimateGeminiPrompt(body: GeminiCallBody): number {
  try {
    return estimatePromptTokens(decodeGeminiRequest(body, { streamed: false }).request);
  } catch {
    return countJsonTokens({ systemInstruction: body.systemInstruction, contents: body.contents, tools: body.tools });
  }
}

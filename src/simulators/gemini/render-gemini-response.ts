import { estimateTokens } from '../estimate-tokens.ts';
import { splitText } from '../plan-stream-parts.ts';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart, GeminiUsageMetadata } from './gemini-wire-types.ts';
import type { SimulatedGeminiCandidate, SimulatedGeminiTurn } from './simulate-gemini-turn.ts';

/**
 * A turn as one GenerateContentResponse: candidates with their parts (thought summary, text,
 * function calls with `args` as an object), finish reason, and usageMetadata with proto3's habit of
 * leaving zero counts out.
 * @see https://ai.google.dev/api/generate-content#generatecontentresponse
 */
export function renderGeminiResponse(turn: SimulatedGeminiTurn): GeminiGenerateContentResponse {
  const candidates = turn.candidates.map((candidate) => renderCandidate(candidate, candidateParts(candidate), true));
  const totals = { candidates: sum(turn.candidates, 'candidateTokens'), thoughts: sum(turn.candidates, 'thoughtTokens') };
  return envelope(turn, candidates, usageMetadata(turn, totals.candidates, totals.thoughts));
}

/**
 * A turn as `streamGenerateContent` chunks: thought summaries and text in word-aligned pieces, each
 * function call whole in a chunk of its own, the finish reason on each candidate's last chunk, and
 * on every chunk the usage so far (the last one carries the totals).
 */
export function renderGeminiStream(turn: SimulatedGeminiTurn): GeminiGenerateContentResponse[] {
  if (turn.candidates.length === 0) return [envelope(turn, undefined, usageMetadata(turn, 0, 0))];
  const chunks: GeminiGenerateContentResponse[] = [];
  let candidateTokens = 0;
  let thoughtTokens = 0;
  for (const candidate of turn.candidates) {
    const pieces: GeminiPart[][] = [];
    const thoughtPieces = candidate.thought ? splitText(candidate.thought) : [];
    for (const text of thoughtPieces) pieces.push([{ text, thought: true }]);
    const textPieces = candidate.text ? splitText(candidate.text) : [];
    textPieces.forEach((text, index) => {
      const last = index === textPieces.length - 1;
      pieces.push([{ text, ...(last && candidate.thoughtSignature ? { thoughtSignature: candidate.thoughtSignature } : {}) }]);
    });
    candidate.functionCalls.forEach((call, index) => {
      pieces.push([{ functionCall: { name: call.name, args: call.args }, ...(index === 0 && candidate.thoughtSignature ? { thoughtSignature: candidate.thoughtSignature } : {}) }]);
    });
    if (pieces.length === 0) pieces.push([]);

    // Thinking happens before the answer: its tokens count from the first chunk unless summaries stream.
    const thoughtsBefore = thoughtTokens;
    if (thoughtPieces.length === 0) thoughtTokens += candidate.thoughtTokens;
    let writtenText = '';
    let thoughtsShown = 0;
    pieces.forEach((parts, index) => {
      const last = index === pieces.length - 1;
      for (const part of parts) {
        if (part.thought) {
          thoughtsShown += 1;
          thoughtTokens = thoughtsBefore + Math.floor((candidate.thoughtTokens * thoughtsShown) / thoughtPieces.length);
        } else if (typeof part.text === 'string') {
          const before = estimateTokens(writtenText);
          writtenText += part.text;
          candidateTokens += estimateTokens(writtenText) - before;
        } else if (part.functionCall) {
          candidateTokens += estimateTokens(part.functionCall.name + JSON.stringify(part.functionCall.args)) + 3;
        }
      }
      const rendered = renderCandidate(candidate, parts, last);
      chunks.push(envelope(turn, [rendered], usageMetadata(turn, candidateTokens, thoughtTokens)));
    });
  }
  return chunks;
}

function candidateParts(candidate: SimulatedGeminiCandidate): GeminiPart[] {
  const parts: GeminiPart[] = [];
  if (candidate.thought) parts.push({ text: candidate.thought, thought: true });
  if (candidate.text) parts.push({ text: candidate.text, ...(candidate.thoughtSignature ? { thoughtSignature: candidate.thoughtSignature } : {}) });
  candidate.functionCalls.forEach((call, index) => {
    parts.push({ functionCall: { name: call.name, args: call.args }, ...(index === 0 && candidate.thoughtSignature ? { thoughtSignature: candidate.thoughtSignature } : {}) });
  });
  return parts;
}

function renderCandidate(candidate: SimulatedGeminiCandidate, parts: GeminiPart[], last: boolean): GeminiCandidate {
  const filtered = candidate.finishReason !== 'STOP' && candidate.finishReason !== 'MAX_TOKENS';
  const rendered: GeminiCandidate = {};
  // A blocked answer has no content; one cut before any output has a content with no parts.
  if (!filtered) rendered.content = parts.length > 0 ? { parts, role: 'model' } : { role: 'model' };
  if (last) {
    rendered.finishReason = candidate.finishReason;
    if (candidate.finishMessage) rendered.finishMessage = candidate.finishMessage;
    if (candidate.safetyRatings) rendered.safetyRatings = candidate.safetyRatings;
  }
  rendered.index = candidate.index;
  return rendered;
}

function envelope(turn: SimulatedGeminiTurn, candidates: GeminiCandidate[] | undefined, usage: GeminiUsageMetadata): GeminiGenerateContentResponse {
  const response: GeminiGenerateContentResponse = {};
  if (candidates && candidates.length > 0) response.candidates = candidates;
  if (turn.promptFeedback) response.promptFeedback = turn.promptFeedback;
  response.usageMetadata = usage;
  response.modelVersion = turn.modelVersion;
  response.responseId = turn.responseId;
  return response;
}

/** @see https://ai.google.dev/api/generate-content#UsageMetadata */
function usageMetadata(turn: SimulatedGeminiTurn, candidateTokens: number, thoughtTokens: number): GeminiUsageMetadata {
  const { promptTokens, textPromptTokens, imagePromptTokens, cachedTokens } = turn.usage;
  const usage: GeminiUsageMetadata = { promptTokenCount: promptTokens };
  if (candidateTokens > 0) usage.candidatesTokenCount = candidateTokens;
  usage.totalTokenCount = promptTokens + candidateTokens + thoughtTokens;
  if (cachedTokens > 0) usage.cachedContentTokenCount = cachedTokens;
  usage.promptTokensDetails = [{ modality: 'TEXT', tokenCount: textPromptTokens }, ...(imagePromptTokens > 0 ? [{ modality: 'IMAGE', tokenCount: imagePromptTokens }] : [])];
  if (cachedTokens > 0) usage.cacheTokensDetails = [{ modality: 'TEXT', tokenCount: cachedTokens }];
  if (thoughtTokens > 0) usage.thoughtsTokenCount = thoughtTokens;
  return usage;
}

function sum(candidates: SimulatedGeminiCandidate[], field: 'candidateTokens' | 'thoughtTokens'): number {
  return candidates.reduce((total, candidate) => total + candidate[field], 0);
}

import { estimateTokens } from '../estimate-tokens.ts';
import { GEMINI_SIMULATOR_ERRORS as ERRORS } from '../gemini/gemini-simulator-errors.ts';
import type { SimulatorError } from '../simulator-error.ts';
import { synthesizeSpeechAudio } from './synthesize-speech-audio.ts';
import { geminiPromptText } from '../gemini/gemini-prompt-text.ts';

/** Gemini's text-to-speech models. */
const SPEECH_MODELS = ['gemini-2.5-flash-preview-tts', 'gemini-2.5-pro-preview-tts'];
/** @see https://ai.google.dev/gemini-api/docs/speech-generation#voices */
const VOICES = ['Zephyr', 'Puck', 'Charon', 'Kore', 'Fenrir', 'Leda', 'Orus', 'Aoede', 'Callirrhoe', 'Autonoe', 'Enceladus', 'Iapetus', 'Umbriel', 'Algieba', 'Despina', 'Erinome', 'Algenib', 'Rasalgethi', 'Laomedeia', 'Achernar', 'Alnilam', 'Schedar', 'Gacrux', 'Pulcherrima', 'Achird', 'Zubenelgenubi', 'Vindemiatrix', 'Sadachbia', 'Sadaltager', 'Sulafat'];
/** Audio tokens a second, as Gemini counts audio. */
const AUDIO_TOKENS_PER_SECOND = 32;
const CHARACTERS_PER_SECOND = 15;

interface SpeechRequest {
  contents?: { parts?: { text?: unknown }[] }[];
  generationConfig?: { responseModalities?: unknown; speechConfig?: { voiceConfig?: { prebuiltVoiceConfig?: { voiceName?: unknown } } } };
}

/**
 * `models/gemini-2.5-*-preview-tts:generateContent` as the Gemini API answers it: one candidate
 * whose part is the speech as base64 `audio/L16;codec=pcm;rate=24000` (headerless s16le mono),
 * usage in tokens; `responseModalities` must be `["AUDIO"]` and the voice one of Gemini's.
 * Undefined for any other model.
 * @see https://ai.google.dev/gemini-api/docs/speech-generation
 */
export function simulateGeminiSpeech(modelName: string, method: string, body: unknown): { ok: true; answer: unknown } | { ok: false; error: SimulatorError } | undefined {
  const id = modelName.replace(/^models\//, '');
  if (!SPEECH_MODELS.includes(id)) return undefined;
  if (method !== 'generateContent') return { ok: false, error: ERRORS.unknownModel(id, method) };
  const request = (typeof body === 'object' && body !== null ? body : {}) as SpeechRequest;
  const text = geminiPromptText(request.contents);
  if (text === '') return { ok: false, error: ERRORS.requestValidation(['contents: contents is not specified']) };
  const config = request.generationConfig ?? {};
  const modalities = config.responseModalities;
  if (!Array.isArray(modalities) || modalities.length !== 1 || modalities[0] !== 'AUDIO') {
    return { ok: false, error: ERRORS.status(400, 'The requested combination of response modalities is not supported by the model. models/' + id + ' accepts the following combination of response modalities:\n* AUDIO\n') };
  }
  const voice = config.speechConfig?.voiceConfig?.prebuiltVoiceConfig?.voiceName ?? 'Kore';
  if (typeof voice !== 'string' || !VOICES.some((name) => name.toLowerCase() === voice.toLowerCase())) {
    return { ok: false, error: ERRORS.status(400, `Voice name ${String(voice)} is not supported. Allowed voice names are: ${VOICES.map((name) => name.toLowerCase()).join(', ')}`) };
  }
  const seconds = Math.max(0.5, text.length / CHARACTERS_PER_SECOND);
  const promptTokens = estimateTokens(text);
  const audioTokens = Math.ceil(seconds * AUDIO_TOKENS_PER_SECOND);
  return {
    ok: true,
    answer: {
      candidates: [{ content: { role: 'model', parts: [{ inlineData: { mimeType: 'audio/L16;codec=pcm;rate=24000', data: synthesizeSpeechAudio('pcm', seconds).toString('base64') } }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: promptTokens,
        candidatesTokenCount: audioTokens,
        totalTokenCount: promptTokens + audioTokens,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
        candidatesTokensDetails: [{ modality: 'AUDIO', tokenCount: audioTokens }],
      },
      modelVersion: id,
      responseId: `sim-${promptTokens}-${audioTokens}`,
    },
  };
}

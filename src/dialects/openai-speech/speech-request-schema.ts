/** The formats OpenAI's speech models produce. */
export const SPEECH_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;
export type SpeechFormat = (typeof SPEECH_FORMATS)[number];

/** OpenAI's limit on `input`, in characters. */
export const MAX_SPEECH_INPUT_CHARACTERS = 4_096;

/**
 * `POST /v1/audio/speech`: text in, audio out.
 * @see https://platform.openai.com/docs/api-reference/audio/createSpeech
 */
export interface SpeechRequest {
  model: string;
  input: string;
  voice: string | { id: string };
  instructions?: string;
  response_format?: SpeechFormat;
  speed?: number;
  stream_format?: 'audio' | 'sse';
}

/** The route's schema: what the gateway bills and relays on; other fields go to the provider as sent. */
export const speechRequestSchema = {
  type: 'object',
  required: ['model', 'input', 'voice'],
  properties: {
    model: { type: 'string', minLength: 1 },
    input: { type: 'string', maxLength: MAX_SPEECH_INPUT_CHARACTERS },
    voice: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } }] },
    instructions: { type: 'string' },
    response_format: { enum: SPEECH_FORMATS },
    speed: { type: 'number', minimum: 0.25, maximum: 4 },
    stream_format: { enum: ['audio', 'sse'] },
  },
};

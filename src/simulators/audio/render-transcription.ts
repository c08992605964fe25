/** The words every simulated transcript cycles through, two a second of audio. */
const WORDS = 'the quick brown fox jumps over the lazy dog'.split(' ');
const WORDS_PER_SECOND = 2;
const SEGMENT_WORDS = 8;
/** gpt-4o transcribe models: audio tokens per second of input (about 10, as OpenAI counts 100 ms a token). */
const AUDIO_TOKENS_PER_SECOND = 10;

export interface TranscriptionRequestFacts {
  model: string;
  format: string;
  duration: number;
  prompt: string;
  words: boolean;
}

interface TimedWord {
  word: string;
  start: number;
  end: number;
}

/**
 * A deterministic transcript of `duration` seconds in OpenAI's `response_format`s: `json` (`text`,
 * and `usage` — whisper-1 by the second, rounded up; the gpt-4o models in tokens), `verbose_json`
 * (language, duration, segments, `words` when asked), and `text`, `srt`, `vtt` as plain text.
 * @see https://platform.openai.com/docs/api-reference/audio/json-object
 */
export function renderTranscription(request: TranscriptionRequestFacts): { contentType: string; body: string } {
  const count = Math.max(1, Math.round(request.duration * WORDS_PER_SECOND));
  const step = request.duration / count;
  const words: TimedWord[] = Array.from({ length: count }, (_, index) => ({ word: WORDS[index % WORDS.length]!, start: round(index * step), end: round((index + 1) * step) }));
  const segments = Array.from({ length: Math.ceil(count / SEGMENT_WORDS) }, (_, index) => words.slice(index * SEGMENT_WORDS, (index + 1) * SEGMENT_WORDS));
  const sentence = (group: TimedWord[]) => {
    const text = group.map((word) => word.word).join(' ');
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  };
  const text = segments.map(sentence).join(' ');
  const plain = (body: string) => ({ contentType: 'text/plain; charset=utf-8', body });
  switch (request.format) {
    case 'text':
      return plain(`${text}\n`);
    case 'srt':
      return plain(segments.map((group, index) => `${index + 1}\n${timestamp(group[0]!.start, ',')} --> ${timestamp(group.at(-1)!.end, ',')}\n${sentence(group)}\n\n`).join(''));
    case 'vtt':
      return plain(`WEBVTT\n\n${segments.map((group) => `${timestamp(group[0]!.start, '.')} --> ${timestamp(group.at(-1)!.end, '.')}\n${sentence(group)}\n\n`).join('')}`);
    case 'verbose_json':
      return json({
        task: 'transcribe',
        language: 'english',
        duration: request.duration,
        text,
        segments: segments.map((group, id) => ({
          id,
          seek: 0,
          start: group[0]!.start,
          end: group.at(-1)!.end,
          text: ` ${sentence(group)}`,
          tokens: group.map((_, index) => 50_364 + index),
          temperature: 0,
          avg_logprob: -0.25,
          compression_ratio: 1.2,
          no_speech_prob: 0.01,
        })),
        ...(request.words && { words }),
        usage: { type: 'duration', seconds: Math.ceil(request.duration) },
      });
    default: {
      if (request.model === 'whisper-1') return json({ text, usage: { type: 'duration', seconds: Math.ceil(request.duration) } });
      const audioTokens = Math.ceil(request.duration * AUDIO_TOKENS_PER_SECOND);
      const textTokens = Math.ceil(request.prompt.length / 4);
      const outputTokens = Math.ceil(text.length / 4);
      return json({
        text,
        usage: { type: 'tokens', input_tokens: audioTokens + textTokens, input_token_details: { text_tokens: textTokens, audio_tokens: audioTokens }, output_tokens: outputTokens, total_tokens: audioTokens + textTokens + outputTokens },
      });
    }
  }
}

function json(body: unknown) {
  return { contentType: 'application/json', body: JSON.stringify(body) };
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}

/** `00:00:01,500` (SRT) or `00:00:01.500` (WebVTT). */
function timestamp(seconds: number, separator: ',' | '.'): string {
  const millis = Math.round(seconds * 1_000);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(Math.floor(millis / 3_600_000))}:${pad(Math.floor(millis / 60_000) % 60)}:${pad(Math.floor(millis / 1_000) % 60)}${separator}${pad(millis % 1_000, 3)}`;
}

import { AUDIO_FIXTURES } from './audio-fixtures.ts';

/** The formats OpenAI's `/audio/speech` answers in. */
export const SPEECH_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;
export type SpeechFormat = (typeof SPEECH_FORMATS)[number];

/** Content types OpenAI sends per format (`audio/mpeg` is documented; the others as commonly observed). */
export const SPEECH_CONTENT_TYPES: Record<SpeechFormat, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/opus',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

/** OpenAI's pcm: 24 kHz, signed 16-bit little-endian, mono, no header. */
const PCM_SAMPLE_RATE = 24_000;
/** One silent MPEG-1 Layer III frame: 128 kbps, 44.1 kHz, mono, no CRC; zero side info decodes as silence. */
const MP3_FRAME_BYTES = 417;
const MP3_SAMPLES_PER_FRAME = 1_152;
const MP3_SAMPLE_RATE = 44_100;

/**
 * Real audio of about `seconds` in `format`: a quiet 440 Hz tone as pcm or wav, silent MPEG frames
 * as mp3, and the one-second fixtures (audio-fixtures.ts) as opus, aac and flac.
 */
export function synthesizeSpeechAudio(format: SpeechFormat, seconds: number): Buffer {
  switch (format) {
    case 'pcm':
      return tone(seconds);
    case 'wav':
      return wav(tone(seconds));
    case 'mp3':
      return silentMp3(seconds);
    case 'opus':
    case 'aac':
    case 'flac':
      return Buffer.from(AUDIO_FIXTURES[format], 'base64');
  }
}

function tone(seconds: number): Buffer {
  const samples = Math.max(1, Math.round(seconds * PCM_SAMPLE_RATE));
  const pcm = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index += 1) pcm.writeInt16LE(Math.round(2_000 * Math.sin((2 * Math.PI * 440 * index) / PCM_SAMPLE_RATE)), index * 2);
  return pcm;
}

/** A 44-byte RIFF/WAVE header before 16-bit mono PCM. */
function wav(pcm: Buffer): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(PCM_SAMPLE_RATE, 24);
  header.writeUInt32LE(PCM_SAMPLE_RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

function silentMp3(seconds: number): Buffer {
  const frames = Math.max(1, Math.ceil((seconds * MP3_SAMPLE_RATE) / MP3_SAMPLES_PER_FRAME));
  const frame = Buffer.alloc(MP3_FRAME_BYTES);
  frame.set([0xff, 0xfb, 0x90, 0xc4]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

import { wrapPcmInWav } from '../../src/dialects/openai-speech/wrap-pcm-in-wav.ts';

/** A WAV file of `seconds` of a quiet 300 Hz tone, mono 16-bit (16 kHz unless said): an upload for the transcription tests. */
export function makeWav(seconds: number, sampleRate = 16_000): Buffer {
  const pcm = Buffer.alloc(Math.round(seconds * sampleRate) * 2);
  for (let index = 0; index < pcm.length / 2; index += 1) pcm.writeInt16LE(Math.round(1_000 * Math.sin((2 * Math.PI * 300 * index) / sampleRate)), index * 2);
  return wrapPcmInWav(pcm, sampleRate);
}

/** An MP3 file of `frames` silent MPEG-1 Layer III frames (128 kbps, 44.1 kHz: 1,152 samples each). */
export function makeMp3(frames: number): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0xc4]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

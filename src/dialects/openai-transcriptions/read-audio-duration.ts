/** MPEG Layer III bitrates (kbps) by header index: MPEG-1, then MPEG-2 and 2.5. */
const MPEG1_LAYER3_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG2_LAYER3_KBPS = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
/** Sample rates by version bits (3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5). */
const SAMPLE_RATES: Record<number, readonly number[]> = { 3: [44_100, 48_000, 32_000], 2: [22_050, 24_000, 16_000], 0: [11_025, 12_000, 8_000] };
/**
 * Other containers (Ogg Opus/Vorbis, FLAC, MP4/M4A, WebM) are bounded by their size at 500 bytes a
 * second (4 kbps, below the lowest rate of any codec OpenAI takes: Opus's 6 kbps), so the duration
 * assumed is never shorter than the audio's.
 */
const MIN_BYTES_PER_SECOND = 500;

export interface AudioDuration {
  seconds: number;
  /** Read from a WAV or MP3 header (`header`), or assumed from the file's size (`size`). */
  source: 'wav' | 'mp3' | 'size';
}

/**
 * How long an uploaded audio file plays, as the gateway bounds a transcription's cost by it before
 * any provider call: a WAV file's `data` size over its `fmt ` byte rate; an MP3 file's frames walked
 * one by one (constant and variable bitrates alike, ID3v2 tag skipped); any other file by its size.
 * @see http://soundfile.sapp.org/doc/WaveFormat/
 * @see http://www.mp3-tech.org/programmer/frame_header.html
 */
export function readAudioDuration(file: Uint8Array): AudioDuration {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const wav = wavSeconds(bytes);
  if (wav !== undefined) return { seconds: wav, source: 'wav' };
  const mp3 = mp3Seconds(bytes);
  if (mp3 !== undefined) return { seconds: mp3, source: 'mp3' };
  return { seconds: bytes.length / MIN_BYTES_PER_SECOND, source: 'size' };
}

function wavSeconds(bytes: Buffer): number | undefined {
  if (bytes.length < 12 || bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') return undefined;
  let byteRate: number | undefined;
  for (let offset = 12; offset + 8 <= bytes.length; ) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 20 <= bytes.length) byteRate = bytes.readUInt32LE(offset + 16);
    // A streamed WAV may declare a data size it never reached (or 0xFFFFFFFF): the bytes present count.
    if (id === 'data') return byteRate ? Math.min(size, bytes.length - offset - 8) / byteRate : undefined;
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

function mp3Seconds(bytes: Buffer): number | undefined {
  let offset = 0;
  if (bytes.length >= 10 && bytes.toString('latin1', 0, 3) === 'ID3') offset = 10 + ((bytes[6]! << 21) | (bytes[7]! << 14) | (bytes[8]! << 7) | bytes[9]!);
  let seconds = 0;
  let frames = 0;
  while (offset + 4 <= bytes.length) {
    const header = bytes.readUInt32BE(offset);
    // Frame sync (11 bits), Layer III (layer bits 01).
    if ((header & 0xffe00000) >>> 0 !== 0xffe00000 || ((header >> 17) & 3) !== 1) break;
    const version = (header >> 19) & 3;
    const kbps = (version === 3 ? MPEG1_LAYER3_KBPS : MPEG2_LAYER3_KBPS)[(header >> 12) & 15];
    const sampleRate = SAMPLE_RATES[version]?.[(header >> 10) & 3];
    if (!kbps || !sampleRate) break;
    const samples = version === 3 ? 1_152 : 576;
    seconds += samples / sampleRate;
    frames += 1;
    offset += Math.floor(((samples / 8) * kbps * 1_000) / sampleRate) + ((header >> 9) & 1);
  }
  // One frame is no evidence of an MP3 (two random bytes can look like a sync word). Bytes after
  // the last frame (past an ID3v1 tag's 128) count at the size rate: what else a decoder finds there is bounded too.
  return frames >= 2 ? seconds + Math.max(0, bytes.length - offset - 128) / MIN_BYTES_PER_SECOND : undefined;
}

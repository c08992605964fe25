/** MPEG-1 Layer III bitrates in kbps by index; MPEG-2/2.5 (LSF) ones. */
const MPEG1_LAYER3_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG2_LAYER3_KBPS = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const SAMPLE_RATES: Record<number, number[]> = { 3: [44_100, 48_000, 32_000], 2: [22_050, 24_000, 16_000], 0: [11_025, 12_000, 8_000] };

/**
 * How long an uploaded audio file plays, in seconds, as the simulator reads it: WAV from its
 * `fmt ` byte rate and `data` size, MP3 by walking its Layer III frames; other containers OpenAI
 * takes (Ogg, FLAC, MP4/M4A, WebM) estimated at 4,000 bytes a second; undefined when the bytes are
 * none of these.
 */
export function readAudioFileDuration(file: Buffer): number | undefined {
  if (file.length >= 12 && file.toString('ascii', 0, 4) === 'RIFF' && file.toString('ascii', 8, 12) === 'WAVE') return wavDuration(file);
  const mp3 = mp3Duration(file);
  if (mp3 !== undefined) return mp3;
  const magic = file.toString('latin1', 0, 12);
  if (magic.startsWith('OggS') || magic.startsWith('fLaC') || magic.slice(4, 8) === 'ftyp' || (file.length >= 4 && file.readUInt32BE(0) === 0x1a45dfa3)) return file.length / 4_000;
  return undefined;
}

function wavDuration(file: Buffer): number | undefined {
  let byteRate: number | undefined;
  for (let offset = 12; offset + 8 <= file.length; ) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 20 <= file.length) byteRate = file.readUInt32LE(offset + 16);
    if (id === 'data') return byteRate ? Math.min(size, file.length - offset - 8) / byteRate : undefined;
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

function mp3Duration(file: Buffer): number | undefined {
  let offset = 0;
  if (file.toString('latin1', 0, 3) === 'ID3' && file.length >= 10) offset = 10 + ((file[6]! << 21) | (file[7]! << 14) | (file[8]! << 7) | file[9]!);
  let seconds = 0;
  let frames = 0;
  while (offset + 4 <= file.length) {
    const header = file.readUInt32BE(offset);
    if ((header & 0xffe00000) >>> 0 !== 0xffe00000 || ((header >> 17) & 3) !== 1) break;
    const version = (header >> 19) & 3;
    const kbps = (version === 3 ? MPEG1_LAYER3_KBPS : MPEG2_LAYER3_KBPS)[(header >> 12) & 15];
    const sampleRate = SAMPLE_RATES[version]?.[(header >> 10) & 3];
    if (!kbps || !sampleRate) break;
    const samples = version === 3 ? 1_152 : 576;
    const length = Math.floor(((samples / 8) * kbps * 1_000) / sampleRate) + ((header >> 9) & 1);
    seconds += samples / sampleRate;
    frames += 1;
    offset += length;
  }
  return frames > 0 ? seconds : undefined;
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readAudioDuration } from '../../src/dialects/openai-transcriptions/read-audio-duration.ts';

function wav(dataBytes: number, byteRate: number, extraChunk = false): Buffer {
  const header = Buffer.alloc(36);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(28 + dataBytes + (extraChunk ? 14 : 0), 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(byteRate / 2, 24);
  header.writeUInt32LE(byteRate, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  // An odd-sized chunk before the data (padded to even), as some encoders write (LIST/INFO).
  const list = extraChunk ? Buffer.concat([Buffer.from('LIST'), Buffer.from([5, 0, 0, 0]), Buffer.from('abcde'), Buffer.alloc(1)]) : Buffer.alloc(0);
  const data = Buffer.alloc(8);
  data.write('data', 0, 'ascii');
  data.writeUInt32LE(dataBytes, 4);
  return Buffer.concat([header, list, data, Buffer.alloc(dataBytes)]);
}

const FRAME = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0xc4]), Buffer.alloc(413)]);

test('a WAV file lasts its data size over its byte rate, other chunks skipped', () => {
  assert.deepEqual(readAudioDuration(wav(32_000 * 3, 32_000)), { seconds: 3, source: 'wav' });
  assert.deepEqual(readAudioDuration(wav(48_000, 48_000, true)), { seconds: 1, source: 'wav' });
});

test('a WAV file that declares more data than it holds lasts what it holds', () => {
  const file = wav(32_000, 32_000);
  file.writeUInt32LE(0xffffffff, file.length - 32_000 - 4);
  assert.deepEqual(readAudioDuration(file), { seconds: 1, source: 'wav' });
});

test('an MP3 file lasts the sum of its frames, after an ID3v2 tag; bytes past its frames count at the size rate', () => {
  const frames = Buffer.concat(Array.from({ length: 50 }, () => FRAME));
  const expected = (50 * 1_152) / 44_100;
  assert.ok(Math.abs(readAudioDuration(frames).seconds - expected) < 1e-9);
  const tag = Buffer.concat([Buffer.from('ID3'), Buffer.from([4, 0, 0, 0, 0, 0, 20]), Buffer.alloc(20)]);
  assert.equal(readAudioDuration(Buffer.concat([tag, frames])).source, 'mp3');
  const smuggled = readAudioDuration(Buffer.concat([frames, Buffer.alloc(100_000, 7)]));
  assert.ok(smuggled.seconds >= expected + 199, 'what follows the frames is bounded too');
});

test('anything else is bounded by its size, at 500 bytes a second', () => {
  assert.deepEqual(readAudioDuration(Buffer.concat([Buffer.from('OggS'), Buffer.alloc(9_996)])), { seconds: 20, source: 'size' });
  assert.deepEqual(readAudioDuration(Buffer.alloc(0)), { seconds: 0, source: 'size' });
  assert.deepEqual(readAudioDuration(Buffer.concat([FRAME.subarray(0, 4)])), { seconds: 0.008, source: 'size' });
});

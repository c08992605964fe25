import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMicros } from '../../src/core/format-micros.ts';
import { parseDecimalMicros } from '../../src/core/parse-decimal-micros.ts';

/** Credits cross the edge as decimal text and live inside as integer micro-credits: never a float in between. */

describe('parseDecimalMicros', () => {
  it('reads decimal credits into exact micro-credits', () => {
    const cases: [string, number][] = [
      ['12.5', 12_500_000],
      ['0.1', 100_000],
      ['0.2', 200_000],
      ['0.000001', 1],
      ['1', 1_000_000],
      ['007.50', 7_500_000],
      ['9007199254.740991', 9_007_199_254_740_991],
      [' 3 ', 3_000_000],
    ];
    for (const [text, micros] of cases) assert.deepEqual(parseDecimalMicros(text), { ok: true, value: micros }, text);
  });

  it('refuses more than 6 decimals, signs, exponents, and amounts too large to count exactly', () => {
    for (const text of ['1.0000001', '-1', '+1', '1e3', '.5', '5.', '', 'ten', '1,5', '9007199254.740992']) {
      const result = parseDecimalMicros(text);
      assert.equal(result.ok, false, `'${text}' was accepted`);
    }
    const tooPrecise = parseDecimalMicros('1.0000001');
    assert.ok(!tooPrecise.ok && /more than 6 decimals/.test(tooPrecise.error));
  });
});

describe('formatMicros', () => {
  it('writes micro-credits as the shortest exact decimal', () => {
    const cases: [number, string][] = [
      [12_500_000, '12.5'],
      [0, '0'],
      [1, '0.000001'],
      [-1, '-0.000001'],
      [-2_500_000, '-2.5'],
      [1_000_000, '1'],
      [9_007_199_254_740_991, '9007199254.740991'],
    ];
    for (const [micros, text] of cases) assert.equal(formatMicros(micros), text, String(micros));
  });

  it('round-trips with parseDecimalMicros', () => {
    for (const micros of [1, 99, 100_000, 123_456_789, 9_007_199_254_740_991]) {
      assert.deepEqual(parseDecimalMicros(formatMicros(micros)), { ok: true, value: micros });
    }
  });
});

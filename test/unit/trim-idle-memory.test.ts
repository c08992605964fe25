import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import { trimIdleMemory } from '../../src/core/trim-idle-memory.ts';

const youngGenerationBytes = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')!.physical_space_size;

test('an idle process gives its grown young generation back', { timeout: 30_000 }, async () => {
  // Objects that survive a few scavenges make V8 grow the young generation, as module loading at start does.
  let kept: object[] = [];
  for (let round = 0; round < 40 && youngGenerationBytes() <= 8 * 1024 * 1024; round += 1) {
    for (let index = 0; index < 200_000; index += 1) kept.push({ index, text: `item ${index}` });
    if (kept.length > 1_000_000) kept = [];
  }
  kept = [];
  const grown = youngGenerationBytes();
  assert.ok(grown > 8 * 1024 * 1024, `the young generation grew (${grown} bytes)`);

  // The default interval: V8 shrinks only in a collection that finds ~5 s of low allocation behind it.
  const trimming = performance.now();
  const stop = trimIdleMemory();
  try {
    const by = Date.now() + 20_000;
    while (youngGenerationBytes() > 4 * 1024 * 1024 && Date.now() < by) await new Promise((resolve) => setTimeout(resolve, 250));
    assert.ok(youngGenerationBytes() <= 4 * 1024 * 1024, `given back: ${grown} -> ${youngGenerationBytes()} bytes`);
    assert.ok(performance.now() - trimming < 13_000, `at the first or second look (${Math.round(performance.now() - trimming)} ms)`);
  } finally {
    stop();
  }
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'the process global has no gc');
});

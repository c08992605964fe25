import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSseEvent } from '../../src/streaming/format-sse-event.ts';
import { readSseEvents } from '../../src/streaming/read-sse-events.ts';

describe('formatSseEvent', () => {
  it('writes one data line followed by a blank line', () => {
    assert.equal(formatSseEvent('{"a":1}'), 'data: {"a":1}\n\n');
  });

  it('writes the event name before the data when one is given', () => {
    assert.equal(formatSseEvent('{"type":"error"}', 'error'), 'event: error\ndata: {"type":"error"}\n\n');
  });

  it('splits multi-line data into one data line per line, whatever the line ending', () => {
    assert.equal(formatSseEvent('a\nb\r\nc\rd'), 'data: a\ndata: b\ndata: c\ndata: d\n\n');
  });

  it('writes an empty data line for empty data', () => {
    assert.equal(formatSseEvent(''), 'data: \n\n');
  });

  it('produces events that an SSE parser reads back unchanged', async () => {
    const originals = ['[DONE]', '{"choices":[{"delta":{"content":"x"}}]}', 'line one\nline two', ' leading space'];
    async function* body() {
      for (const data of originals) yield formatSseEvent(data);
    }
    const read: string[] = [];
    for await (const event of readSseEvents(body())) read.push(event.data);
    assert.deepEqual(read, originals);
  });
});

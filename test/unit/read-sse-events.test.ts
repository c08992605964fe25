import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSseEvents } from '../../src/streaming/read-sse-events.ts';

async function* chunksOf(...chunks: (string | Uint8Array)[]): AsyncGenerator<string | Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

async function readAll(...chunks: (string | Uint8Array)[]): Promise<{ event?: string; data: string }[]> {
  const events: { event?: string; data: string }[] = [];
  for await (const message of readSseEvents(chunksOf(...chunks))) {
    events.push(message.event === undefined ? { data: message.data } : { event: message.event, data: message.data });
  }
  return events;
}

describe('readSseEvents', () => {
  it('reads LF-framed events in order', async () => {
    assert.deepEqual(await readAll('data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n'), [
      { data: '{"a":1}' },
      { data: '{"b":2}' },
      { data: '[DONE]' },
    ]);
  });

  it('reads CRLF-framed events (as some providers send them)', async () => {
    assert.deepEqual(await readAll('data: one\r\n\r\ndata: two\r\n\r\n'), [{ data: 'one' }, { data: 'two' }]);
  });

  it('reads CR-only framed events', async () => {
    assert.deepEqual(await readAll('data: one\r\rdata: two\r\r'), [{ data: 'one' }, { data: 'two' }]);
  });

  it('reads a CRLF pair split between two chunks as one line ending', async () => {
    assert.deepEqual(await readAll('data: one\r', '\n\r', '\ndata: two\r\n\r\n'), [{ data: 'one' }, { data: 'two' }]);
  });

  it('joins the data lines of one event with newlines', async () => {
    assert.deepEqual(await readAll('data: first line\ndata: second line\n\n'), [{ data: 'first line\nsecond line' }]);
  });

  it('reassembles an event split across many chunks, mid-field and mid-value', async () => {
    assert.deepEqual(await readAll('da', 'ta: {"cho', 'ices":[]}', '\n', '\n'), [{ data: '{"choices":[]}' }]);
  });

  it('decodes a multi-byte character split across byte chunks', async () => {
    const bytes = new TextEncoder().encode('data: héllo ✓\n\n');
    const splitInsideCheckMark = bytes.length - 4;
    assert.deepEqual(await readAll(bytes.slice(0, 8), bytes.slice(8, splitInsideCheckMark), bytes.slice(splitInsideCheckMark)), [
      { data: 'héllo ✓' },
    ]);
  });

  it('yields a final event that ends without its blank line', async () => {
    assert.deepEqual(await readAll('data: one\n\ndata: last'), [{ data: 'one' }, { data: 'last' }]);
  });

  it('yields a final event that ends with one newline only', async () => {
    assert.deepEqual(await readAll('data: one\n\ndata: last\n'), [{ data: 'one' }, { data: 'last' }]);
  });

  it('keeps event names and ignores comments', async () => {
    assert.deepEqual(await readAll(': keep-alive\n\nevent: error\ndata: {"x":1}\n\n'), [{ event: 'error', data: '{"x":1}' }]);
  });

  it('yields each event as soon as its chunk arrives, before the stream ends', async () => {
    let releaseSecond!: () => void;
    const secondMayCome = new Promise<void>((resolve) => (releaseSecond = resolve));
    async function* slowBody() {
      yield 'data: first\n\n';
      await secondMayCome;
      yield 'data: second\n\n';
    }
    const iterator = readSseEvents(slowBody());
    const first = await iterator.next();
    assert.equal(first.done, false);
    assert.equal(first.value?.data, 'first');
    releaseSecond();
    assert.equal((await iterator.next()).value?.data, 'second');
    assert.equal((await iterator.next()).done, true);
  });

  it('drops a byte order mark before the first event, as the SSE spec does, even split across reads', async () => {
    const bytes = new TextEncoder().encode('\uFEFFdata: one\n\ndata: \uFEFFtwo\n\n');
    assert.deepEqual(await readAll(bytes.slice(0, 2), bytes.slice(2)), [{ data: 'one' }, { data: '\uFEFFtwo' }]);
  });

  it('ends a character cut off by the end of the body as U+FFFD', async () => {
    const bytes = new TextEncoder().encode('data: ✓');
    assert.deepEqual(await readAll(bytes.slice(0, bytes.length - 1)), [{ data: '\uFFFD' }]);
  });

  it('yields nothing for an empty body', async () => {
    assert.deepEqual(await readAll(), []);
  });
});

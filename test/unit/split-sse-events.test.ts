import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { splitSseEvents } from '../../src/streaming/split-sse-events.ts';

describe('splitSseEvents', () => {
  test('cuts at blank lines with LF, CRLF and CR endings, keeping each event\'s bytes as they were', () => {
    const text = 'event: a\ndata: 1\n\nevent: b\r\ndata: 2\r\n\r\ndata: 3\r\rdata: 4';
    assert.deepEqual(splitSseEvents(text), { events: ['event: a\ndata: 1\n\n', 'event: b\r\ndata: 2\r\n\r\n', 'data: 3\r\r'], rest: 'data: 4' });
  });

  test('keeps a trailing CR for the next chunk: it may be half of a CRLF', () => {
    assert.deepEqual(splitSseEvents('data: 1\r\n\r'), { events: [], rest: 'data: 1\r\n\r' });
    assert.deepEqual(splitSseEvents('data: 1\r\n\r\n'), { events: ['data: 1\r\n\r\n'], rest: '' });
  });

  test('an event split across chunks comes out whole once its blank line arrives', () => {
    const first = splitSseEvents('data: {"a":');
    assert.deepEqual(first.events, []);
    assert.deepEqual(splitSseEvents(`${first.rest}1}\n\n`).events, ['data: {"a":1}\n\n']);
  });
});

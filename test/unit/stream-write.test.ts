import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { endStream, write } from '../../src/streaming/relay-chat-stream.ts';

/** The raw HTTP/1.1 answer to one GET: what `handle` wrote, with its chunked framing. */
async function rawAnswer(handle: (response: ServerResponse) => Promise<void>): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.flushHeaders();
    void handle(response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  socket.write('GET / HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n');
  let raw = '';
  socket.on('data', (data: Buffer) => (raw += data.toString('latin1')));
  await once(socket, 'close');
  server.close();
  return raw.slice(raw.indexOf('\r\n\r\n') + 4);
}

/** The chunks of a chunked body, in order. */
function chunksOf(body: string): string[] {
  const chunks: string[] = [];
  for (let at = 0; at < body.length; ) {
    const lineEnd = body.indexOf('\r\n', at);
    const size = Number.parseInt(body.slice(at, lineEnd), 16);
    if (size === 0) break;
    chunks.push(body.slice(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return chunks;
}

describe('write (stream relays)', () => {
  it('sends the texts written in one turn as one chunk, each turn its own, and endStream sends what it holds', async () => {
    const body = await rawAnswer(async (response) => {
      await null; // a relay writes from microtasks: the provider's events reach it through promises
      assert.equal(write(response, 'data: 1\n\n'), true);
      assert.equal(write(response, 'data: 2\n\n'), true);
      await null; // still the same turn: the microtasks queued now run before it ends
      assert.equal(write(response, 'data: 3\n\n'), true);
      await nextTurn();
      assert.equal(write(response, 'data: 4\n\n'), true);
      assert.equal(write(response, ''), true);
      endStream(response);
    });
    assert.deepEqual(chunksOf(body), ['data: 1\n\ndata: 2\n\ndata: 3\n\n', 'data: 4\n\n']);
    assert.ok(body.endsWith('0\r\n\r\n'), 'the body is ended');
  });

  it('keeps the order of text and bytes written in one turn', async () => {
    const body = await rawAnswer(async (response) => {
      write(response, 'a');
      write(response, Buffer.from('b'));
      write(response, 'c');
      endStream(response);
    });
    assert.equal(chunksOf(body).join(''), 'abc');
  });

  it('sends at once and makes the writer wait for a drain when a turn writes more than the response buffers', async () => {
    const big = 'x'.repeat(64 * 1024);
    let answers: (boolean | 'promise')[] = [];
    const body = await rawAnswer(async (response) => {
      const results = [write(response, big), write(response, big)];
      answers = results.map((result) => (typeof result === 'boolean' ? result : 'promise'));
      for (const result of results) assert.equal(await result, true);
      endStream(response);
    });
    assert.deepEqual(answers, ['promise', 'promise']);
    assert.equal(chunksOf(body).join('').length, 2 * big.length);
  });

  it('answers false once the client is gone', async () => {
    let after: boolean | Promise<boolean> = true;
    await rawAnswer(async (response) => {
      response.destroy();
      after = write(response, 'data: late\n\n');
    });
    assert.equal(after, false);
  });
});

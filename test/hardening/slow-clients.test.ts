import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startStack, type Stack } from '../support/start-stack.ts';

const SLOW_CONNECTIONS = 2_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** Descriptors beyond the two ends of each test connection (the gateway and the test share this process) that may come and go meanwhile: upstream pools, timers, logs. */
const FD_SLACK = 100;

/** The file descriptors this process holds open. */
const openDescriptors = () => readdirSync('/proc/self/fd').length;

/**
 * Clients that trickle their request are cut, and do not starve the others: once 2,100
 * connections trickling a body with an invalid key exhausted the file descriptors and every new
 * client got ECONNRESET.
 */
describe('slow clients are cut and do not starve the others', () => {
  let stack: Stack;
  let host: string;
  let port: number;
  before(async () => {
    stack = await startStack({ SWITCHYARD_CLIENT_HEADERS_TIMEOUT_MS: '2000', SWITCHYARD_CLIENT_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
    const url = new URL(stack.gateway.url);
    host = url.hostname;
    port = Number(url.port);
  });
  after(() => stack.close());

  test(`${SLOW_CONNECTIONS} connections trickling a body with an invalid key are refused and closed at once, long before the request deadline`, { timeout: 60_000 }, async () => {
    const baseline = openDescriptors();
    const started = performance.now();
    const slow = await openMany(SLOW_CONNECTIONS, () => openTrickle(host, port, 'Bearer sy_not_a_key'));
    try {
      const outcomes = await Promise.all(slow.map((connection) => connection.closed));
      await settleDescriptors(baseline);
      assert.ok(openDescriptors() <= baseline + FD_SLACK, `the refused connections' descriptors are all released: ${openDescriptors()} open, ${baseline} before`);
      assert.ok(performance.now() - started < REQUEST_TIMEOUT_MS, 'closed after the 401, not at the deadline');
      // A connection closed while its client is still sending may be reset before the client reads the 401: either way it is gone.
      const answered = outcomes.filter((received) => received !== '');
      assert.ok(answered.every((received) => /^HTTP\/1\.1 401 /.test(received)), 'nothing but a 401');
      assert.ok(answered.length > 0);
    } finally {
      for (const connection of slow) connection.socket.destroy();
    }
  });

  test(`while ${SLOW_CONNECTIONS} connections with a valid key trickle their bodies, other clients are answered; the slow ones are cut at the deadline`, { timeout: 60_000 }, async () => {
    const baseline = openDescriptors();
    const slow = await openMany(SLOW_CONNECTIONS, () => openTrickle(host, port, `Bearer ${stack.apiKey}`));
    try {
      const held = openDescriptors();
      assert.ok(held <= baseline + 2 * SLOW_CONNECTIONS + FD_SLACK, `each slow connection holds its own two ends and nothing more: ${held} open, ${baseline} before`);
      const client = stack.client();
      for (let index = 0; index < 20; index += 1) {
        const served = await client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: `hi ${index}` }] });
        assert.ok(served.choices[0]?.message);
      }
      assert.ok(slow.every((connection) => !connection.socket.destroyed), 'the slow connections were still open while the others were served');
      const outcomes = await Promise.all(slow.map((connection) => connection.closed));
      const answered = outcomes.filter((received) => received !== '');
      assert.ok(answered.every((received) => /^HTTP\/1\.1 408 /.test(received) && received.includes('"code":"request_timeout"')), 'cut with a 408 in the envelope');
      assert.ok(answered.length > 0);
      await settleDescriptors(baseline);
      assert.ok(openDescriptors() <= baseline + FD_SLACK, `the cut connections' descriptors are all released: ${openDescriptors()} open, ${baseline} before`);
    } finally {
      for (const connection of slow) connection.socket.destroy();
    }
  });

  test('a client that never finishes its headers is cut with a 408', { timeout: 60_000 }, async () => {
    const socket = connect(port, host);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n');
    assert.match(await readUntilClosed(socket), /^HTTP\/1\.1 408 /);
  });
});

/** Waits (up to 5 s) for closed sockets' descriptors to be released: both ends close on their own ticks. */
async function settleDescriptors(baseline: number): Promise<void> {
  const by = performance.now() + 5_000;
  while (openDescriptors() > baseline + FD_SLACK && performance.now() < by) await new Promise((resolve) => setTimeout(resolve, 50));
}

/**
 * Opens connections the way clients arrive, 200 at a time: all at once, they would overflow the
 * kernel's accept queue (Node listens with a backlog of 511), which tests the kernel, not the gateway.
 */
async function openMany<T>(count: number, open: () => Promise<T>): Promise<T[]> {
  const opened: T[] = [];
  while (opened.length < count) {
    opened.push(...(await Promise.all(Array.from({ length: Math.min(200, count - opened.length) }, open))));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return opened;
}

/** A POST whose headers go at once and whose announced 1 MB body trickles a byte every 200 ms, until the gateway closes. */
async function openTrickle(host: string, port: number, authorization: string): Promise<{ socket: Socket; closed: Promise<string> }> {
  const socket = connect(port, host);
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{`);
  const timer = setInterval(() => socket.writable && socket.write(' '), 200);
  const closed = readUntilClosed(socket).finally(() => clearInterval(timer));
  return { socket, closed };
}

function readUntilClosed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text));
  });
}

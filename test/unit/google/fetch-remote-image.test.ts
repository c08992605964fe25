import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { GatewayError } from '../../../src/core/gateway-error.ts';
import { fetchRemoteImage, isRefusedAddress } from '../../../src/providers/google/fetch-remote-image.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
let server: Server;
let origin: string;
const served: string[] = [];

before(async () => {
  server = createServer((request, response) => {
    served.push(request.url ?? '');
    switch (request.url) {
      case '/cat.png':
        response.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
        return response.end(PNG);
      case '/big.png':
        response.writeHead(200, { 'content-type': 'image/png', 'content-length': 4096 });
        return response.end(Buffer.alloc(4096));
      case '/big-unsized.png':
        response.writeHead(200, { 'content-type': 'image/png' });
        for (let index = 0; index < 8; index += 1) response.write(Buffer.alloc(512));
        return response.end();
      case '/page.html':
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return response.end('<html></html>');
      case '/moved':
        response.writeHead(302, { location: '/cat.png' });
        return response.end();
      case '/slow':
        return; // never answers
      default:
        response.writeHead(404);
        return response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

const options = (overrides: Partial<Parameters<typeof fetchRemoteImage>[1]> = {}) => ({
  allowPrivateAddresses: true,
  maxBytes: 1024,
  timeoutMs: 2_000,
  signal: new AbortController().signal,
  ...overrides,
});

async function refusal(url: string, overrides: Partial<Parameters<typeof fetchRemoteImage>[1]> = {}): Promise<GatewayError> {
  try {
    await fetchRemoteImage(url, options(overrides));
  } catch (error) {
    assert.ok(error instanceof GatewayError, String(error));
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_image_url');
    return error;
  }
  assert.fail(`expected ${url} to be refused`);
}

describe('fetchRemoteImage', () => {
  it('refuses loopback, private and link-local addresses before connecting, whether given as an IP or a name', async () => {
    const before = served.length;
    assert.match((await refusal(`${origin}/cat.png`, { allowPrivateAddresses: false })).message, /resolves to 127\.0\.0\.1, a private, loopback or link-local address/);
    assert.match((await refusal(`http://localhost:${new URL(origin).port}/cat.png`, { allowPrivateAddresses: false })).message, /a private, loopback or link-local address/);
    assert.match((await refusal('http://169.254.169.254/latest/meta-data/', { allowPrivateAddresses: false })).message, /169\.254\.169\.254/);
    assert.match((await refusal('http://[::ffff:10.0.0.1]/x.png', { allowPrivateAddresses: false })).message, /private/);
    assert.equal(served.length, before, 'nothing reached the server');
  });

  it('classifies addresses: private, loopback, link-local, CGNAT, multicast and IPv4-mapped ones are refused, public ones allowed', () => {
    const refused = ['127.0.0.1', '10.1.2.3', '172.16.5.4', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::', '::1', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:7f00:1', 'not-an-ip'];
    const allowed = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450:4007:80e::200e'];
    assert.deepEqual(refused.filter((address) => !isRefusedAddress(address)), []);
    assert.deepEqual(allowed.filter((address) => isRefusedAddress(address)), []);
  });

  it('judges IPv6 addresses that carry an IPv4 address by that address: compatible, NAT64 and 6to4 forms too', () => {
    const refused = ['::127.0.0.1', '::7f00:1', '::a00:1', '64:ff9b::127.0.0.1', '64:ff9b::a9fe:a9fe', '64:ff9b::10.0.0.1', '2002:7f00:1::1', '2002:c0a8:101::', '::ffff:0:7f00:1'.replace('::ffff:0:', '::ffff:')];
    const allowed = ['64:ff9b::8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', '::8.8.8.8'];
    assert.deepEqual(refused.filter((address) => !isRefusedAddress(address)), []);
    assert.deepEqual(allowed.filter((address) => isRefusedAddress(address)), []);
  });

  it('refuses the IPv4-compatible and NAT64 spellings of loopback in a URL, before connecting', async () => {
    for (const host of ['[::127.0.0.1]', '[64:ff9b::127.0.0.1]', '[::ffff:169.254.169.254]']) {
      assert.match((await refusal(`http://${host}:${new URL(origin).port}/cat.png`, { allowPrivateAddresses: false })).message, /private, loopback or link-local/, host);
    }
  });

  it('fetches an image when private addresses are allowed, following redirects', async () => {
    assert.deepEqual(await fetchRemoteImage(`${origin}/cat.png`, options()), { mimeType: 'image/png', data: PNG });
    assert.deepEqual(await fetchRemoteImage(`${origin}/moved`, options()), { mimeType: 'image/png', data: PNG });
  });

  it('refuses images over the size limit, by Content-Length or while downloading', async () => {
    assert.match((await refusal(`${origin}/big.png`)).message, /larger than the gateway's limit of 1024 bytes/);
    assert.match((await refusal(`${origin}/big-unsized.png`)).message, /larger than the gateway's limit of 1024 bytes/);
  });

  it('refuses what is not an image, other schemes, credentials in the URL, error statuses, and a server that does not answer in time', async () => {
    assert.match((await refusal(`${origin}/page.html`)).message, /is not an image \(content type 'text\/html'\)/);
    assert.match((await refusal('file:///etc/passwd')).message, /must be http\(s\) or a data: URL/);
    assert.match((await refusal(`http://user:secret@127.0.0.1:${new URL(origin).port}/cat.png`)).message, /must not carry credentials/);
    assert.match((await refusal(`${origin}/missing.png`)).message, /answered HTTP 404/);
    assert.match((await refusal(`${origin}/slow`, { timeoutMs: 200 })).message, /no answer within 200 ms/);
  });
});

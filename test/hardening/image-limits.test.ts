import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { rejection } from '../support/rejection.ts';
import { startStack, type Stack } from '../support/start-stack.ts';

const IMAGE_BYTES = 9 * 1024 * 1024;
const IMAGE = Buffer.alloc(IMAGE_BYTES, 7);

/**
 * Image URLs a provider needs as bytes (Gemini) are downloaded by the gateway, within limits per
 * request: once a 5.5 KB request with 60 image URLs made it download 540 MB and answer 500.
 */
describe('what one request may make the gateway download', () => {
  let stack: Stack;
  let images: Server;
  let origin: string;
  let downloads = 0;
  before(async () => {
    images = createServer((request, response) => {
      downloads += 1;
      const image = request.url?.startsWith('/big/') ? IMAGE : IMAGE.subarray(0, 100);
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': String(image.length) });
      response.end(image);
    });
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(images.address() as { port: number }).port}`;
    stack = await startStack({ SWITCHYARD_ALLOW_PRIVATE_IMAGE_URLS: 'true' });
  });
  after(async () => {
    await stack.close();
    await new Promise((resolve) => images.close(resolve));
  });

  const ask = (count: number, size: 'big' | 'small') =>
    stack.client().chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in these?' }, ...Array.from({ length: count }, (_, index) => ({ type: 'image_url' as const, image_url: { url: `${origin}/${size}/${index}.png` } }))] }],
    });

  test('60 image URLs are a 400 too_many_image_urls, after at most 20 downloads', async () => {
    downloads = 0;
    const error = await rejection(ask(60, 'small'));
    assert.equal(error.status, 400);
    assert.equal((error.error as { code?: string }).code, 'too_many_image_urls', error.message);
    assert.ok(downloads <= 20, `${downloads} downloads`);
  });

  test('images adding up to more than 50 MiB are a 400 image_bytes_exceeded, downloading no more than that', async () => {
    downloads = 0;
    const error = await rejection(ask(8, 'big'));
    assert.equal(error.status, 400);
    assert.equal((error.error as { code?: string }).code, 'image_bytes_exceeded');
    assert.ok(downloads * IMAGE_BYTES <= 50 * 1024 * 1024 + IMAGE_BYTES, `${downloads} downloads of 9 MiB: at most one past the budget`);
  });
});

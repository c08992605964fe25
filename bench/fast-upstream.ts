import { createServer } from 'node:http';

/**
 * The benchmark's upstream: an OpenAI-compatible endpoint that answers at once with a fixed
 * completion (or a 6-chunk stream), so the numbers show the gateway's own cost.
 */
const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_735_689_600,
  model: 'gpt-5-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the benchmark upstream.', refusal: null }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
});

function chunk(delta: Record<string, unknown>, finishReason: string | null, usage?: Record<string, unknown>) {
  return `data: ${JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1_735_689_600,
    model: 'gpt-5-mini',
    choices: usage ? [] : [{ index: 0, delta, finish_reason: finishReason }],
    ...(usage ? { usage } : {}),
  })}\n\n`;
}

const stream =
  chunk({ role: 'assistant', content: '' }, null) +
  ['Hello ', 'from ', 'the ', 'benchmark ', 'upstream.'].map((text) => chunk({ content: text }, null)).join('') +
  chunk({}, 'stop') +
  chunk({}, null, { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 }) +
  'data: [DONE]\n\n';

const port = Number(process.env.PORT ?? 0);
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (part) => (body += part));
  request.on('end', () => {
    if (body.includes('"stream":true')) {
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      response.end(stream);
    } else {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(completion);
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : port}`);
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';

/**
 * The fault kinds every simulated provider shares (apply-simulator-fault.ts, write-simulator-stream.ts):
 * a reset before headers, malformed JSON and SSE, oversized answers, a stall mid-stream. Each is
 * checked on wire formats that differ: OpenAI (LF, `[DONE]`), Perplexity (CRLF, no terminator),
 * vLLM (no key), Azure OpenAI (deployment paths), Anthropic (named events), Gemini (CRLF, its own
 * paths) and OpenAI's Responses API.
 */
let simulators: Simulators;

before(async () => {
  simulators = await startSimulators();
});
after(() => simulators.close());
beforeEach(() => simulators.reset());

type Target = { provider: 'openai' | 'perplexity' | 'vllm' | 'azure-openai' | 'anthropic' | 'google'; label: string; request(stream: boolean): { url: string; init: RequestInit } };

const TARGETS: Target[] = [
  {
    provider: 'openai',
    label: 'OpenAI chat',
    request: (stream) => ({ url: `${simulators.baseUrls.openai}/chat/completions`, init: json({ authorization: 'Bearer sk-test' }, { model: 'gpt-4o', stream, messages: [{ role: 'user', content: 'one two three four five six' }] }) }),
  },
  {
    provider: 'perplexity',
    label: 'Perplexity',
    request: (stream) => ({ url: `${simulators.baseUrls.perplexity}/chat/completions`, init: json({ authorization: 'Bearer pplx-test' }, { model: 'sonar', stream, messages: [{ role: 'user', content: 'one two three four five six' }] }) }),
  },
  {
    provider: 'vllm',
    label: 'vLLM',
    request: (stream) => ({ url: `${simulators.baseUrls.vllm}/chat/completions`, init: json({}, { model: 'meta-llama/Llama-3.1-8B-Instruct', stream, messages: [{ role: 'user', content: 'one two three four five six' }] }) }),
  },
  {
    provider: 'azure-openai',
    label: 'Azure OpenAI',
    request: (stream) => ({
      url: `${simulators.baseUrls.azureOpenai}/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21`,
      init: json({ 'api-key': 'azure-test-key' }, { stream, messages: [{ role: 'user', content: 'one two three four five six' }] }),
    }),
  },
  {
    provider: 'anthropic',
    label: 'Anthropic Messages',
    request: (stream) => ({
      url: `${simulators.baseUrls.anthropic}/v1/messages`,
      init: json({ 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' }, { model: 'claude-sonnet-4-6', max_tokens: 256, stream, messages: [{ role: 'user', content: 'one two three four five six' }] }),
    }),
  },
  {
    provider: 'google',
    label: 'Gemini',
    request: (stream) => ({
      url: `${simulators.baseUrls.google}/v1beta/models/gemini-2.5-flash:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
      init: json({ 'x-goog-api-key': 'AIza-test' }, { contents: [{ role: 'user', parts: [{ text: 'one two three four five six' }] }] }),
    }),
  },
  {
    provider: 'openai',
    label: 'OpenAI Responses',
    request: (stream) => ({ url: `${simulators.baseUrls.openai}/responses`, init: json({ authorization: 'Bearer sk-test' }, { model: 'gpt-4o', stream, input: 'one two three four five six' }) }),
  },
];

function json(headers: Record<string, string>, body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** A stream's events, parsed with a real SSE parser. */
function parseEvents(text: string): EventSourceMessage[] {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  parser.feed(text);
  return events;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('fault kinds shared by every simulated provider', () => {
  for (const target of TARGETS) {
    describe(target.label, () => {
      test('resetBeforeHeaders: the connection is reset before any byte of the answer, the request recorded', async () => {
        simulators.addFault({ provider: target.provider, resetBeforeHeaders: true });
        const { url, init } = target.request(false);
        const error = await fetch(url, init).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        assert.ok(error instanceof TypeError, 'fetch fails: no answer at all');
        assert.match(String((error.cause as { code?: string } | undefined)?.code), /ECONNRESET|UND_ERR_SOCKET/);
        const recorded = await simulators.waitForRequest(() => true);
        assert.equal(recorded.completed, false);
        assert.equal(recorded.aborted, false, 'the break is the server\'s, not a client abort');
        assert.equal((await fetch(url, init)).status, 200, 'the next request is answered');
      });

      test("malformed 'json': a 200 JSON answer that does not parse", async () => {
        simulators.addFault({ provider: target.provider, malformed: 'json' });
        const { url, init } = target.request(false);
        const response = await fetch(url, init);
        assert.equal(response.status, 200);
        assert.match(String(response.headers.get('content-type')), /^application\/json/);
        const text = await response.text();
        assert.ok(text.startsWith('{') && !isJson(text), text);
      });

      test("malformed 'sse': after afterChunks good events, one data line that is not JSON, then the rest of the stream", async () => {
        const whole = parseEvents(await (await fetch(target.request(true).url, target.request(true).init)).text());
        simulators.addFault({ provider: target.provider, malformed: 'sse', afterChunks: 2 });
        const response = await fetch(target.request(true).url, target.request(true).init);
        assert.equal(response.status, 200);
        const events = parseEvents(await response.text());
        assert.equal(events.length, whole.length + 1, 'one event more than an unbroken stream');
        assert.ok(events.slice(0, 2).every((event) => isJson(event.data)), 'two good events first');
        assert.equal(isJson(events[2]!.data), false, 'then one that is not JSON');
        assert.equal(events[2]!.event, whole[2]!.event, 'named events keep their name');
        assert.deepEqual(events.slice(3).map((event) => event.event), whole.slice(2).map((event) => event.event), 'then the stream goes on to its usual end');
        assert.ok(events.slice(3).every((event) => event.data === '[DONE]' || isJson(event.data)), 'all of it good');
      });

      test('oversizedBytes: a JSON answer of exactly that many bytes; a stream whose first event is that size', async () => {
        const size = 300 * 1024 + 7;
        simulators.addFault({ provider: target.provider, oversizedBytes: size });
        const { url, init } = target.request(false);
        const body = Buffer.from(await (await fetch(url, init)).arrayBuffer());
        assert.equal(body.length, size);
        assert.equal((JSON.parse(body.toString()) as { object: string }).object, 'simulator.oversized');

        simulators.addFault({ provider: target.provider, oversizedBytes: size });
        const streamed = await fetch(target.request(true).url, target.request(true).init);
        const text = await streamed.text();
        const events = parseEvents(text);
        assert.equal((JSON.parse(events[0]!.data) as { object: string }).object, 'simulator.oversized');
        const lineEnding = text.includes('\r\n') ? '\r\n' : '\n';
        assert.equal(Buffer.byteLength(`data: ${events[0]!.data}${lineEnding}${lineEnding}`), size, 'the event, framing included, is that size');
        assert.ok(events.length > 2, 'and the answer follows');
      });

      test('stallAfterChunks: the stream pauses after that many events (a client that leaves then finds it unfinished)', async () => {
        simulators.addFault({ provider: target.provider, stallAfterChunks: { chunks: 2, ms: 60_000 } });
        const controller = new AbortController();
        const { url, init } = target.request(true);
        const response = await fetch(url, { ...init, signal: controller.signal });
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        let events: EventSourceMessage[] = [];
        let text = '';
        while (events.length < 2) {
          const { value, done } = await reader.read();
          assert.equal(done, false, 'the stream does not end during the stall');
          text += decoder.decode(value, { stream: true });
          events = parseEvents(text);
        }
        assert.equal(events.length, 2, 'exactly two events before the pause');
        controller.abort();
        const recorded = await simulators.waitForRequest(() => true);
        assert.equal(recorded.completed, false, 'the stall held the rest back');
        assert.equal(recorded.aborted, true);
      });
    });
  }
});

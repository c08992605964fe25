import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-demo-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

/**
 * `switchyard demo` as a new user runs it: the banner (key, curl, snippets) alone on stdout, the
 * logs on stderr, ports as asked; an agent loop against it ends (once a simulator called a tool on
 * every turn, and agent clients looped until the credits ran out).
 */
test('demo: banner on stdout, logs on stderr, the ports asked for, and an agent loop that ends in text', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [join(REPOSITORY, 'bin', 'switchyard.js'), 'demo', '--port', '0', '--simulator-port', '0'], {
    cwd: REPOSITORY,
    env: { PATH: process.env.PATH ?? '', HOME: dataDir, SWITCHYARD_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  try {
    const by = Date.now() + 30_000;
    const started = () => /Demo API key[^\n]*\n(sy_\S+)/.test(stdout) && /"msg":"switchyard is listening"/.test(stderr);
    // The banner (stdout) and the log line (stderr) are two pipes: either may be read first.
    while (!started() && Date.now() < by) await new Promise((resolve) => setTimeout(resolve, 100));
    const apiKey = /Demo API key[^\n]*\n(sy_\S+)/.exec(stdout)?.[1];
    assert.ok(apiKey, `a key in the banner: ${stdout}${stderr}`);
    assert.ok(!stdout.split('\n').some((line) => line.startsWith('{')), 'no log line on stdout');
    assert.match(stderr, /"msg":"switchyard is listening"/, 'the logs are on stderr');
    const url = /running at (http:\/\/\S+) /.exec(stdout)![1]!;

    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
    let turns = 0;
    for (; turns < 5; turns += 1) {
      const answer = (await client.chat.completions.create({ model: 'gpt-5-mini', messages, tools })).choices[0]!.message;
      messages.push(answer);
      if (!answer.tool_calls?.length) break;
      for (const call of answer.tool_calls) messages.push({ role: 'tool', tool_call_id: call.id, content: 'Sunny, 21 °C' });
    }
    assert.equal(turns, 1, 'one tool call, then a text answer');
    assert.match(String(messages.at(-1)!.content), /Sunny, 21 °C/);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});

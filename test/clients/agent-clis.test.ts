import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startStack, type Stack } from '../support/start-stack.ts';
import { ClientTable, FAMILIES, type Family } from './client-table.ts';

const BIN = fileURLToPath(new URL('../../node_modules/.bin/', import.meta.url));
const execFileAsync = promisify(execFile);

/** Runs a CLI with stdin closed (Codex reads a prompt from stdin until it ends). */
function run(file: string, args: string[], options: Parameters<typeof execFileAsync>[2]): Promise<{ stdout: string; stderr: string }> {
  const running = execFileAsync(file, args, { ...options, encoding: 'utf8' });
  running.child.stdin?.end();
  return running as Promise<{ stdout: string; stderr: string }>;
}

/** Evidence in an upstream request that a tool's result came back, in each provider's words. */
const TOOL_RESULT = /"tool_result"|"role":"tool"|"functionResponse"|"function_call_output"/;

/**
 * Claude Code (`claude -p`) and Codex (`codex exec`), as published on npm and pinned, headless and
 * offline (../shared/docs/real-clients.md), pointed at the gateway with its default tools on: a
 * run passes when the client exits 0 with a final text and the provider (simulated) received the
 * result of a tool it ran. Every other destination goes to a trap proxy that must see nothing.
 */
describe('agent CLIs through the gateway', () => {
  let stack: Stack;
  let trap: Server;
  let trapPort: number;
  const attempts: string[] = [];
  const home = mkdtempSync(join(tmpdir(), 'switchyard-clis-'));
  const workspace = join(home, 'workspace');

  before(async () => {
    stack = await startStack();
    trap = createServer((request, response) => {
      attempts.push(`${request.method} ${request.url}`);
      response.writeHead(502).end();
    });
    trap.on('connect', (request, socket) => {
      attempts.push(`CONNECT ${request.url}`);
      socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapPort = (trap.address() as { port: number }).port;
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'README.md'), '# A project\n');
  });
  const table = new ClientTable('cli', [
    { client: 'claude', label: 'Claude Code 2.1 (`claude -p`, default tools)' },
    { client: 'codex', label: 'Codex 0.171 (`codex exec`, Responses wire API)' },
  ]);
  after(async () => {
    table.syncReadme();
    await stack.close();
    await new Promise((resolve) => trap.close(resolve));
    rmSync(home, { recursive: true, force: true });
  });

  const offline = () => ({
    PATH: process.env.PATH ?? '',
    HTTP_PROXY: `http://127.0.0.1:${trapPort}`,
    HTTPS_PROXY: `http://127.0.0.1:${trapPort}`,
    NO_PROXY: '127.0.0.1,localhost',
  });

  /**
   * Perplexity's Sonar models take no function tools, and an agent CLI always offers its tools: the
   * CLI fails on the gateway's 400 naming them, and no provider is called. True when so (recorded).
   */
  async function refusedAsExpected(client: 'claude' | 'codex', family: Family, running: Promise<{ stdout: string; stderr: string }>, since: number): Promise<boolean> {
    if (family !== 'Perplexity') return false;
    const output = await running.then(
      ({ stdout, stderr }) => stdout + stderr,
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
    const reason = /Model '[^']+' does not support tools/.exec(output)?.[0];
    assert.ok(reason, `the CLI shows the gateway's refusal: ${output.slice(-2_000)}`);
    assert.equal(stack.simulators.requests.slice(since).filter((request) => request.provider === 'perplexity').length, 0, 'Perplexity was not called');
    table.record(client, family, { passed: [], refused: [{ testCase: 'tools', reason: `a 400 before any provider is called: ${reason}; the CLI stops there` }] });
    return true;
  }

  async function assertRanATool(since: number): Promise<void> {
    const upstream = stack.simulators.requests.slice(since).map((request) => JSON.stringify(request.body));
    assert.ok(upstream.some((body) => TOOL_RESULT.test(body)), 'the provider received a tool result');
    assert.deepEqual(attempts, [], 'no destination but the gateway');
  }

  for (const [family, model] of Object.entries(FAMILIES) as [Family, string][]) {
    test(`Claude Code on ${model}`, { timeout: 180_000 }, async () => {
      const claudeHome = mkdtempSync(join(home, 'claude-'));
      const since = stack.simulators.requests.length;
      const running = run(join(BIN, 'claude'), ['-p', 'List the files in this folder, then say what you found.', '--model', model], {
        cwd: workspace,
        timeout: 150_000,
        env: {
          ...offline(),
          HOME: claudeHome,
          TMPDIR: claudeHome,
          ANTHROPIC_BASE_URL: stack.gateway.url,
          ANTHROPIC_API_KEY: stack.apiKey,
          DISABLE_TELEMETRY: '1',
          DISABLE_AUTOUPDATER: '1',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        },
      });
      if (await refusedAsExpected('claude', family, running, since)) return;
      const { stdout } = await running;
      assert.ok(stdout.trim().length > 0, 'a final text');
      assert.doesNotMatch(stdout, /API Error/);
      await assertRanATool(since);
      table.record('claude', family, { passed: ['agent loop'], refused: [] });
    });
  }

  test('Claude Code with no --model: its default model (claude-opus-4-8) resolves and the run completes', { timeout: 180_000 }, async () => {
    const claudeHome = mkdtempSync(join(home, 'claude-'));
    const since = stack.simulators.requests.length;
    const { stdout } = await run(join(BIN, 'claude'), ['-p', 'List the files in this folder, then say what you found.'], {
      cwd: workspace,
      timeout: 150_000,
      env: { ...offline(), HOME: claudeHome, TMPDIR: claudeHome, ANTHROPIC_BASE_URL: stack.gateway.url, ANTHROPIC_API_KEY: stack.apiKey, DISABLE_TELEMETRY: '1', DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
    });
    assert.ok(stdout.trim().length > 0, 'a final text');
    assert.doesNotMatch(stdout, /API Error/);
    assert.ok(stack.simulators.requests.slice(since).some((request) => request.body?.model === 'claude-opus-4-8'), 'the default model was asked for');
    await assertRanATool(since);
  });

  for (const [family, model] of Object.entries(FAMILIES) as [Family, string][]) {
    test(`Codex on ${model}`, { timeout: 180_000 }, async () => {
      const codexHome = mkdtempSync(join(home, 'codex-'));
      writeFileSync(
        join(codexHome, 'config.toml'),
        [
          'model_provider = "switchyard"',
          'check_for_update_on_startup = false',
          'web_search = "disabled"',
          '[analytics]',
          'enabled = false',
          '[features]',
          'plugins = false',
          '[model_providers.switchyard]',
          'name = "Switchyard"',
          `base_url = "${stack.gateway.url}/v1"`,
          'env_key = "SWITCHYARD_KEY"',
          'wire_api = "responses"',
        ].join('\n'),
      );
      const since = stack.simulators.requests.length;
      const running = run(join(BIN, 'codex'), ['exec', '--skip-git-repo-check', '--ephemeral', '-s', 'read-only', '-m', model, 'List the files here, then say what you found.'], {
        cwd: workspace,
        timeout: 150_000,
        env: { ...offline(), HOME: codexHome, CODEX_HOME: codexHome, SWITCHYARD_KEY: stack.apiKey },
      });
      if (await refusedAsExpected('codex', family, running, since)) return;
      const { stdout } = await running;
      assert.ok(stdout.trim().length > 0, 'a final text');
      await assertRanATool(since);
      table.record('codex', family, { passed: ['agent loop'], refused: [] });
    });
  }
});

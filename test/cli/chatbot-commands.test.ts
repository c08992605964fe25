import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

/**
 * `switchyard chatbots …` as an operator runs it, in its own process against a data folder of its
 * own. The CLI runs from its sources (tsx), so this needs no build; compiled-cli.test.ts covers
 * running the compiled CLI.
 */

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(REPOSITORY, 'src', 'cli', 'main.ts');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function runCli(args: string[], dataDir: string): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: REPOSITORY,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), SWITCHYARD_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

describe('switchyard chatbots', () => {
  let dataDir = '';
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchyard-chatbot-cli-'));
    for (const name of ['acme', 'globex']) assert.equal((await runCli(['orgs', 'create', name], dataDir)).code, 0);
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  let chatbotId = '';

  it('chatbots create prints the preset and the id alone on the last line', async () => {
    const result = await runCli(
      ['chatbots', 'create', '--org', 'acme', '--name', 'support', '--model', 'gpt-5-mini', '--system', 'You help with invoices.', '--temperature', '0.4', '--max-tokens', '500', '--fallbacks', 'grok-4, claude-sonnet-4-6'],
      dataDir,
    );
    assert.equal(result.code, 0, result.stderr);
    chatbotId = result.stdout.trimEnd().split('\n').at(-1)!;
    assert.match(chatbotId, /^cb_[A-Za-z0-9_-]+$/);
    assert.match(result.stdout, /Fallbacks: grok-4, claude-sonnet-4-6/);
    assert.match(result.stdout, /"temperature":0\.4/);
    assert.match(result.stdout, new RegExp(`POST /v1/gateway/chatbots/${chatbotId}/chat/completions`));
  });

  it('chatbots create refuses what the admin API refuses, in the same words, with a non-zero exit', async () => {
    const unknown = await runCli(['chatbots', 'create', '--org', 'acme', '--name', 'other', '--model', 'no-such-model'], dataDir);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /Model 'no-such-model' is not in the catalog/);
    const hot = await runCli(['chatbots', 'create', '--org', 'acme', '--name', 'other', '--model', 'gpt-5-mini', '--temperature', '2.5'], dataDir);
    assert.notEqual(hot.code, 0);
    assert.match(hot.stderr, /parameters\.temperature must be a number from 0 to 2/);
    const taken = await runCli(['chatbots', 'create', '--org', 'acme', '--name', 'support', '--model', 'gpt-5-mini'], dataDir);
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, /already has a chatbot named 'support'/);
    const notANumber = await runCli(['chatbots', 'create', '--org', 'acme', '--name', 'other', '--model', 'gpt-5-mini', '--max-tokens', 'many'], dataDir);
    assert.notEqual(notANumber.code, 0);
    assert.match(notANumber.stderr, /Expected a number/);
  });

  it('chatbots list shows every chatbot, or one organization’s', async () => {
    assert.equal((await runCli(['chatbots', 'create', '--org', 'globex', '--name', 'support', '--model', 'grok-4'], dataDir)).code, 0);
    const all = await runCli(['chatbots', 'list'], dataDir);
    assert.equal(all.code, 0, all.stderr);
    const lines = all.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    const [id, organization, name, model, fallbacks, parameters] = lines[0]!.split('\t');
    assert.deepEqual([id, organization, name, model, fallbacks], [chatbotId, 'acme', 'support', 'gpt-5-mini', 'grok-4,claude-sonnet-4-6']);
    assert.deepEqual(JSON.parse(parameters!), { temperature: 0.4, max_tokens: 500 });
    const globex = await runCli(['chatbots', 'list', '--org', 'globex'], dataDir);
    assert.equal(globex.stdout.trim().split('\n').length, 1);
    assert.match(globex.stdout, /\tglobex\tsupport\tgrok-4\t-\t\{\}$/m);
  });

  it('chatbots delete removes it; deleting it again fails with a clear message', async () => {
    const deleted = await runCli(['chatbots', 'delete', chatbotId], dataDir);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, new RegExp(`Deleted chatbot ${chatbotId}`));
    assert.ok(!(await runCli(['chatbots', 'list', '--org', 'acme'], dataDir)).stdout.includes(chatbotId));
    const again = await runCli(['chatbots', 'delete', chatbotId], dataDir);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, new RegExp(`Chatbot '${chatbotId}' not found`));
  });
});

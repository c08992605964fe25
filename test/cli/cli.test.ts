import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as pause } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';

/**
 * The real CLI, as an operator runs it: `node bin/switchyard.js …` in its own process, against a
 * data folder of its own, with an environment holding nothing but what the test gives it.
 */

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(REPOSITORY, 'bin', 'switchyard.js');
const OPENAI_KEY = 'sk-cli-test-provider-key-444444444444';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: no provider key or setting leaks in from the machine running the tests. */
function cleanEnvironment(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...extra };
}

async function runCli(args: string[], environment: Record<string, string>): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPOSITORY, env: cleanEnvironment(environment), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? '';
}

interface RunningServe {
  child: ChildProcess;
  url: string;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** Starts `switchyard serve` and resolves once it logs that it listens; rejects if it exits first. */
async function startServe(environment: Record<string, string>, args: string[] = []): Promise<RunningServe> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { cwd: REPOSITORY, env: cleanEnvironment(environment), stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = once(child, 'exit');
  const listening = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line);
      } catch {
        entry = { msg: line };
      }
      logs.push(entry);
      if (entry.msg === 'switchyard is listening') resolve(String(entry.url));
    });
    void exited.then(([code]) => reject(new Error(`serve exited with ${code} before listening: ${stderr}`)));
  });
  const url = await listening;
  return {
    child,
    url,
    logs,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Polls until `check` holds, a few times a second; fails with `description` after `limitMs`. */
async function eventually(description: string, check: () => Promise<boolean>, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${description} did not happen within ${limitMs} ms`);
    await pause(50);
  }
}

async function chatStatus(url: string, apiKey: string, model: string): Promise<number> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function modelListStatus(url: string, apiKey: string): Promise<number> {
  const response = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } });
  await response.arrayBuffer();
  return response.status;
}

const folders: string[] = [];
function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-cli-test-'));
  folders.push(folder);
  return folder;
}
const servers: RunningServe[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('switchyard orgs and keys', () => {
  const environment = { SWITCHYARD_DATA_DIR: '' };
  before(() => {
    environment.SWITCHYARD_DATA_DIR = temporaryFolder();
  });

  let keyId = '';
  let secret = '';

  it('orgs create prints the new organization id and name', async () => {
    const result = await runCli(['orgs', 'create', 'acme'], environment);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout.trim(), /^org_\S+\tacme$/);
  });

  it('orgs create refuses a name that is taken, with a non-zero exit', async () => {
    const result = await runCli(['orgs', 'create', 'acme'], environment);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Organization 'acme' already exists/);
  });

  it('orgs list shows the organization', async () => {
    const result = await runCli(['orgs', 'list'], environment);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^org_\S+\tacme\t\S+$/m);
  });

  it('keys create prints the key alone on the last stdout line', async () => {
    const result = await runCli(['keys', 'create', '--org', 'acme', '--name', 'ci'], environment);
    assert.equal(result.code, 0, result.stderr);
    secret = lastLine(result.stdout);
    assert.match(secret, /^sy_[A-Za-z0-9_-]{20,}$/);
    const announced = /Created key (key_\S+) /.exec(result.stdout);
    assert.ok(announced, result.stdout);
    keyId = announced[1];
  });

  it('keys list shows the key prefix and name, never the full key', async () => {
    const result = await runCli(['keys', 'list'], environment);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!result.stdout.includes(secret), 'the full key must not be listed');
    const line = result.stdout.split('\n').find((candidate) => candidate.startsWith(keyId));
    assert.ok(line, result.stdout);
    const [id, prefix, name, , state] = line.split('\t');
    assert.equal(id, keyId);
    assert.ok(prefix.startsWith('sy_') && secret.startsWith(prefix.replace('…', '')), prefix);
    assert.ok(prefix.replace('…', '').length < secret.length / 2, 'the prefix is short');
    assert.equal(name, 'ci');
    assert.equal(state, 'active');
  });

  it('keys list --org of an unknown organization fails with a clear message', async () => {
    const result = await runCli(['keys', 'list', '--org', 'missing'], environment);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Organization 'missing' not found/);
  });

  it('keys revoke revokes the key, and keys list then shows it revoked', async () => {
    const revoked = await runCli(['keys', 'revoke', keyId], environment);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`Revoked ${keyId}`));
    assert.ok(!revoked.stdout.includes(secret));
    const listed = await runCli(['keys', 'list', '--org', 'acme'], environment);
    assert.match(listed.stdout, new RegExp(`^${keyId}\\t.*\\trevoked \\S+$`, 'm'));
  });

  it('keys revoke of an unknown id fails with a clear message', async () => {
    const result = await runCli(['keys', 'revoke', 'key_nope'], environment);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /API key 'key_nope' not found/);
  });

  it('keys create --org of an unknown organization fails with a clear message and a non-zero exit', async () => {
    const result = await runCli(['keys', 'create', '--org', 'missing'], environment);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Organization 'missing' not found/);
    assert.doesNotMatch(result.stdout, /sy_/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'a clear message, not a stack trace');
  });

  it('keys create without --org fails and says --org is required', async () => {
    const result = await runCli(['keys', 'create'], environment);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /--org/);
  });
});

describe('switchyard credits, organization switches and limits, key settings, usage', () => {
  const environment = { SWITCHYARD_DATA_DIR: '' };
  before(async () => {
    environment.SWITCHYARD_DATA_DIR = temporaryFolder();
    assert.equal((await runCli(['orgs', 'create', 'globex'], environment)).code, 0);
    assert.equal((await runCli(['orgs', 'create', 'initech'], environment)).code, 0);
  });

  it('credits add adds an exact decimal amount with its reason and prints the balance', async () => {
    const result = await runCli(['credits', 'add', '--org', 'globex', '--amount', '12.5', '--reason', 'invoice 7'], environment);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Added 12\.5 credits to 'globex' \(led_\S+\)\. Balance: 12\.5 credits\.$/m);
    const again = await runCli(['credits', 'add', '--org', 'globex', '--amount', '0.000001'], environment);
    assert.match(again.stdout, /Balance: 12\.500001 credits\./);
  });

  it('credits add refuses more than 6 decimals, a negative amount and zero, writing nothing', async () => {
    for (const amount of ['1.1234567', '-3', '0']) {
      const result = await runCli(['credits', 'add', '--org', 'globex', '--amount', amount], environment);
      assert.notEqual(result.code, 0, `--amount ${amount} was accepted`);
      assert.match(result.stderr, /amount/i);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'a clear message, not a stack trace');
    }
    const shown = await runCli(['credits', 'show', '--org', 'globex'], environment);
    assert.match(shown.stdout, /^Balance of 'globex': 12\.500001 credits \(12500001 micro-credits\)$/m);
  });

  it("credits show prints the balance and the recent ledger, and only that organization's", async () => {
    assert.equal((await runCli(['credits', 'add', '--org', 'initech', '--amount', '99', '--reason', 'other tenant'], environment)).code, 0);
    const result = await runCli(['credits', 'show', '--org', 'globex'], environment);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3, result.stdout);
    assert.match(lines[1], /^\S+\ttop_up\t0\.000001\t$/);
    assert.match(lines[2], /^\S+\ttop_up\t12\.5\tinvoice 7$/);
    // The other tenant's top-up (99 credits, "other tenant") must not show; match the amount column, not a timestamp that happens to contain 99.
    assert.doesNotMatch(result.stdout, /other tenant|\ttop_up\t99\t/);
    const missing = await runCli(['credits', 'show', '--org', 'missing'], environment);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /Organization 'missing' not found/);
  });

  it('orgs disable and orgs enable switch an organization, and orgs list shows it', async () => {
    const disabled = await runCli(['orgs', 'disable', 'globex'], environment);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.match(disabled.stdout, /Disabled organization 'globex'/);
    assert.match((await runCli(['orgs', 'list'], environment)).stdout, /^org_\S+\tglobex\t\S+\tdisabled$/m);
    const enabled = await runCli(['orgs', 'enable', 'globex'], environment);
    assert.equal(enabled.code, 0, enabled.stderr);
    assert.match((await runCli(['orgs', 'list'], environment)).stdout, /^org_\S+\tglobex\t\S+$/m);
    const missing = await runCli(['orgs', 'disable', 'missing'], environment);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /Organization 'missing' not found/);
  });

  it('orgs limits sets, keeps and removes limits, and refuses 0', async () => {
    const set = await runCli(['orgs', 'limits', 'globex', '--rpm', '600', '--tpm', '100000', '--concurrency', '4'], environment);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^Limits of 'globex': rpm 600, tpm 100000, concurrency 4$/m);
    const removed = await runCli(['orgs', 'limits', 'globex', '--rpm', 'none'], environment);
    assert.match(removed.stdout, /rpm unlimited, tpm 100000, concurrency 4/);
    const refused = await runCli(['orgs', 'limits', 'globex', '--concurrency', '0'], environment);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /--concurrency/);
  });

  let keyId = '';
  it('keys create takes expiry, allowed models, limits and budgets, and still prints the key alone on the last line', async () => {
    const result = await runCli(
      ['keys', 'create', '--org', 'globex', '--name', 'batch', '--expires', '30d', '--models', 'gpt-5-mini,grok-4', '--rpm', '60', '--tpm', '5000', '--concurrency', '2', '--budget', '2.5', '--monthly-budget', '1'],
      environment,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(lastLine(result.stdout), /^sy_[A-Za-z0-9_-]{20,}$/);
    keyId = /Created key (key_\S+) /.exec(result.stdout)![1];
    const expires = /^Expires: (\S+)$/m.exec(result.stdout)![1];
    const days = (Date.parse(expires) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);
    assert.match(result.stdout, /^Models: gpt-5-mini, grok-4$/m);
    assert.match(result.stdout, /^Limits: rpm 60, tpm 5000, concurrency 2, budget 2\.5 credits, monthly budget 1 credits$/m);
  });

  it('keys create refuses an unknown model, a past expiry and a bad budget', async () => {
    const unknown = await runCli(['keys', 'create', '--org', 'globex', '--models', 'no-such-model'], environment);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /no-such-model/);
    const past = await runCli(['keys', 'create', '--org', 'globex', '--expires', '2001-01-01T00:00:00Z'], environment);
    assert.notEqual(past.code, 0);
    assert.match(past.stderr, /in the past/);
    const budget = await runCli(['keys', 'create', '--org', 'globex', '--budget', '0.0000001'], environment);
    assert.notEqual(budget.code, 0);
    assert.match(budget.stderr, /--budget/);
    for (const result of [unknown, past, budget]) assert.doesNotMatch(result.stdout, /sy_/);
  });

  it('keys update changes what it is given, keeps the rest, and removes with none, never and all', async () => {
    const result = await runCli(['keys', 'update', keyId, '--name', 'batch-2', '--models', 'all', '--expires', 'never', '--budget', 'none', '--rpm', '120'], environment);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^Updated ${keyId} `, 'm'));
    assert.match(result.stdout, /^Name: batch-2$/m);
    assert.match(result.stdout, /^Expires: never$/m);
    assert.match(result.stdout, /^Models: all$/m);
    assert.match(result.stdout, /^Limits: rpm 120, tpm 5000, concurrency 2, budget unlimited, monthly budget 1 credits$/m);
    const missing = await runCli(['keys', 'update', 'key_nope', '--rpm', '1'], environment);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /API key 'key_nope' not found/);
  });

  it('usage prints a header of the chosen groups, and refuses an unknown group', async () => {
    const result = await runCli(['usage', '--org', 'globex', '--group-by', 'day,model'], environment);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.split('\n')[0], 'day\tmodel\trequests\tprompt_tokens\tcompletion_tokens\tcredits\tflagged');
    const refused = await runCli(['usage', '--group-by', 'week'], environment);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /--group-by/);
  });

  it('--help says what each new command does', async () => {
    const credits = await runCli(['credits', '--help'], environment);
    assert.match(credits.stdout, /add \[options\]\s+add credits/);
    assert.match(credits.stdout, /show \[options\]\s+print an organization's balance/);
    const orgs = await runCli(['orgs', '--help'], environment);
    for (const command of ['disable', 'enable', 'limits']) assert.match(orgs.stdout, new RegExp(`${command} \\[options\\] <name>`));
    const create = await runCli(['keys', 'create', '--help'], environment);
    for (const option of ['--expires', '--models', '--rpm', '--tpm', '--concurrency', '--budget', '--monthly-budget']) assert.ok(create.stdout.includes(option), option);
    const usage = await runCli(['usage', '--help'], environment);
    assert.match(usage.stdout, /--group-by/);
  });
});

describe('switchyard serve', () => {
  let dataDir = '';
  let serve: RunningServe;
  before(async () => {
    dataDir = temporaryFolder();
    serve = await startServe({
      SWITCHYARD_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      OPENAI_API_KEY: OPENAI_KEY,
      // Never called: these tests need no answer from a provider.
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    });
    servers.push(serve);
  });

  it('says in its logs which providers are on and how to turn the others on', () => {
    const messages = serve.logs.map((entry) => String(entry.msg));
    assert.ok(messages.includes('provider OpenAI is on'), messages.join('\n'));
    for (const [name, variable] of [
      ['xAI', 'XAI_API_KEY'],
      ['Fireworks', 'FIREWORKS_API_KEY'],
      ['Perplexity', 'PERPLEXITY_API_KEY'],
    ]) {
      assert.ok(messages.includes(`provider ${name} is off: set ${variable} to turn it on`), messages.join('\n'));
    }
  });

  it('warns at start that the admin API is off without SWITCHYARD_ADMIN_TOKEN', () => {
    assert.ok(
      serve.logs.some((entry) => entry.level === 40 && String(entry.msg).startsWith('admin API is off: set SWITCHYARD_ADMIN_TOKEN')),
      serve.logs.map((entry) => String(entry.msg)).join('\n'),
    );
  });

  it('never writes the provider key to its logs', () => {
    assert.ok(!JSON.stringify(serve.logs).includes(OPENAI_KEY));
  });

  it('runs one worker per core by default, each saying which providers are on', async () => {
    const cores = availableParallelism();
    const started = serve.logs.find((entry) => entry.msg === 'serving with workers');
    if (cores === 1) assert.equal(started, undefined, 'one core: one process serves by itself');
    else assert.equal(started?.workers, cores, serve.logs.map((entry) => String(entry.msg)).join('\n'));
    await eventually('every worker started', async () => serve.logs.filter((entry) => entry.msg === 'provider OpenAI is on').length === cores);
  });

  it('answers /healthz', async () => {
    const response = await fetch(`${serve.url}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  it('lists only the models of providers that are on', async () => {
    await runCli(['orgs', 'create', 'listing'], { SWITCHYARD_DATA_DIR: dataDir });
    const secret = lastLine((await runCli(['keys', 'create', '--org', 'listing'], { SWITCHYARD_DATA_DIR: dataDir })).stdout);
    const response = await fetch(`${serve.url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } });
    const list = (await response.json()) as { data: { owned_by: string }[] };
    assert.ok(list.data.length > 0);
    assert.deepEqual([...new Set(list.data.map((model) => model.owned_by))], ['openai']);
  });

  it('accepts a key made by the CLI right away, and refuses it soon after the CLI revokes it', async () => {
    const environment = { SWITCHYARD_DATA_DIR: dataDir };
    assert.equal((await runCli(['orgs', 'create', 'live'], environment)).code, 0);
    const created = await runCli(['keys', 'create', '--org', 'live', '--name', 'while-serving'], environment);
    assert.equal(created.code, 0, created.stderr);
    const secret = lastLine(created.stdout);
    const keyId = /Created key (key_\S+) /.exec(created.stdout)![1];

    assert.equal(await modelListStatus(serve.url, secret), 200, 'a new key works on its first request');

    const revoked = await runCli(['keys', 'revoke', keyId], environment);
    assert.equal(revoked.code, 0, revoked.stderr);
    await eventually('refusing the revoked key', async () => (await modelListStatus(serve.url, secret)) === 401, 10_000);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const separate = await startServe({ SWITCHYARD_DATA_DIR: temporaryFolder(), PORT: '0' });
    servers.push(separate);
    separate.child.kill('SIGTERM');
    const [code] = (await once(separate.child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });
});

describe('switchyard serve with the CLI changing things while it runs', () => {
  const ADMIN_TOKEN = 'cli-test-admin-token-5555555555';
  const environment = { SWITCHYARD_DATA_DIR: '' };
  let serve: RunningServe;
  let simulators: Simulators;
  let secret = '';
  let keyId = '';

  before(async () => {
    environment.SWITCHYARD_DATA_DIR = temporaryFolder();
    simulators = await startSimulators({ port: 0 });
    serve = await startServe({
      ...environment,
      PORT: '0',
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: simulators.baseUrls.openai,
      SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    servers.push(serve);
    assert.equal((await runCli(['orgs', 'create', 'ops'], environment)).code, 0);
    assert.equal((await runCli(['credits', 'add', '--org', 'ops', '--amount', '3.25', '--reason', 'grant'], environment)).code, 0);
    const created = await runCli(['keys', 'create', '--org', 'ops', '--name', 'app', '--models', 'gpt-5-mini'], environment);
    assert.equal(created.code, 0, created.stderr);
    secret = lastLine(created.stdout);
    keyId = /Created key (key_\S+) /.exec(created.stdout)![1];
  });
  after(() => simulators.close());

  it('says the admin API is on, and never logs the admin token', () => {
    assert.ok(serve.logs.some((entry) => entry.msg === 'admin API is on'));
    assert.ok(!JSON.stringify(serve.logs).includes(ADMIN_TOKEN));
  });

  it('serves a key made by the CLI once its credits reach the server, and usage shows the request', async () => {
    await eventually('a chat answer for the topped-up organization', async () => (await chatStatus(serve.url, secret, 'gpt-5-mini')) === 200, 10_000);
    await eventually(
      'the request in usage',
      async () => /^\d{4}-\d{2}-\d{2}\tgpt-5-mini\t[1-9]\d*\t[1-9]\d*\t\d+\t[\d.]+\t0$/m.test((await runCli(['usage', '--org', 'ops', '--group-by', 'day,model'], environment)).stdout),
      10_000,
    );
    const shown = await runCli(['credits', 'show', '--org', 'ops'], environment);
    assert.match(shown.stdout, /\ttop_up\t3\.25\tgrant$/m);
    assert.match(shown.stdout, /\tdebit\t-[\d.]+\treq_\S+$/m);
  });

  it('orgs disable refuses the running server\'s next requests (403) within a second or two, and orgs enable lets them through again', async () => {
    assert.equal((await runCli(['orgs', 'disable', 'ops'], environment)).code, 0);
    await eventually('refusing the disabled organization', async () => (await modelListStatus(serve.url, secret)) === 403, 10_000);
    assert.equal((await runCli(['orgs', 'enable', 'ops'], environment)).code, 0);
    await eventually('serving the enabled organization', async () => (await modelListStatus(serve.url, secret)) === 200, 10_000);
  });

  it("keys update narrows a key's models on the running server", async () => {
    assert.equal((await runCli(['keys', 'update', keyId, '--models', 'gpt-5'], environment)).code, 0);
    await eventually('refusing a model the key may no longer call', async () => (await chatStatus(serve.url, secret, 'gpt-5-mini')) === 403, 10_000);
  });
});

describe('switchyard serve refuses a bad configuration at start', () => {
  it('fails with a message naming PORT when PORT=abc', async () => {
    const result = await runCli(['serve'], { SWITCHYARD_DATA_DIR: temporaryFolder(), PORT: 'abc' });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /PORT/);
    assert.match(result.stderr, /abc/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'a clear message, not a stack trace');
  });

  it('fails naming models[0].provider for a YAML model without a provider', async () => {
    const folder = temporaryFolder();
    const configFile = join(folder, 'switchyard.yaml');
    writeFileSync(configFile, 'models:\n  - id: x\n');
    const result = await runCli(['serve', '--config', configFile], { SWITCHYARD_DATA_DIR: join(folder, 'data'), PORT: '0' });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /models\[0\]\.provider/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'a clear message, not a stack trace');
  });

  it('fails naming the file field for a bad YAML value', async () => {
    const folder = temporaryFolder();
    const configFile = join(folder, 'switchyard.yaml');
    writeFileSync(configFile, 'port: eighty\n');
    const result = await runCli(['serve', '--config', configFile], { SWITCHYARD_DATA_DIR: join(folder, 'data') });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Invalid configuration: port /);
  });

  it('fails naming --config when the file does not exist', async () => {
    const folder = temporaryFolder();
    const result = await runCli(['serve', '--config', join(folder, 'absent.yaml')], { SWITCHYARD_DATA_DIR: join(folder, 'data') });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /--config/);
  });
});

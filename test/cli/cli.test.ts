import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as pause } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

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

  it('never writes the provider key to its logs', () => {
    assert.ok(!JSON.stringify(serve.logs).includes(OPENAI_KEY));
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
    await eventually('refusing the revoked key', async () => (await modelListStatus(serve.url, secret)) === 401, 3_000);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const separate = await startServe({ SWITCHYARD_DATA_DIR: temporaryFolder(), PORT: '0' });
    servers.push(separate);
    separate.child.kill('SIGTERM');
    const [code] = (await once(separate.child, 'exit')) as [number | null];
    assert.equal(code, 0);
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

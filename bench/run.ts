/**
 * `npm run bench`: requests per second and latency percentiles of the gateway against a fast
 * upstream, beside the same load sent straight to that upstream, non-stream and stream.
 * Each side runs in its own process; the load comes from autocannon in this one. Metering and
 * limits are on, as in production: the bench organization has credit and its key has (generous)
 * rate and concurrency limits, so the gateway's numbers include admitting, pricing and debiting.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import autocannon from 'autocannon';
import pino from 'pino';
import { loadConfig } from '../src/config/load-config.ts';
import { PROVIDER_DESCRIPTORS } from '../src/providers/provider-descriptors.ts';
import { createSwitchyard } from '../src/switchyard.ts';

const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const children: ChildProcess[] = [];

async function startProcess(args: string[], environment: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = output.match(ready);
      if (!match) return;
      // Stop reading once ready: the child's logs must not cost the benchmark anything.
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      child.stdout!.resume();
      child.stderr!.resume();
      resolve({ child, match });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`)));
  });
}

async function waitUntilHealthy(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const healthy = await fetch(`${url}/healthz`).then((response) => response.ok, () => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gateway at ${url} did not become healthy`);
}

async function measure(title: string, url: string, headers: Record<string, string>, body: unknown) {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    scenario: title,
    'requests/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p90 ms': result.latency.p90,
    'p99 ms': result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/**
 * The bench organization, made through the service layer: credit to spend and a key with limits
 * far above the load, so every request pays for metering and limits (reservation, rate windows,
 * concurrency slot, debit) without being refused.
 */
async function prepareBenchKey(environment: Record<string, string>): Promise<string> {
  const switchyard = await createSwitchyard(loadConfig({ environment, providers: PROVIDER_DESCRIPTORS }), { logger: pino({ level: 'warn' }) });
  try {
    const organization = await switchyard.accounts.createOrganization('bench');
    await switchyard.credits.topUp(organization.id, 1_000_000 * 1_000_000, 'bench');
    const { key, secret } = await switchyard.accounts.createApiKey('bench', 'bench');
    await switchyard.store.updateApiKey(key.id, { limits: { requestsPerMinute: 100_000_000, tokensPerMinute: 1_000_000_000, concurrentRequests: 10_000 } });
    return secret;
  } finally {
    await switchyard.close();
  }
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  try {
    const upstream = await startProcess(['--import', 'tsx', 'bench/fast-upstream.ts'], {}, /listening (\d+)/);
    const upstreamUrl = `http://127.0.0.1:${upstream.match[1]}`;
    const environment = { SWITCHYARD_DATA_DIR: dataDir, OPENAI_API_KEY: 'bench-provider-key', OPENAI_BASE_URL: upstreamUrl, LOG_LEVEL: 'warn' };
    const key = await prepareBenchKey(environment);
    const gatewayPort = 18_000 + Math.floor(Math.random() * 1000);
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    children.push(spawn(process.execPath, ['bin/switchyard.js', 'serve'], { env: { ...process.env, ...environment, PORT: String(gatewayPort), LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info' }, stdio: 'ignore' }));
    await waitUntilHealthy(gatewayUrl);

    const request = { model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Say hello.' }] };
    const streamRequest = { ...request, stream: true };
    const rows = [];
    rows.push(await measure('direct upstream, non-stream', `${upstreamUrl}/chat/completions`, {}, request));
    rows.push(await measure('through gateway, non-stream', `${gatewayUrl}/v1/chat/completions`, { authorization: `Bearer ${key}` }, request));
    rows.push(await measure('direct upstream, stream', `${upstreamUrl}/chat/completions`, {}, streamRequest));
    rows.push(await measure('through gateway, stream', `${gatewayUrl}/v1/chat/completions`, { authorization: `Bearer ${key}` }, streamRequest));
    console.log(`\n${CONNECTIONS} connections, ${DURATION_SECONDS} s per scenario, Node ${process.version}, ${process.platform}`);
    console.table(rows);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

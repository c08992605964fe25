import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { redisTestEnvironment } from '../support/redis-test-environment.ts';
import { skipUnless } from '../support/required-services.ts';
import { PROVIDER_KEYS, startStack, type Stack } from '../support/start-stack.ts';

const ADMIN_TOKEN = 'admin-token-for-deployments-test-0123456789';
const redisSkip = await skipUnless('redis');

/** A TCP server that resets every connection it accepts (a deployment that is down), counting them. */
async function startDeadDeployment(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, connections: () => connections, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** `count` chat requests, `concurrency` at a time: every status. */
async function load(stack: Stack, count: number, concurrency: number, stream = false): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const response = await fetch(`${stack.gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }], max_completion_tokens: 64, ...(stream ? { stream: true } : {}) }),
        });
        await response.text();
        statuses.push(response.status);
      }
    }),
  );
  return statuses;
}

describe('deployments: several endpoints per provider, weighted, behind circuit breakers', () => {
  describe('one of two deployments refuses connections', () => {
    let stack: Stack;
    let dead: Awaited<ReturnType<typeof startDeadDeployment>>;
    before(async () => {
      dead = await startDeadDeployment();
      stack = await startStack({ SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN }, {
        configYaml: (simulators) => `
providers:
  openai:
    circuitBreaker: { failures: 5, cooldownMs: 600000 }
    deployments:
      - { name: dead, baseUrl: "http://127.0.0.1:${dead.port}/v1", apiKey: sk-dead, weight: 1 }
      - { name: live, baseUrl: "${simulators.baseUrls.openai}", apiKey: ${PROVIDER_KEYS.openai}, weight: 1 }
`,
      });
    });
    after(async () => {
      await stack.close();
      await dead.close();
    });

    test('1,000 requests all succeed; the breaker opens within its threshold and the dead deployment gets nothing during the cool-down', async () => {
      const statuses = await load(stack, 1_000, 16);
      assert.equal(statuses.filter((status) => status === 200).length, 1_000, `every request answered: ${[...new Set(statuses)].join(', ')}`);
      // Up to `failures` attempts open the breaker; requests already under way when it opened may each have tried it once more.
      assert.ok(dead.connections() <= 5 + 16, `${dead.connections()} attempts reached the dead deployment`);
      const before = dead.connections();
      assert.equal((await load(stack, 200, 8, true)).filter((status) => status === 200).length, 200, 'streams too');
      assert.equal(dead.connections(), before, 'nothing during the cool-down');

      const providers = (await (await fetch(`${stack.gateway.url}/admin/v1/providers`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { data: { id: string; deployments_source: string; deployments: { name: string; breaker: string; last_error: string | null; latency_ewma_ms: number | null }[] }[] };
      const openai = providers.data.find((provider) => provider.id === 'openai')!;
      assert.equal(openai.deployments_source, 'yaml deployments');
      assert.deepEqual(openai.deployments.map((deployment) => [deployment.name, deployment.breaker]), [['dead', 'open'], ['live', 'closed']]);
      assert.match(String(openai.deployments[0]!.last_error), /upstream/);
      assert.ok(typeof openai.deployments[1]!.latency_ewma_ms === 'number' && openai.deployments[1]!.latency_ewma_ms >= 0, 'the live deployment\'s latency is shown');
    });
  });

  describe('two live deployments weighted 3:1', () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack({}, {
        configYaml: (simulators) => `
providers:
  openai:
    deployments:
      - { name: primary, baseUrl: "${simulators.baseUrls.openai}", apiKey: sk-primary, weight: 3 }
      - { name: backup, baseUrl: "${simulators.baseUrls.openai}", apiKey: sk-backup, weight: 1 }
`,
      });
    });
    after(() => stack.close());

    test('the weights hold within ±10 % over 1,000 requests; each deployment is sent its own key', async () => {
      stack.simulators.reset();
      const statuses = await load(stack, 1_000, 16);
      assert.equal(statuses.filter((status) => status === 200).length, 1_000);
      const keys = stack.simulators.requests.map((request) => request.headers.authorization);
      const primary = keys.filter((key) => key === 'Bearer sk-primary').length;
      const backup = keys.filter((key) => key === 'Bearer sk-backup').length;
      assert.equal(primary + backup, 1_000);
      assert.ok(primary >= 675 && primary <= 825, `primary served ${primary} of 1,000 (expected 750 ± 75)`);
    });
  });

  describe('a deployment that stalls before its first byte', () => {
    let stack: Stack;
    const attempts: { acceptedAt: number; closedAt?: number }[] = [];
    let stalled: Server;
    const sockets = new Set<import('node:net').Socket>();
    before(async () => {
      // Reads the request and never answers: each connection's accept and close times are kept.
      stalled = createServer((socket) => {
        const attempt: { acceptedAt: number; closedAt?: number } = { acceptedAt: Date.now() };
        attempts.push(attempt);
        sockets.add(socket);
        socket.on('data', () => undefined);
        socket.on('close', () => (attempt.closedAt = Date.now()));
      });
      await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
      const port = (stalled.address() as { port: number }).port;
      stack = await startStack({}, {
        configYaml: (simulators) => `
providers:
  openai:
    deployments:
      - { name: stalling, baseUrl: "http://127.0.0.1:${port}/v1", apiKey: sk-stall, weight: 1000000, timeouts: { firstByteMs: 1000 } }
      - { name: live, baseUrl: "${simulators.baseUrls.openai}", apiKey: ${PROVIDER_KEYS.openai}, weight: 1 }
`,
      });
    });
    after(async () => {
      await stack.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => stalled.close(resolve));
    });

    test('its first-byte timeout (1 s) abandons the attempt and the next deployment answers', async () => {
      const startedAt = Date.now();
      const response = await fetch(`${stack.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] }),
      });
      await response.text();
      const answeredAfter = Date.now() - startedAt;
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-switchyard-deployment'), 'live');
      assert.equal(attempts.length, 1, 'the stalling deployment was tried once');
      // Its end reaches the stalling server on a tick of its own, which may come after the answer reached the client.
      for (const by = Date.now() + 10_000; attempts[0]!.closedAt === undefined && Date.now() < by; ) await new Promise((resolve) => setTimeout(resolve, 10));
      const abandonedAfter = attempts[0]!.closedAt! - attempts[0]!.acceptedAt;
      assert.ok(abandonedAfter >= 900 && abandonedAfter < 5_000, `the stalled attempt was abandoned after ${abandonedAfter} ms`);
      assert.ok(answeredAfter < 10_000, 'well before the gateway-wide timeouts');
    });
  });

  describe('a model\'s own timeouts (YAML models[].timeouts), over its provider\'s', () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack({ SWITCHYARD_MAX_RETRIES: '0' }, {
        configYaml: `
providers:
  openai:
    timeouts: { totalMs: 3000 }
models:
  - id: gpt-5-mini
    timeouts: { firstByteMs: 1000 }
  - id: gpt-4.1-mini
    timeouts: { totalMs: 1500 }
`,
      });
    });
    after(() => stack.close());

    const ask = (model: string, stream = false) =>
      fetch(`${stack.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Tell me a long story' }], ...(stream && { stream: true }) }),
      });

    test('a first-byte timeout of 1 s ends a stalled call of that model with a 504, and only that model\'s', async () => {
      stack.simulators.addFault({ provider: 'openai', model: 'gpt-5-mini', firstByteDelayMs: 4_000 });
      const startedAt = Date.now();
      const response = await ask('gpt-5-mini');
      const body = (await response.json()) as { error: { code: string } };
      const elapsed = Date.now() - startedAt;
      assert.equal(response.status, 504);
      assert.equal(body.error.code, 'upstream_timeout');
      assert.ok(elapsed >= 900 && elapsed < 3_500, `answered after ${elapsed} ms`);

      stack.simulators.addFault({ provider: 'openai', model: 'gpt-5', firstByteDelayMs: 1_500 });
      assert.equal((await ask('gpt-5')).status, 200, 'another model of the provider keeps the gateway\'s timeouts');
    });

    test("the provider's total (3 s) bounds its other models' requests", async () => {
      stack.simulators.addFault({ provider: 'openai', model: 'gpt-5', chunkDelayMs: 400 });
      const startedAt = Date.now();
      const text = await (await ask('gpt-5', true)).text();
      const elapsed = Date.now() - startedAt;
      assert.match(text, /deadline_exceeded/);
      assert.ok(elapsed >= 2_900 && elapsed < 6_000, `ended after ${elapsed} ms`);
    });

    test('a total of 1.5 s ends a slow stream of that model with its error event', async () => {
      stack.simulators.addFault({ provider: 'openai', model: 'gpt-4.1-mini', chunkDelayMs: 400 });
      const startedAt = Date.now();
      const response = await ask('gpt-4.1-mini', true);
      const text = await response.text();
      const elapsed = Date.now() - startedAt;
      assert.equal(response.status, 200);
      assert.match(text, /deadline_exceeded/);
      assert.ok(elapsed >= 1_400 && elapsed < 4_000, `ended after ${elapsed} ms`);
    });
  });

  describe('least-latency between a slow and a fast deployment', () => {
    let stack: Stack;
    let target: { host: string; port: number } | undefined;
    const sockets = new Set<import('node:net').Socket>();
    // A TCP proxy to the simulators that holds every chunk of a request 150 ms: a distant deployment.
    const slow = createServer((client) => {
      const upstream = connect(target!.port, target!.host);
      sockets.add(client).add(upstream);
      client.on('data', (data) => setTimeout(() => upstream.destroyed || upstream.write(data), 150));
      upstream.on('data', (data) => client.destroyed || client.write(data));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('error', () => undefined);
      upstream.on('error', () => undefined);
    });
    before(async () => {
      await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
      const slowPort = (slow.address() as { port: number }).port;
      stack = await startStack({}, {
        configYaml: (simulators) => {
          const url = new URL(simulators.baseUrls.openai);
          target = { host: url.hostname, port: Number(url.port) };
          const slowUrl = new URL(simulators.baseUrls.openai);
          slowUrl.port = String(slowPort);
          return `
providers:
  openai:
    strategy: least-latency
    deployments:
      - { name: slow, baseUrl: "${slowUrl.toString().replace(/\/$/, '')}", apiKey: sk-slow }
      - { name: fast, baseUrl: "${simulators.baseUrls.openai}", apiKey: sk-fast }
`;
        },
      });
    });
    after(async () => {
      await stack.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => slow.close(resolve));
    });

    test('sends at least 80 % of 200 requests to the faster deployment', async () => {
      stack.simulators.reset();
      const statuses = await load(stack, 200, 4);
      assert.equal(statuses.filter((status) => status === 200).length, 200);
      const fast = stack.simulators.requests.filter((request) => request.headers.authorization === 'Bearer sk-fast').length;
      assert.ok(fast >= 160, `the fast deployment served ${fast} of 200`);
    });
  });

  describe('a provider in full outage, behind the retry budget', () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack({ SWITCHYARD_MAX_RETRIES: '2', SWITCHYARD_RETRY_BUDGET_PERCENT: '20', SWITCHYARD_RETRY_FLOOR_PER_SECOND: '1' });
    });
    after(() => stack.close());

    test('upstream attempts stay within the requests plus their 20 % budget (the retry rule alone would triple them)', async () => {
      stack.simulators.reset();
      stack.simulators.addFault({ provider: 'openai', status: 500, times: 100_000 });
      const startedAt = Date.now();
      const statuses = await load(stack, 200, 8);
      const seconds = Math.ceil((Date.now() - startedAt) / 1_000) + 1;
      assert.ok(statuses.every((status) => status >= 500), 'every request fails: the provider is down');
      const attempts = stack.simulators.requests.filter((request) => request.provider === 'openai').length;
      assert.ok(attempts <= 200 + 0.2 * 200 + seconds * 1 + 8, `${attempts} upstream attempts for 200 requests in ${seconds} s`);
      assert.ok(attempts >= 200);
    });
  });

  describe('stored responses on two OpenAI deployments (two accounts)', () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack({}, {
        configYaml: (simulators) => `
providers:
  openai:
    deployments:
      - { name: east, baseUrl: "${simulators.baseUrls.openai}", apiKey: sk-east }
      - { name: west, baseUrl: "${simulators.baseUrls.openai}", apiKey: sk-west }
`,
      });
    });
    after(() => stack.close());

    test('retrieve, input items and previous_response_id go to the deployment that holds the response', async () => {
      const client = stack.client('/v1');
      for (let index = 0; index < 8; index += 1) {
        stack.simulators.reset();
        const created = await client.responses.create({ model: 'gpt-5-mini', input: `Hello ${index}` });
        const owner = stack.simulators.requests.at(-1)!.headers.authorization;
        await client.responses.retrieve(created.id);
        await client.responses.inputItems.list(created.id);
        await client.responses.create({ model: 'gpt-5-mini', input: 'And then?', previous_response_id: created.id });
        assert.deepEqual(
          stack.simulators.requests.map((request) => request.headers.authorization),
          [owner, owner, owner, owner],
          'every call about the response went to the account that holds it',
        );
      }
    });
  });

  describe('two instances on one Redis', { skip: redisSkip }, () => {
    const stacks: Stack[] = [];
    let dead: Awaited<ReturnType<typeof startDeadDeployment>>;
    const redis = redisTestEnvironment();
    before(async () => {
      dead = await startDeadDeployment();
      for (let index = 0; index < 2; index += 1) {
        stacks.push(
          await startStack({ ...redis.environment, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN }, {
            configYaml: (simulators) => `
providers:
  openai:
    circuitBreaker: { failures: 3, cooldownMs: 600000 }
    deployments:
      - { name: dead, baseUrl: "http://127.0.0.1:${dead.port}/v1", apiKey: sk-dead, weight: 1000000 }
      - { name: live, baseUrl: "${simulators.baseUrls.openai}", apiKey: ${PROVIDER_KEYS.openai}, weight: 1 }
`,
          }),
        );
      }
    });
    after(async () => {
      for (const stack of stacks) await stack.close();
      await dead.close();
      await redis.clear();
    });

    test('a breaker opened on one instance is seen by the other: it sends the dead deployment nothing', async () => {
      const [a, b] = stacks as [Stack, Stack];
      assert.ok((await load(a, 10, 1)).every((status) => status === 200));
      const breakerOf = async (stack: Stack) => {
        const providers = (await (await fetch(`${stack.gateway.url}/admin/v1/providers`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { data: { id: string; deployments: { name: string; breaker: string }[] }[] };
        return providers.data.find((provider) => provider.id === 'openai')!.deployments.find((deployment) => deployment.name === 'dead')!.breaker;
      };
      assert.equal(await breakerOf(a), 'open');
      for (let attempt = 0; attempt < 50 && (await breakerOf(b)) !== 'open'; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(await breakerOf(b), 'open', 'instance B learned it through Redis');
      const before = dead.connections();
      assert.ok((await load(b, 20, 2)).every((status) => status === 200));
      assert.equal(dead.connections(), before, 'B never tried the dead deployment');
    });
  });
});

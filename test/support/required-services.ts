import { connect } from 'node:net';
import { DEFAULT_TEST_DATABASE_URL } from './postgres-test-schema.ts';
import { TEST_REDIS_URL } from './redis-test-environment.ts';

const SERVICES = {
  postgres: { url: process.env.SWITCHYARD_TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL, defaultPort: 5432 },
  redis: { url: TEST_REDIS_URL, defaultPort: 6379 },
};

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: target.hostname, port: Number(target.port || defaultPort), timeout: 1_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true)).once('error', () => done(false)).once('timeout', () => done(false));
  });
}

/**
 * For `describe(name, { skip: await skipUnless('postgres') }, …)`: false when the services answer,
 * else a one-line reason, so the README's test command passes on a machine without PostgreSQL or
 * Redis. With CI=true an unreachable service fails the run instead: CI starts them (.ci/run) and
 * must run everything.
 */
export async function skipUnless(...services: (keyof typeof SERVICES)[]): Promise<string | false> {
  const missing: string[] = [];
  for (const service of services) {
    const { url, defaultPort } = SERVICES[service];
    if (!(await reachable(url, defaultPort))) missing.push(`${service} (${new URL(url).host})`);
  }
  if (missing.length === 0) return false;
  const reason = `needs ${missing.join(' and ')}, unreachable`;
  if (process.env.CI === 'true') throw new Error(`${reason}; with CI=true every suite must run`);
  return reason;
}

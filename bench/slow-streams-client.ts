/**
 * Holds many slow streams open at once, for the memory row: opens them a batch at a time (so the
 * listen backlog never overflows), prints `open <n>` once every one has its first chunk, keeps
 * reading them, and ends them all when stdin closes or on SIGTERM.
 *
 * `node --import tsx bench/slow-streams-client.ts` with a JSON argument
 * `{ url, body, headers, count }`.
 */
import { setMaxListeners } from 'node:events';
import { Pool } from 'undici';

interface SlowStreamsRun {
  url: string;
  body: string;
  headers: Record<string, string>;
  count: number;
}

const BATCH = 50;
const run = JSON.parse(process.argv[2]) as SlowStreamsRun;
const url = new URL(run.url);
const pool = new Pool(url.origin, { connections: run.count });
const abort = new AbortController();
// One signal ends every stream: a listener per stream is expected, not a leak.
setMaxListeners(0, abort.signal);
let ended = 0;
let failed = '';

async function open(): Promise<void> {
  const answer = await pool.request({ path: url.pathname, method: 'POST', headers: run.headers, body: run.body, signal: abort.signal });
  if (answer.statusCode !== 200) {
    failed = `status ${answer.statusCode}: ${(await answer.body.text()).slice(0, 300)}`;
    return;
  }
  const reader = answer.body[Symbol.asyncIterator]();
  await reader.next();
  // The rest is read as it comes, so the proxy is not held up by a full socket buffer.
  void (async () => {
    try {
      while (!(await reader.next()).done);
      ended += 1;
    } catch {
      // aborted at the end of the measurement
    }
  })();
}

for (let started = 0; started < run.count && !failed; started += BATCH) {
  await Promise.all(Array.from({ length: Math.min(BATCH, run.count - started) }, () => open().catch((error: Error) => void (failed ||= error.message))));
}
console.log(failed ? `failed ${failed}` : `open ${run.count} (ended early: ${ended})`);

const finish = () => {
  abort.abort();
  void pool.destroy().finally(() => process.exit(0));
};
process.stdin.on('end', finish);
process.stdin.resume();
process.on('SIGTERM', finish);

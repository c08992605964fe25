import cluster, { type Worker } from 'node:cluster';
import { setTimeout as pause } from 'node:timers/promises';
import type { Logger } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import { openAccountServices, type AccountServices } from '../account-services.ts';
import type { SwitchyardConfig } from '../config/load-config.ts';
import { ClusterOutbox, isClusterMessage, unbatch, type ClusterMessage } from '../core/primary-link.ts';
import type { AdmissionTicket } from '../metering/admission-counters.ts';
import { RateWindows, type RateSubject } from '../metering/rate-windows.ts';
import type { LedgerEntry, UsageRecord } from '../store/store.ts';
import { trimIdleMemory } from '../core/trim-idle-memory.ts';

/** A worker that ends on its own is started again after this long. */
const RESTART_DELAY_MS = 1_000;
/** How long the primary waits past the workers' own shutdown deadline before it stops waiting for them. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * The primary of `serve --workers N`: N worker processes (node:cluster) serve on one port, and
 * the primary serves none itself. It starts the workers again when one ends on its own, sums their
 * metrics for whichever worker `GET /metrics` reaches (prom-client's AggregatorRegistry), and on
 * SIGTERM or SIGINT stops them (each finishes its requests and flushes its usage) before it ends.
 *
 * With Redis, every worker is an instance like any other: limits, balances and reservations are
 * shared there. Without it, the primary is the one owner of what must be counted in one place:
 * it opens the store and holds the balances, reservations and slots (MemoryAdmissionCounters),
 * the request and token windows (an in-memory RateWindows) and the usage recorder that writes
 * every worker's records and debits — so the bounds are a single instance's. A request is two
 * round trips (its windows, its admission) and three one-way messages (tokens, settlement, usage
 * record); what one process sends in one turn of its event loop goes as one IPC message.
 * A worker that dies has its admissions released (nothing it had not settled is billed: the same
 * loss as a single instance's crash).
 */
export async function serveCluster(config: SwitchyardConfig, workers: number, logger: Logger): Promise<void> {
  cluster.setupPrimary({ serialization: 'advanced' });
  let owner: AccountServices | undefined;
  if (!config.redisUrl) {
    owner = await openAccountServices(config, logger);
    await owner.start();
  }
  // The workers' request and token windows when the primary owns the counters (asked only then; idle with Redis).
  const rates = new RateWindows({ prefix: config.redisPrefix, logger });
  const aggregator = new AggregatorRegistry();
  /** Each worker's admissions not yet settled: released if the worker ends. */
  const admitted = new Map<number, Map<string, AdmissionTicket>>();
  /** Each worker's answers of this turn, sent together. */
  const outboxes = new Map<number, ClusterOutbox>();
  let stopping = false;

  const start = () => {
    const worker = cluster.fork({ SWITCHYARD_CLUSTER_WORKER: '1' });
    admitted.set(worker.id, new Map());
    // An answer the worker can no longer take is dropped: it is gone, and its admissions are released when it exits.
    outboxes.set(worker.id, new ClusterOutbox((message, done) => {
      if (worker.isConnected()) worker.send(message, done);
      else done(null);
    }));
    return worker;
  };

  cluster.on('message', (worker: Worker, received: unknown) => {
    if (!isClusterMessage(received)) return;
    // A batch's messages in their order, as if each had come alone.
    for (const message of unbatch(received)) {
      void answer(worker, message).catch((error: unknown) => {
        logger.error({ err: error, kind: message.kind, worker: worker.id }, 'could not answer a worker');
        if (message.id !== undefined) outboxes.get(worker.id)?.push({ channel: 'switchyard', kind: message.kind, id: message.id, error: error instanceof Error ? error.message : String(error) });
      });
    }
  });

  async function answer(worker: Worker, message: ClusterMessage): Promise<void> {
    const reply = (payload: unknown) => {
      if (message.id !== undefined) outboxes.get(worker.id)?.push({ channel: 'switchyard', kind: message.kind, id: message.id, payload });
    };
    if (message.kind === 'metrics') return reply(await aggregator.clusterMetrics());
    if (!owner) throw new Error(`${message.kind} needs the primary to own the counters (no REDIS_URL)`);
    const tickets = admitted.get(worker.id);
    switch (message.kind) {
      case 'rates.check':
        return reply(await rates.check(message.payload as RateSubject[]));
      case 'rates.addTokens': {
        const { subjects, tokens } = message.payload as { subjects: RateSubject[]; tokens: number };
        return rates.addTokens(subjects, tokens);
      }
      case 'counters.admit': {
        const ticket = message.payload as AdmissionTicket;
        const refusal = await owner.counters.admit(ticket);
        if (refusal === undefined) tickets?.set(ticket.requestId, ticket);
        return reply(refusal ?? null);
      }
      case 'counters.settle': {
        const { ticket, cost } = message.payload as { ticket: AdmissionTicket; cost: number };
        tickets?.delete(ticket.requestId);
        return owner.counters.settle(ticket, cost);
      }
      case 'counters.charge': {
        const { organizationId, apiKeyId, month, cost } = message.payload as { organizationId: string; apiKeyId: string; month: string; cost: number };
        return owner.counters.charge(organizationId, apiKeyId, month, cost);
      }
      case 'counters.credit': {
        const { organizationId, amount } = message.payload as { organizationId: string; amount: number };
        await owner.counters.credit(organizationId, amount);
        return reply(null);
      }
      case 'counters.balance':
        return reply(await owner.counters.balance(message.payload as string));
      case 'usage.record': {
        const { record, debit } = message.payload as { record: UsageRecord; debit?: LedgerEntry };
        return owner.usage.record(record, debit);
      }
      case 'usage.flush':
        await owner.usage.flush();
        return reply(null);
      default:
        throw new Error(`unknown message ${message.kind}`);
    }
  }

  cluster.on('exit', (worker, code, signal) => {
    // Its admissions not settled are released: it will settle nothing more.
    for (const ticket of admitted.get(worker.id)?.values() ?? []) void owner?.counters.settle(ticket, 0);
    admitted.delete(worker.id);
    outboxes.delete(worker.id);
    if (stopping) return;
    logger.error({ worker: worker.id, code, signal }, 'a worker ended; starting another');
    void pause(RESTART_DELAY_MS).then(() => {
      if (!stopping) start();
    });
  });

  for (let index = 0; index < workers; index += 1) start();
  // Like each worker, the primary gives back the young generation start-up grew, once idle.
  const stopTrimming = trimIdleMemory();
  logger.info({ workers, sharedState: owner ? 'primary process' : 'redis' }, 'serving with workers');

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    stopTrimming();
    logger.info({ signal }, 'stopping the workers');
    const exits = Object.values(cluster.workers ?? {}).map((worker) => new Promise<void>((resolve) => {
      if (!worker || worker.isDead()) return resolve();
      worker.once('exit', () => resolve());
      worker.process.kill('SIGTERM');
    }));
    await Promise.race([Promise.all(exits), pause(config.shutdownTimeoutMs + SHUTDOWN_GRACE_MS)]);
    // The workers have handed over their last usage: it is written now.
    await owner?.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

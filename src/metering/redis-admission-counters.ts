import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.ts';
import type { UsageRecorder } from '../usage/usage-recorder.ts';
import type { AdmissionCounters, AdmissionRefusal, AdmissionTicket } from './admission-counters.ts';
import { LocalShareCounters } from './local-share-counters.ts';
import { monthStart } from './month-of.ts';
import type { RedisHealth } from './redis-health.ts';

/** A request in flight holds its slot and reservation this long unless its instance renews it: a crashed instance's requests free theirs by then. */
const IN_FLIGHT_TTL_MS = 120_000;
const RENEW_INTERVAL_MS = 30_000;
/** Monthly spend counters outlive their month by a few days, then Redis drops them. */
const MONTH_COUNTER_TTL_SECONDS = 40 * 24 * 3600;

/**
 * Checks every limit of a ticket and takes its slot and reservation, atomically for all instances.
 * KEYS: organization balance, organization in-flight set, key in-flight set, key lifetime spend, key monthly spend.
 * ARGV: now, expiry, member, enforce balance (1/0), organization concurrency, key concurrency, lifetime budget, monthly budget (-1 = none).
 * In-flight sets hold `requestId|reservation` members scored by expiry; their sum is what is reserved.
 * Answers 'ok', a refusal, or 'seed' when a counter must first be loaded from the store.
 */
const ADMIT_SCRIPT = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local function reserved(set)
  local total = 0
  for _, member in ipairs(redis.call('ZRANGE', set, 0, -1)) do
    total = total + tonumber(string.match(member, '|(%d+)$'))
  end
  return total
end
local organizationConcurrency = tonumber(ARGV[5])
local keyConcurrency = tonumber(ARGV[6])
local lifetimeBudget = tonumber(ARGV[7])
local monthlyBudget = tonumber(ARGV[8])
if organizationConcurrency >= 0 and redis.call('ZCARD', KEYS[2]) >= organizationConcurrency then return 'organization_concurrency' end
if keyConcurrency >= 0 and redis.call('ZCARD', KEYS[3]) >= keyConcurrency then return 'key_concurrency' end
if ARGV[4] == '1' then
  local balance = redis.call('GET', KEYS[1])
  if not balance then return 'seed' end
  if tonumber(balance) - reserved(KEYS[2]) <= 0 then return 'balance' end
end
if lifetimeBudget >= 0 or monthlyBudget >= 0 then
  local lifetime = redis.call('GET', KEYS[4])
  local monthly = redis.call('GET', KEYS[5])
  if not lifetime or not monthly then return 'seed' end
  local keyReserved = reserved(KEYS[3])
  if lifetimeBudget >= 0 and lifetimeBudget - tonumber(lifetime) - keyReserved <= 0 then return 'lifetime_budget' end
  if monthlyBudget >= 0 and monthlyBudget - tonumber(monthly) - keyReserved <= 0 then return 'monthly_budget' end
end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ${IN_FLIGHT_TTL_MS})
redis.call('PEXPIRE', KEYS[3], ${IN_FLIGHT_TTL_MS})
return 'ok'
`;

/** A balance is reconciled with the ledger only once nothing touched it for this long: every instance has flushed its debits by then (it flushes every 250 ms). */
const QUIET_MS = 2_000;
const RECONCILE_INTERVAL_MS = 1_000;

/**
 * Ends a request: frees its slot and reservation (once: a member already expired is not freed
 * twice), charges its cost to every counter that is loaded (a counter not loaded yet is seeded
 * later from the store, which will hold this debit) and notes when the balance last moved.
 * KEYS: as ADMIT_SCRIPT, then the activity hash. ARGV: member (empty for a charge without admission), cost, organization id, now.
 */
const SETTLE_SCRIPT = `
if ARGV[1] ~= '' then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
end
local cost = tonumber(ARGV[2])
if cost > 0 then
  if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('DECRBY', KEYS[1], cost) end
  if redis.call('EXISTS', KEYS[4]) == 1 then redis.call('INCRBY', KEYS[4], cost) end
  if redis.call('EXISTS', KEYS[5]) == 1 then redis.call('INCRBY', KEYS[5], cost) end
  redis.call('HSET', KEYS[6], ARGV[3], ARGV[4])
end
return 1
`;

/**
 * Adds a top-up to a loaded balance (an unloaded one is seeded from the store, which already holds it) and notes the activity.
 * KEYS: balance, activity hash. ARGV: amount, organization id, now.
 */
const CREDIT_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCRBY', KEYS[1], ARGV[1]) end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
`;

/**
 * Sets a balance to the ledger's, read by the caller at `readAt`, if that reading is the whole
 * truth: no request of the organization in flight, nothing settled or credited for QUIET_MS
 * before the reading, and no live instance with debits of it still unflushed.
 * KEYS: balance, organization in-flight set, activity hash, unreconciled set, instances set.
 * ARGV: organization id, ledger balance, readAt, quiet ms, now, the unflushed-set key prefix.
 * Answers 1 when reconciled, 0 when it must wait.
 */
const RECONCILE_SCRIPT = `
if redis.call('ZCOUNT', KEYS[2], ARGV[5], '+inf') > 0 then return 0 end
local last = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
if tonumber(ARGV[3]) - last < tonumber(ARGV[4]) then return 0 end
for _, instance in ipairs(redis.call('ZRANGEBYSCORE', KEYS[5], ARGV[5], '+inf')) do
  if redis.call('SISMEMBER', ARGV[6] .. instance, ARGV[1]) == 1 then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SREM', KEYS[4], ARGV[1])
return 1
`;

interface AdmissionCommands {
  switchyardAdmit(...arguments_: (string | number)[]): Promise<string>;
  switchyardSettle(...arguments_: (string | number)[]): Promise<number>;
  switchyardCredit(...arguments_: (string | number)[]): Promise<number>;
  switchyardReconcile(...arguments_: (string | number)[]): Promise<number>;
}

/**
 * Admission counters shared by every instance through Redis: one Lua script admits (all checks
 * and takes atomic across instances), one settles. Balances and key spend are loaded from the
 * store the first time an organization or key needs them (SET NX, so instances never overwrite
 * each other) and from then on kept by every instance's debits and top-ups. This instance renews
 * the expiry of its own requests in flight; a crashed instance's reservations lapse within two minutes.
 *
 * After Redis was unreachable the balances are rebuilt from the ledger (dropped, then loaded again
 * on demand). A load can miss another instance's debits still queued for the store (at most one
 * flush interval of them), so every organization is also marked unreconciled, and each instance's
 * reconciler sets an unreconciled balance to the ledger's the first time the organization is quiet
 * (see RECONCILE_SCRIPT): the shared balance ends equal to the ledger, not near it.
 */
export class RedisAdmissionCounters implements AdmissionCounters {
  private readonly commands: AdmissionCommands;
  private readonly inFlight = new Map<string, AdmissionTicket>();
  private timer: NodeJS.Timeout | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private reconciling = false;
  /** Requests that may hold a slot in Redis but were settled (or admitted) while it was unreachable: their slots are freed in Redis when it returns. */
  private orphans: AdmissionTicket[] = [];
  /** Admission while Redis is down, on a share of each balance; the tickets it admitted settle there. */
  private readonly local: LocalShareCounters;
  private readonly localTickets = new Set<string>();
  private readonly instanceId = randomUUID();
  /** Instances seen alive through Redis (the heartbeat set), for the share each gets while it is down. */
  private instances = 1;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly store: Store,
    private readonly usage: UsageRecorder,
    private readonly health: RedisHealth,
  ) {
    this.local = new LocalShareCounters(usage, () => this.instances);
    health.onRecovery(() => this.rebuild());
    redis.defineCommand('switchyardAdmit', { numberOfKeys: 5, lua: ADMIT_SCRIPT });
    redis.defineCommand('switchyardSettle', { numberOfKeys: 6, lua: SETTLE_SCRIPT });
    redis.defineCommand('switchyardCredit', { numberOfKeys: 2, lua: CREDIT_SCRIPT });
    redis.defineCommand('switchyardReconcile', { numberOfKeys: 5, lua: RECONCILE_SCRIPT });
    this.commands = redis as unknown as AdmissionCommands;
  }

  async start(): Promise<void> {
    await this.renew().catch((error: unknown) => this.health.failed(error));
    this.timer = setInterval(() => void this.renew().catch((error: unknown) => this.health.failed(error)), RENEW_INTERVAL_MS);
    this.timer.unref();
    this.reconcileTimer = setInterval(() => void this.reconcile().catch(() => undefined), RECONCILE_INTERVAL_MS);
    this.reconcileTimer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.reconcileTimer);
    this.health.close();
  }

  async admit(ticket: AdmissionTicket): Promise<AdmissionRefusal | undefined> {
    if (!this.health.down) {
      try {
        return await this.admitShared(ticket);
      } catch (error) {
        // The script may have run and only its answer been lost: whatever slot it took is freed when Redis returns.
        this.orphans.push(ticket);
        this.health.failed(error);
      }
    }
    const refusal = await this.local.admit(ticket);
    if (!refusal) this.localTickets.add(ticket.requestId);
    return refusal;
  }

  private async admitShared(ticket: AdmissionTicket): Promise<AdmissionRefusal | undefined> {
    let answer = await this.runAdmit(ticket);
    if (answer === 'seed') {
      await this.seed(ticket);
      answer = await this.runAdmit(ticket);
    }
    if (answer === 'ok') {
      this.inFlight.set(ticket.requestId, ticket);
      return undefined;
    }
    if (answer === 'seed') throw new Error(`credit counters of organization ${ticket.organizationId} could not be loaded into Redis`);
    return answer as AdmissionRefusal;
  }

  async settle(ticket: AdmissionTicket, cost: number): Promise<void> {
    if (this.localTickets.delete(ticket.requestId)) return this.local.settle(ticket, cost);
    this.inFlight.delete(ticket.requestId);
    if (this.health.down) {
      this.orphans.push(ticket);
      return this.local.settle(ticket, cost);
    }
    try {
      await this.commands.switchyardSettle(...this.keysOf(ticket.organizationId, ticket.apiKeyId, ticket.month), this.activityKey, member(ticket), cost, ticket.organizationId, Date.now());
    } catch (error) {
      // The debit is in the ledger (the usage recorder writes it); the shared balance is rebuilt from it when Redis is back.
      this.health.failed(error);
      this.orphans.push(ticket);
      await this.local.settle(ticket, cost);
    }
  }

  async charge(organizationId: string, apiKeyId: string, month: string, cost: number): Promise<void> {
    if (cost <= 0 || this.health.down) return;
    try {
      await this.commands.switchyardSettle(...this.keysOf(organizationId, apiKeyId, month), this.activityKey, '', cost, organizationId, Date.now());
    } catch (error) {
      this.health.failed(error);
    }
  }

  /**
   * After an outage the shared balances and key spend may disagree with the ledger (debits that
   * never reached Redis, or a Redis that came back with old data): they are dropped, and each is
   * loaded again from the store by the next request that needs it, the ledger being the truth.
   * Every organization is marked for reconciliation, which makes the balance exact once it is quiet.
   */
  private async rebuild(): Promise<void> {
    await this.usage.flush();
    const orphans = this.orphans;
    const freeing = this.redis.multi().set(this.reconcileAllKey, '1');
    for (const ticket of orphans) {
      const [, organizationSet, keySet] = this.keysOf(ticket.organizationId, ticket.apiKeyId, ticket.month);
      freeing.zrem(organizationSet, member(ticket)).zrem(keySet, member(ticket));
    }
    await freeing.exec();
    this.orphans = this.orphans.slice(orphans.length);
    for (const pattern of [`${this.prefix}balance:*`, `${this.prefix}spend:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        if (keys.length > 0) await this.redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
    this.local.reset();
  }

  /**
   * A top-up (already in the ledger) reaches the shared balance. Never fails: a top-up that
   * answered an error would be sent again, and credited twice. While Redis is down the ledger holds
   * it and the shared balance is rebuilt from the ledger when Redis answers again; meanwhile this
   * instance's share grows by its part.
   */
  async credit(organizationId: string, amount: number): Promise<void> {
    if (!this.health.down) {
      try {
        await this.commands.switchyardCredit(this.balanceKey(organizationId), this.activityKey, amount, organizationId, Date.now());
        return;
      } catch (error) {
        this.health.failed(error);
      }
    }
    await this.local.credit(organizationId, amount);
  }

  async balance(organizationId: string): Promise<number> {
    if (!this.health.down) {
      try {
        let balance = await this.redis.get(this.balanceKey(organizationId));
        if (balance === null) {
          await this.seedBalance(organizationId);
          balance = await this.redis.get(this.balanceKey(organizationId));
        }
        return Number(balance ?? 0);
      } catch (error) {
        this.health.failed(error);
      }
    }
    // Redis down: the ledger, with this instance's debits still queued for it.
    return this.usage.ledgerBalance(organizationId);
  }

  private runAdmit(ticket: AdmissionTicket): Promise<string> {
    const now = Date.now();
    return this.commands.switchyardAdmit(
      ...this.keysOf(ticket.organizationId, ticket.apiKeyId, ticket.month),
      now,
      now + IN_FLIGHT_TTL_MS,
      member(ticket),
      ticket.enforceBalance ? '1' : '0',
      ticket.organizationConcurrency ?? -1,
      ticket.keyConcurrency ?? -1,
      ticket.lifetimeBudget ?? -1,
      ticket.monthlyBudget ?? -1,
    );
  }

  private async seed(ticket: AdmissionTicket): Promise<void> {
    if (ticket.enforceBalance) await this.seedBalance(ticket.organizationId);
    if (ticket.lifetimeBudget !== undefined || ticket.monthlyBudget !== undefined) {
      const spend = await this.store.keySpend(ticket.apiKeyId, monthStart(ticket.month));
      const [, , , lifetimeKey, monthlyKey] = this.keysOf(ticket.organizationId, ticket.apiKeyId, ticket.month);
      await this.redis.multi().set(lifetimeKey, spend.lifetime, 'NX').set(monthlyKey, spend.sinceStart, 'EX', MONTH_COUNTER_TTL_SECONDS, 'NX').exec();
    }
  }

  /**
   * The balance as the store has it, less this instance's debits still queued for the store. Other
   * instances' queued debits (at most 250 ms of them) are not seen: the one gap in what Redis
   * knows, and only when a balance is first loaded (after Redis lost its data, for one).
   */
  private seedBalance(organizationId: string): Promise<void> {
    return this.usage.exclusive(async () => {
      const stored = (await this.store.listBalances()).get(organizationId) ?? 0;
      const unflushed = this.usage.unflushedDebits().get(organizationId) ?? 0;
      await this.redis.set(this.balanceKey(organizationId), stored + unflushed, 'NX');
    });
  }

  /**
   * Pushes back the expiry of this instance's requests in flight, so a long stream keeps its slot,
   * and of this instance in the heartbeat set, whose size is the share each gets while Redis is down.
   */
  private async renew(): Promise<void> {
    if (this.health.down) return;
    const now = Date.now();
    const [, , counted] = (await this.redis
      .multi()
      .zadd(this.instancesKey, now + IN_FLIGHT_TTL_MS, this.instanceId)
      .zremrangebyscore(this.instancesKey, '-inf', now)
      .zcard(this.instancesKey)
      .exec()) as [unknown, unknown, [Error | null, number]];
    this.instances = Math.max(1, Number(counted?.[1] ?? 1));
    if (this.inFlight.size === 0) return;
    const expiry = now + IN_FLIGHT_TTL_MS;
    const pipeline = this.redis.pipeline();
    for (const ticket of this.inFlight.values()) {
      const [, organizationSet, keySet] = this.keysOf(ticket.organizationId, ticket.apiKeyId, ticket.month);
      pipeline.zadd(organizationSet, 'XX', expiry, member(ticket)).pexpire(organizationSet, IN_FLIGHT_TTL_MS);
      pipeline.zadd(keySet, 'XX', expiry, member(ticket)).pexpire(keySet, IN_FLIGHT_TTL_MS);
    }
    await pipeline.exec();
  }

  /**
   * Once a second: tells the other instances which organizations this one still has debits queued
   * for, then sets each unreconciled balance that is quiet to the ledger's.
   */
  private async reconcile(): Promise<void> {
    if (this.health.down || this.reconciling) return;
    this.reconciling = true;
    try {
      const unflushedKey = this.unflushedKey(this.instanceId);
      const queued = [...this.usage.unflushedDebits().keys()];
      const publish = this.redis.multi().del(unflushedKey);
      if (queued.length > 0) publish.sadd(unflushedKey, ...queued).pexpire(unflushedKey, QUIET_MS + RECONCILE_INTERVAL_MS);
      await publish.exec();
      // The ledger's balances, read once a tick and only when something needs them; `readAt` is taken before the read.
      let readAt = Date.now();
      let balances: Map<string, number> | undefined;
      if (await this.redis.get(this.reconcileAllKey)) {
        balances = await this.store.listBalances();
        if (balances.size > 0) await this.redis.sadd(this.unreconciledKey, ...balances.keys());
        await this.redis.del(this.reconcileAllKey);
      }
      const unreconciled = await this.redis.srandmember(this.unreconciledKey, 500);
      if (unreconciled.length === 0) return;
      if (!balances) {
        readAt = Date.now();
        balances = await this.store.listBalances();
      }
      for (const organizationId of unreconciled) {
        await this.commands.switchyardReconcile(this.balanceKey(organizationId), this.organizationSetKey(organizationId), this.activityKey, this.unreconciledKey, this.instancesKey, organizationId, balances.get(organizationId) ?? 0, readAt, QUIET_MS, Date.now(), this.unflushedKey(''));
      }
    } finally {
      this.reconciling = false;
    }
  }

  private get activityKey(): string {
    return `${this.prefix}activity`;
  }

  private get unreconciledKey(): string {
    return `${this.prefix}unreconciled`;
  }

  private get reconcileAllKey(): string {
    return `${this.prefix}reconcile-all`;
  }

  private get instancesKey(): string {
    return `${this.prefix}instances`;
  }

  private unflushedKey(instanceId: string): string {
    return `${this.prefix}unflushed:${instanceId}`;
  }

  private balanceKey(organizationId: string): string {
    return `${this.prefix}balance:${organizationId}`;
  }

  private organizationSetKey(organizationId: string): string {
    return `${this.prefix}in-flight:organization:${organizationId}`;
  }

  private keysOf(organizationId: string, apiKeyId: string, month: string): [string, string, string, string, string] {
    return [
      this.balanceKey(organizationId),
      this.organizationSetKey(organizationId),
      `${this.prefix}in-flight:key:${apiKeyId}`,
      `${this.prefix}spend:${apiKeyId}`,
      `${this.prefix}spend:${apiKeyId}:${month}`,
    ];
  }
}

function member(ticket: AdmissionTicket): string {
  return `${ticket.requestId}|${ticket.reservation}`;
}

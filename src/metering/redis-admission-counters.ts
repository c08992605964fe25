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

/**
 * Ends a request: frees its slot and reservation (once: a member already expired is not freed
 * twice) and charges its cost to every counter that is loaded; a counter not loaded yet is seeded
 * later from the store, which will hold this debit.
 * KEYS: as ADMIT_SCRIPT. ARGV: member (empty for a charge without admission), cost.
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
end
return 1
`;

/** Adds a top-up to a loaded balance; an unloaded one is seeded from the store, which already holds it. */
const CREDIT_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCRBY', KEYS[1], ARGV[1]) end
return 1
`;

interface AdmissionCommands {
  switchyardAdmit(...arguments_: (string | number)[]): Promise<string>;
  switchyardSettle(...arguments_: (string | number)[]): Promise<number>;
  switchyardCredit(...arguments_: (string | number)[]): Promise<number>;
}

/**
 * Admission counters shared by every instance through Redis: one Lua script admits (all checks
 * and takes atomic across instances), one settles. Balances and key spend are loaded from the
 * store the first time an organization or key needs them (SET NX, so instances never overwrite
 * each other) and from then on kept by every instance's debits and top-ups. This instance renews
 * the expiry of its own requests in flight; a crashed instance's reservations lapse within two minutes.
 */
export class RedisAdmissionCounters implements AdmissionCounters {
  private readonly commands: AdmissionCommands;
  private readonly inFlight = new Map<string, AdmissionTicket>();
  private timer: NodeJS.Timeout | undefined;
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
    redis.defineCommand('switchyardSettle', { numberOfKeys: 5, lua: SETTLE_SCRIPT });
    redis.defineCommand('switchyardCredit', { numberOfKeys: 1, lua: CREDIT_SCRIPT });
    this.commands = redis as unknown as AdmissionCommands;
  }

  async start(): Promise<void> {
    await this.renew().catch((error: unknown) => this.health.failed(error));
    this.timer = setInterval(() => void this.renew().catch((error: unknown) => this.health.failed(error)), RENEW_INTERVAL_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.health.close();
  }

  async admit(ticket: AdmissionTicket): Promise<AdmissionRefusal | undefined> {
    if (!this.health.down) {
      try {
        return await this.admitShared(ticket);
      } catch (error) {
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
    if (this.health.down) return this.local.settle(ticket, cost);
    try {
      await this.commands.switchyardSettle(...this.keysOf(ticket.organizationId, ticket.apiKeyId, ticket.month), member(ticket), cost);
    } catch (error) {
      // The debit is in the ledger (the usage recorder writes it); the shared balance is rebuilt from it when Redis is back.
      this.health.failed(error);
      await this.local.settle(ticket, cost);
    }
  }

  async charge(organizationId: string, apiKeyId: string, month: string, cost: number): Promise<void> {
    if (cost <= 0 || this.health.down) return;
    try {
      await this.commands.switchyardSettle(...this.keysOf(organizationId, apiKeyId, month), '', cost);
    } catch (error) {
      this.health.failed(error);
    }
  }

  /**
   * After an outage the shared balances and key spend may disagree with the ledger (debits that
   * never reached Redis, or a Redis that came back with old data): they are dropped, and each is
   * loaded again from the store by the next request that needs it, the ledger being the truth.
   */
  private async rebuild(): Promise<void> {
    await this.usage.flush();
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

  async credit(organizationId: string, amount: number): Promise<void> {
    await this.commands.switchyardCredit(this.balanceKey(organizationId), amount);
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
    const instancesKey = `${this.prefix}instances`;
    const [, , counted] = (await this.redis
      .multi()
      .zadd(instancesKey, now + IN_FLIGHT_TTL_MS, this.instanceId)
      .zremrangebyscore(instancesKey, '-inf', now)
      .zcard(instancesKey)
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

  private balanceKey(organizationId: string): string {
    return `${this.prefix}balance:${organizationId}`;
  }

  private keysOf(organizationId: string, apiKeyId: string, month: string): [string, string, string, string, string] {
    return [
      this.balanceKey(organizationId),
      `${this.prefix}in-flight:organization:${organizationId}`,
      `${this.prefix}in-flight:key:${apiKeyId}`,
      `${this.prefix}spend:${apiKeyId}`,
      `${this.prefix}spend:${apiKeyId}:${month}`,
    ];
  }
}

function member(ticket: AdmissionTicket): string {
  return `${ticket.requestId}|${ticket.reservation}`;
}

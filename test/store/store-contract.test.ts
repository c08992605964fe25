import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/open-store.ts';
import { DEFAULT_REQUEST_LOGGING, type ApiKeyRecord, type Chatbot, type LedgerEntry, type Organization, type ResponseRecord, type Store, type UsageRecord, type VideoJob } from '../../src/store/store.ts';
import { DEFAULT_TEST_DATABASE_URL, postgresTestSchema } from '../support/postgres-test-schema.ts';
import { makeVideoJob } from '../support/make-video-job.ts';
import { skipUnless } from '../support/required-services.ts';

/**
 * The Store contract, one suite run against every database the store supports: the embedded
 * SQLite file and PostgreSQL (a fresh schema per test in the shared test database).
 */
interface TestDatabase {
  /** A store on this database; several may be open at once, as several instances would be. */
  open(): Store;
  /** Deletes every row, so each test starts from an empty, migrated database. */
  empty(): Promise<void>;
  /** One SQL statement run outside the store, as an operator's would be. */
  run(statement: string): Promise<unknown>;
  drop(): Promise<void>;
}

const TABLES = ['video_jobs', 'usage_records', 'ledger_entries', 'response_items', 'responses', 'chatbots', 'api_keys', 'organizations'];

const TARGETS: { name: string; createDatabase(): TestDatabase }[] = [
  {
    name: 'SQLite',
    createDatabase() {
      const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-store-'));
      return {
        open: () => openStore({ dataDir }),
        async empty() {
          const connection = new Database(join(dataDir, 'switchyard.db'));
          for (const table of TABLES) connection.exec(`DELETE FROM ${table}`);
          connection.close();
        },
        async run(statement: string) {
          const connection = new Database(join(dataDir, 'switchyard.db'));
          connection.exec(statement);
          connection.close();
        },
        drop: async () => rmSync(dataDir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'PostgreSQL',
    createDatabase() {
      const target = postgresTestSchema(process.env.SWITCHYARD_TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL, 'store_contract');
      return {
        open: () => openStore({ dataDir: '', databaseUrl: target.url, databaseSchema: target.schema }),
        empty: () => target.run(TABLES.map((table) => `DELETE FROM "${target.schema}".${table}`).join('; ')),
        run: (statement: string) => target.run(statement.replaceAll('ledger_entries', `"${target.schema}".ledger_entries`)),
        drop: () => target.drop(),
      };
    },
  },
];

const ORGANIZATION_CREATED_AT = '2025-01-01T00:00:00.000Z';

function organization(id: string, name: string, createdAt = ORGANIZATION_CREATED_AT): Organization {
  return { id, name, createdAt, disabledAt: null, limits: {}, requestLogging: DEFAULT_REQUEST_LOGGING };
}

function apiKey(id: string, organizationId: string, overrides: Partial<ApiKeyRecord> = {}): Omit<ApiKeyRecord, 'version'> {
  return {
    id,
    organizationId,
    name: null,
    prefix: `sy_${id}`,
    hash: `${id}`.padEnd(64, '0'),
    createdAt: '2025-01-02T00:00:00.000Z',
    revokedAt: null,
    expiresAt: null,
    allowedModels: null,
    limits: {},
    ...overrides,
  };
}

function usageRecord(requestId: string, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId,
    organizationId: 'org_a',
    apiKeyId: 'key_a1',
    model: 'gpt-4o-mini',
    provider: 'openai',
    surface: 'openai-chat',
    status: 200,
    errorCode: null,
    streamed: false,
    promptTokens: 10,
    cachedPromptTokens: null,
    cacheWriteTokens: null,
    completionTokens: 5,
    reasoningTokens: null,
    latencyMs: 120,
    timeToFirstTokenMs: null,
    cost: 100,
    createdAt: Date.UTC(2025, 2, 1, 12),
    usageFlag: null,
    deployment: null,
    ...overrides,
  };
}

function debit(requestId: string, amount: number, overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    id: `led_${requestId}`,
    organizationId: 'org_a',
    apiKeyId: 'key_a1',
    amount: -amount,
    kind: 'debit',
    reason: null,
    requestId,
    createdAt: '2025-03-01T12:00:00.000Z',
    ...overrides,
  };
}

function topUp(id: string, organizationId: string, amount: number, createdAt = '2025-02-01T00:00:00.000Z'): LedgerEntry {
  return { id, organizationId, apiKeyId: null, amount, kind: 'top_up', reason: 'invoice', requestId: null, createdAt };
}

for (const target of TARGETS) {
  describe(`Store contract on ${target.name}`, { skip: target.name === 'PostgreSQL' ? await skipUnless('postgres') : false }, () => {
    // One database per run of the suite, emptied before each test.
    let database: TestDatabase;
    let store: Store;
    let opened: Store[] = [];

    /** Another store on the same database, migrated: a second instance. */
    async function openMigrated(): Promise<Store> {
      const another = database.open();
      opened.push(another);
      await another.migrate();
      return another;
    }

    async function seedAccounts(): Promise<void> {
      await store.createOrganization(organization('org_a', 'acme'));
      await store.createOrganization(organization('org_b', 'globex', '2025-01-01T00:00:01.000Z'));
      await store.createApiKey(apiKey('key_a1', 'org_a'));
      await store.createApiKey(apiKey('key_a2', 'org_a'));
      await store.createApiKey(apiKey('key_b1', 'org_b'));
    }

    before(async () => {
      database = target.createDatabase();
      store = database.open();
      await store.migrate();
    });

    after(async () => {
      await store.close();
      await database.drop();
    });

    beforeEach(() => database.empty());

    afterEach(async () => {
      for (const each of opened) await each.close();
      opened = [];
    });

    describe('migrations and connection', () => {
      it('migrating an already migrated database again changes nothing', async () => {
        await store.createOrganization(organization('org_a', 'acme'));
        await store.migrate();
        assert.equal((await store.findOrganizationByName('acme'))?.id, 'org_a');
      });

      it('several instances migrating the same empty database at once all start, and the schema is built once', async () => {
        const fresh = target.createDatabase();
        const instances = [fresh.open(), fresh.open(), fresh.open()];
        try {
          await Promise.all(instances.map((instance) => instance.migrate()));
          await instances[0].createOrganization(organization('org_a', 'acme'));
          for (const instance of instances) assert.equal((await instance.findOrganizationByName('acme'))?.id, 'org_a');
        } finally {
          for (const instance of instances) await instance.close();
          await fresh.drop();
        }
      });

      it('answers ping', async () => {
        await store.ping();
      });
    });

    describe('organizations', () => {
      it('creates, finds by name and lists organizations in creation order', async () => {
        await store.createOrganization(organization('org_b', 'globex', '2025-01-03T00:00:00.000Z'));
        await store.createOrganization({ ...organization('org_a', 'acme'), limits: { requestsPerMinute: 60 } });
        assert.deepEqual(await store.findOrganizationByName('acme'), { ...organization('org_a', 'acme'), limits: { requestsPerMinute: 60 } });
        assert.equal(await store.findOrganizationByName('nobody'), undefined);
        assert.deepEqual((await store.listOrganizations()).map((each) => each.name), ['acme', 'globex']);
      });

      it('refuses a second organization with the same name', async () => {
        await store.createOrganization(organization('org_a', 'acme'));
        await assert.rejects(store.createOrganization(organization('org_other', 'acme')));
      });

      it('updates the switch and limits, and returns undefined for an unknown organization', async () => {
        await store.createOrganization(organization('org_a', 'acme'));
        const disabled = await store.updateOrganization('org_a', { disabledAt: '2025-04-01T00:00:00.000Z', limits: { tokensPerMinute: 1000, concurrentRequests: 2 } });
        assert.deepEqual(disabled, { ...organization('org_a', 'acme'), disabledAt: '2025-04-01T00:00:00.000Z', limits: { tokensPerMinute: 1000, concurrentRequests: 2 } });
        const enabled = await store.updateOrganization('org_a', { disabledAt: null });
        assert.equal(enabled?.disabledAt, null);
        assert.deepEqual(enabled?.limits, { tokensPerMinute: 1000, concurrentRequests: 2 });
        assert.equal(await store.updateOrganization('org_missing', { disabledAt: null }), undefined);
      });

      it("updating an organization bumps the version of each of its keys, so key caches see the organization's new state", async () => {
        await seedAccounts();
        const before = Math.max(...(await store.listApiKeys()).map((key) => key.version));
        await store.updateOrganization('org_a', { disabledAt: '2025-04-01T00:00:00.000Z', limits: { requestsPerMinute: 5 } });
        const changed = await store.listApiKeysChangedSince(before);
        assert.deepEqual(changed.map((key) => key.id).sort(), ['key_a1', 'key_a2']);
        assert.equal(new Set(changed.map((key) => key.version)).size, 2);
        for (const key of changed) {
          assert.ok(key.version > before);
          assert.equal(key.organizationDisabledAt, '2025-04-01T00:00:00.000Z');
          assert.deepEqual(key.organizationLimits, { requestsPerMinute: 5 });
        }
      });
    });

    describe('API keys', () => {
      it('creates keys with growing versions and lists them, all or by organization', async () => {
        await store.createOrganization(organization('org_a', 'acme'));
        await store.createOrganization(organization('org_b', 'globex'));
        const first = await store.createApiKey(apiKey('key_a1', 'org_a', { name: 'ci', allowedModels: ['gpt-4o-mini'], limits: { lifetimeBudget: 5_000_000 } }));
        const second = await store.createApiKey(apiKey('key_b1', 'org_b', { createdAt: '2025-01-03T00:00:00.000Z', expiresAt: '2026-01-01T00:00:00.000Z' }));
        assert.ok(first.version >= 1);
        assert.ok(second.version > first.version);
        assert.deepEqual(first, { ...apiKey('key_a1', 'org_a', { name: 'ci', allowedModels: ['gpt-4o-mini'], limits: { lifetimeBudget: 5_000_000 } }), version: first.version });
        assert.deepEqual(await store.listApiKeys(), [first, second]);
        assert.deepEqual(await store.listApiKeys('org_b'), [second]);
      });

      it('refuses a key whose hash is already stored', async () => {
        await store.createOrganization(organization('org_a', 'acme'));
        await store.createApiKey(apiKey('key_a1', 'org_a'));
        await assert.rejects(store.createApiKey({ ...apiKey('key_a2', 'org_a'), hash: apiKey('key_a1', 'org_a').hash }));
      });

      it('refuses a key of an unknown organization', async () => {
        await assert.rejects(store.createApiKey(apiKey('key_x', 'org_missing')));
      });

      it('revokes a key once: a second revocation keeps the first time but still bumps the version', async () => {
        await seedAccounts();
        const revoked = await store.revokeApiKey('key_a1', '2025-05-01T00:00:00.000Z');
        assert.equal(revoked?.revokedAt, '2025-05-01T00:00:00.000Z');
        const again = await store.revokeApiKey('key_a1', '2025-06-01T00:00:00.000Z');
        assert.equal(again?.revokedAt, '2025-05-01T00:00:00.000Z');
        assert.ok(again!.version > revoked!.version);
        assert.equal(await store.revokeApiKey('key_missing', '2025-05-01T00:00:00.000Z'), undefined);
      });

      it('changes only the fields given, clears them with null, and bumps the version', async () => {
        await seedAccounts();
        const [original] = await store.listApiKeys('org_b');
        const changed = await store.updateApiKey('key_b1', {
          name: 'renamed',
          expiresAt: '2026-01-01T00:00:00.000Z',
          allowedModels: ['claude-sonnet-4', 'gpt-4o-mini'],
          limits: { monthlyBudget: 9_000_000_000_000, requestsPerMinute: 10 },
        });
        assert.deepEqual(changed, {
          ...original,
          name: 'renamed',
          expiresAt: '2026-01-01T00:00:00.000Z',
          allowedModels: ['claude-sonnet-4', 'gpt-4o-mini'],
          limits: { monthlyBudget: 9_000_000_000_000, requestsPerMinute: 10 },
          version: changed!.version,
        });
        assert.ok(changed!.version > original.version);
        const cleared = await store.updateApiKey('key_b1', { name: null, expiresAt: null, allowedModels: null });
        assert.deepEqual(cleared, { ...changed, name: null, expiresAt: null, allowedModels: null, version: cleared!.version });
        assert.equal(await store.updateApiKey('key_missing', { name: 'x' }), undefined);
      });

      it('lists the keys changed after a version, in version order, joined with their organization', async () => {
        await seedAccounts();
        await store.updateOrganization('org_b', { limits: { concurrentRequests: 3 } });
        const all = await store.listApiKeysChangedSince(0);
        assert.deepEqual(all.map((key) => key.id), ['key_a1', 'key_a2', 'key_b1']);
        assert.deepEqual(all.map((key) => key.version), [...all.map((key) => key.version)].sort((left, right) => left - right));
        const keyB = all[2];
        assert.equal(keyB.organizationName, 'globex');
        assert.equal(keyB.organizationDisabledAt, null);
        assert.deepEqual(keyB.organizationLimits, { concurrentRequests: 3 });
        await store.revokeApiKey('key_a2', '2025-05-01T00:00:00.000Z');
        const since = await store.listApiKeysChangedSince(keyB.version);
        assert.deepEqual(since.map((key) => [key.id, key.revokedAt]), [['key_a2', '2025-05-01T00:00:00.000Z']]);
        assert.deepEqual(await store.listApiKeysChangedSince(since[0].version), []);
      });

      it('two instances changing keys at once never hand out the same version, and a reader following the change feed misses no change', async () => {
        await store.createOrganization(organization('org_a', 'acme'));
        const instances = [store, await openMigrated()];
        const ids = Array.from({ length: 24 }, (_, index) => `key_${String(index).padStart(2, '0')}`);
        await Promise.all(ids.map((id, index) => instances[index % 2].createApiKey(apiKey(id, 'org_a'))));
        const reader = await openMigrated();
        const seen = new Map<string, number>();
        let cursor = 0;
        const follow = async () => {
          for (const key of await reader.listApiKeysChangedSince(cursor)) {
            seen.set(key.id, key.version);
            cursor = Math.max(cursor, key.version);
          }
        };
        let writing = true;
        const following = (async () => {
          while (writing) {
            await follow();
            await nextTurn();
          }
        })();
        // Each key changes exactly once: a change the reader skipped would never be seen again.
        await Promise.all(ids.map((id, index) => instances[index % 2].updateApiKey(id, { name: `changed-${index}` })));
        writing = false;
        await following;
        await follow();
        const final = await store.listApiKeys();
        assert.equal(new Set(final.map((key) => key.version)).size, ids.length, 'every key has its own version');
        for (const key of final) {
          assert.equal(key.name, `changed-${ids.indexOf(key.id)}`);
          assert.equal(seen.get(key.id), key.version, `the reader saw the last change of ${key.id}`);
        }
      });
    });

    describe('usage records and the ledger', () => {
      it('stores every field of a usage record, large numbers included, and lists them newest first', async () => {
        const large = usageRecord('req_large', {
          surface: 'anthropic-messages',
          status: 499,
          errorCode: 'client_closed',
          streamed: true,
          promptTokens: 3_000_000_000,
          cachedPromptTokens: 2_500_000_000,
          cacheWriteTokens: 7,
          completionTokens: 4_000_000_000,
          reasoningTokens: 12,
          latencyMs: 65_000,
          timeToFirstTokenMs: 800,
          cost: 5_000_000_000_000,
          createdAt: Date.UTC(2025, 2, 2),
          usageFlag: 'usage_capped',
          deployment: 'primary',
        });
        const unreported = usageRecord('req_none', { promptTokens: null, completionTokens: null, cost: 0, createdAt: Date.UTC(2025, 2, 1) });
        await store.insertUsageRecords([unreported, large]);
        const records = await store.listUsageRecords();
        assert.deepEqual(records, [large, unreported]);
        for (const value of [records[0].promptTokens, records[0].cost, records[0].createdAt]) assert.equal(typeof value, 'number');
      });

      it('filters usage records by organization and limits how many come back', async () => {
        await store.insertUsageRecords([
          usageRecord('req_1', { createdAt: 1_000 }),
          usageRecord('req_2', { createdAt: 2_000, organizationId: 'org_b' }),
          usageRecord('req_3', { createdAt: 3_000 }),
        ]);
        assert.deepEqual((await store.listUsageRecords({ organizationId: 'org_a' })).map((record) => record.requestId), ['req_3', 'req_1']);
        assert.deepEqual((await store.listUsageRecords({ limit: 2 })).map((record) => record.requestId), ['req_3', 'req_2']);
      });

      it('a retried batch neither counts nor bills a request twice: stored records are skipped with their debits', async () => {
        await store.insertUsageRecords([usageRecord('req_1'), usageRecord('req_2', { cost: 200 })], [debit('req_1', 100), debit('req_2', 200)]);
        // The retry carries new ledger ids for the same requests, and one request not yet stored.
        await store.insertUsageRecords(
          [usageRecord('req_1'), usageRecord('req_2', { cost: 200 }), usageRecord('req_3', { cost: 300 })],
          [debit('req_1', 100, { id: 'led_retry_1' }), debit('req_2', 200, { id: 'led_retry_2' }), debit('req_3', 300)],
        );
        assert.deepEqual((await store.listUsageRecords()).map((record) => record.requestId).sort(), ['req_1', 'req_2', 'req_3']);
        assert.deepEqual((await store.listLedgerEntries({})).map((entry) => entry.id).sort(), ['led_req_1', 'led_req_2', 'led_req_3']);
        assert.deepEqual(await store.listBalances(), new Map([['org_a', -600]]));
      });

      it('a request repeated inside one batch is stored and billed once', async () => {
        await store.insertUsageRecords([usageRecord('req_1'), usageRecord('req_1')], [debit('req_1', 100), debit('req_1', 100, { id: 'led_again' })]);
        assert.equal((await store.listUsageRecords()).length, 1);
        assert.equal((await store.listLedgerEntries({})).length, 1);
      });

      it('writes a batch and its debits in one transaction: when a debit fails, no record of the batch is stored', async () => {
        const broken = { ...debit('req_2', 200), organizationId: null } as unknown as LedgerEntry;
        await assert.rejects(store.insertUsageRecords([usageRecord('req_1'), usageRecord('req_2')], [debit('req_1', 100), broken]));
        assert.deepEqual(await store.listUsageRecords(), []);
        assert.deepEqual(await store.listLedgerEntries({}), []);
      });

      it('balances are the sums of the ledger, large amounts included', async () => {
        await store.appendLedgerEntries([topUp('led_a', 'org_a', 1_000_000), topUp('led_b', 'org_b', 5_000_000_000_000)]);
        await store.appendLedgerEntries([{ ...topUp('led_adjust', 'org_a', -100), kind: 'adjustment', reason: 'refund correction' }]);
        await store.insertUsageRecords([usageRecord('req_1'), usageRecord('req_2')], [debit('req_1', 300), debit('req_2', 2_000)]);
        assert.deepEqual(await store.listBalances(), new Map([['org_a', 1_000_000 - 100 - 300 - 2_000], ['org_b', 5_000_000_000_000]]));
      });

      it('balances follow the ledger read after read: rows added by another instance, and rows deleted or changed by hand', async () => {
        await store.appendLedgerEntries([topUp('led_a', 'org_a', 1_000), topUp('led_b', 'org_b', 50)]);
        assert.deepEqual(await store.listBalances(), new Map([['org_a', 1_000], ['org_b', 50]]));
        const other = await openMigrated();
        await other.insertUsageRecords([usageRecord('req_1')], [debit('req_1', 300)]);
        await other.appendLedgerEntries([topUp('led_c', 'org_b', 7)]);
        assert.deepEqual(await store.listBalances(), new Map([['org_a', 700], ['org_b', 57]]));
        // What an operator might do by hand, outside the gateway: the next read sums the ledger again.
        await database.run(`DELETE FROM ledger_entries WHERE id = 'led_c'`);
        await database.run(`UPDATE ledger_entries SET amount = 2000 WHERE id = 'led_a'`);
        assert.deepEqual(await store.listBalances(), new Map([['org_a', 1_700], ['org_b', 50]]));
        await store.appendLedgerEntries([topUp('led_d', 'org_a', 1)]);
        assert.deepEqual(await store.listBalances(), new Map([['org_a', 1_701], ['org_b', 50]]));
      });

      it('lists ledger entries newest first, by organization, up to a limit', async () => {
        await store.appendLedgerEntries([
          topUp('led_1', 'org_a', 10, '2025-02-01T00:00:00.000Z'),
          topUp('led_2', 'org_b', 20, '2025-02-02T00:00:00.000Z'),
          topUp('led_3', 'org_a', 30, '2025-02-03T00:00:00.000Z'),
        ]);
        const entries = await store.listLedgerEntries({ organizationId: 'org_a' });
        assert.deepEqual(entries, [topUp('led_3', 'org_a', 30, '2025-02-03T00:00:00.000Z'), topUp('led_1', 'org_a', 10, '2025-02-01T00:00:00.000Z')]);
        assert.deepEqual((await store.listLedgerEntries({ limit: 2 })).map((entry) => entry.id), ['led_3', 'led_2']);
      });

      it("sums a key's debits, all time and since a given time", async () => {
        await store.appendLedgerEntries([topUp('led_top', 'org_a', 1_000_000)]);
        await store.insertUsageRecords(
          [usageRecord('req_1'), usageRecord('req_2'), usageRecord('req_3', { apiKeyId: 'key_a2' })],
          [
            debit('req_1', 300, { createdAt: '2025-03-01T00:00:00.000Z' }),
            debit('req_2', 4_000_000_000_000, { createdAt: '2025-03-10T00:00:00.000Z' }),
            debit('req_3', 50, { apiKeyId: 'key_a2' }),
          ],
        );
        assert.deepEqual(await store.keySpend('key_a1', '2025-03-05T00:00:00.000Z'), { lifetime: 4_000_000_000_300, sinceStart: 4_000_000_000_000 });
        assert.deepEqual(await store.keySpend('key_missing', '2025-03-05T00:00:00.000Z'), { lifetime: 0, sinceStart: 0 });
      });

      describe('summaries', () => {
        beforeEach(async () => {
          await store.insertUsageRecords([
            usageRecord('req_1', { createdAt: Date.parse('2025-03-01T23:59:59.999Z'), promptTokens: 10, completionTokens: 1, cost: 100 }),
            usageRecord('req_2', { createdAt: Date.parse('2025-03-02T00:00:00.000Z'), apiKeyId: 'key_a2', model: 'claude-sonnet-4', promptTokens: 20, completionTokens: 2, cost: 200, usageFlag: 'usage_estimated' }),
            usageRecord('req_3', { createdAt: Date.parse('2025-03-02T12:00:00.000Z'), promptTokens: null, completionTokens: null, cost: 0 }),
            usageRecord('req_4', { createdAt: Date.parse('2025-03-02T13:00:00.000Z'), organizationId: 'org_b', apiKeyId: 'key_b1', promptTokens: 3_000_000_000, completionTokens: 4, cost: 400 }),
          ]);
        });

        it('groups by UTC day, newest day first', async () => {
          assert.deepEqual(await store.summarizeUsage({ groupBy: ['day'] }), [
            { day: '2025-03-02', requests: 3, promptTokens: 3_000_000_020, completionTokens: 6, cost: 600, flaggedRequests: 1 },
            { day: '2025-03-01', requests: 1, promptTokens: 10, completionTokens: 1, cost: 100, flaggedRequests: 0 },
          ]);
        });

        it('groups by organization and model, busiest first, within one organization', async () => {
          assert.deepEqual(await store.summarizeUsage({ organizationId: 'org_a', groupBy: ['organization', 'model'] }), [
            { organizationId: 'org_a', model: 'gpt-4o-mini', requests: 2, promptTokens: 10, completionTokens: 1, cost: 100, flaggedRequests: 0 },
            { organizationId: 'org_a', model: 'claude-sonnet-4', requests: 1, promptTokens: 20, completionTokens: 2, cost: 200, flaggedRequests: 1 },
          ]);
        });

        it('groups by day and key, newest day first', async () => {
          const rows = await store.summarizeUsage({ organizationId: 'org_a', groupBy: ['day', 'key'] });
          assert.deepEqual(rows.map((row) => row.day), ['2025-03-02', '2025-03-02', '2025-03-01']);
          // Both keys made one request on 2 March: their order within the day is not part of the contract.
          assert.deepEqual([...rows.slice(0, 2).sort((left, right) => left.apiKeyId!.localeCompare(right.apiKeyId!)), rows[2]], [
            { day: '2025-03-02', apiKeyId: 'key_a1', requests: 1, promptTokens: 0, completionTokens: 0, cost: 0, flaggedRequests: 0 },
            { day: '2025-03-02', apiKeyId: 'key_a2', requests: 1, promptTokens: 20, completionTokens: 2, cost: 200, flaggedRequests: 1 },
            { day: '2025-03-01', apiKeyId: 'key_a1', requests: 1, promptTokens: 10, completionTokens: 1, cost: 100, flaggedRequests: 0 },
          ]);
        });

        it('totals everything without grouping, within an inclusive start and exclusive end', async () => {
          assert.deepEqual(await store.summarizeUsage({ groupBy: [] }), [{ requests: 4, promptTokens: 3_000_000_030, completionTokens: 7, cost: 700, flaggedRequests: 1 }]);
          assert.deepEqual(await store.summarizeUsage({ from: '2025-03-02T00:00:00.000Z', to: '2025-03-02T12:00:00.000Z', groupBy: [] }), [
            { requests: 1, promptTokens: 20, completionTokens: 2, cost: 200, flaggedRequests: 1 },
          ]);
        });
      });
    });

    describe('responses', () => {
      const response: ResponseRecord = {
        id: 'resp_1',
        organizationId: 'org_a',
        apiKeyId: 'key_a1',
        provider: 'openai',
        model: 'gpt-5-mini',
        createdAt: Date.UTC(2025, 2, 1),
        usageRecordedAt: null,
        holder: 'provider',
        previousResponseId: null,
        expiresAt: Date.UTC(2025, 2, 31),
        status: null,
        body: null,
        heartbeatAt: null,
        deployment: null,
      };
      const item = (kind: 'input' | 'output', position: number, itemId: string) => ({ kind, position, itemId, item: JSON.stringify({ id: itemId, kind }) });
      const chainLink = (id: string, previousResponseId: string | null, holder: ResponseRecord['holder'], organizationId = 'org_a'): ResponseRecord => ({ ...response, id, previousResponseId, holder, organizationId });

      it('remembers who created a response; a second insert of the same id keeps the first', async () => {
        await store.insertResponseRecord(response);
        await store.insertResponseRecord({ ...response, organizationId: 'org_b' });
        assert.deepEqual(await store.findResponseRecord('resp_1'), response);
        assert.equal(await store.findResponseRecord('resp_missing'), undefined);
      });

      it('marks usage recorded for the first caller only, however many instances poll at once', async () => {
        await store.insertResponseRecord(response);
        const instances = [store, await openMigrated()];
        const claims = await Promise.all(Array.from({ length: 10 }, (_, index) => instances[index % 2].markResponseUsageRecorded('resp_1', 1_000 + index)));
        assert.equal(claims.filter(Boolean).length, 1);
        assert.equal((await store.findResponseRecord('resp_1'))?.usageRecordedAt, 1_000 + claims.indexOf(true));
        assert.equal(await store.markResponseUsageRecorded('resp_1', 5_000), false);
        assert.equal(await store.markResponseUsageRecorded('resp_missing', 5_000), false);
      });

      it('stores items with a response, only on its first insert, and adds items later without duplicating a position', async () => {
        await store.insertResponseRecord(response, [item('input', 0, 'msg_in')]);
        await store.insertResponseRecord(response, [item('input', 0, 'msg_other')]);
        await store.addResponseItems('resp_1', 'org_a', [item('output', 0, 'msg_out')]);
        await store.addResponseItems('resp_1', 'org_a', [item('output', 0, 'msg_out')]);
        const context = await store.listResponseContext('org_a', 'resp_1');
        assert.deepEqual(context.map((row) => [row.kind, row.itemId, row.holder]), [['input', 'msg_in', 'provider'], ['output', 'msg_out', 'provider']]);
      });

      it('writes a batch in order in one transaction: new responses with their items, items for earlier ones, a repeated insert ignored', async () => {
        await store.insertResponseRecord(chainLink('resp_w0', null, 'provider'), [item('input', 0, 'w0_in')]);
        await store.writeResponses([
          { kind: 'insert', record: chainLink('resp_w1', 'resp_w0', 'gateway'), items: [item('input', 0, 'w1_in'), item('output', 0, 'w1_out')] },
          { kind: 'items', responseId: 'resp_w0', organizationId: 'org_a', items: [item('output', 0, 'w0_out')] },
          { kind: 'insert', record: chainLink('resp_w0', null, 'provider'), items: [item('input', 1, 'w0_again')] },
        ]);
        await store.writeResponses([]);
        assert.deepEqual((await store.listResponseContext('org_a', 'resp_w1')).map((row) => row.itemId), ['w0_in', 'w0_out', 'w1_in', 'w1_out']);
      });

      it('lists a chain oldest first, each response its input then output, and only within the organization', async () => {
        await store.insertResponseRecord(chainLink('resp_a', null, 'provider'), [item('output', 0, 'out_a'), item('input', 0, 'in_a')]);
        await store.insertResponseRecord(chainLink('resp_b', 'resp_a', 'gateway'), [item('input', 1, 'in_b2'), item('input', 0, 'in_b1'), item('output', 0, 'out_b')]);
        await store.insertResponseRecord(chainLink('resp_c', 'resp_b', 'gateway'), [item('input', 0, 'in_c')]);
        await store.insertResponseRecord(chainLink('resp_x', 'resp_c', 'gateway', 'org_b'), [item('input', 0, 'in_x')]);
        const context = await store.listResponseContext('org_a', 'resp_c');
        assert.deepEqual(context.map((row) => row.itemId), ['in_a', 'out_a', 'in_b1', 'in_b2', 'out_b', 'in_c']);
        assert.deepEqual(context.map((row) => row.holder), ['provider', 'provider', 'gateway', 'gateway', 'gateway', 'gateway']);
        assert.deepEqual(await store.listResponseContext('org_b', 'resp_c'), []);
        assert.deepEqual((await store.listResponseContext('org_b', 'resp_x')).map((row) => row.itemId), ['in_x'], 'a chain stops at another organization');
      });

      it('finds items by id within the organization, the latest copy of each', async () => {
        await store.insertResponseRecord(chainLink('resp_fa', null, 'provider'), [item('output', 0, 'shared')]);
        await store.insertResponseRecord({ ...chainLink('resp_fb', 'resp_fa', 'gateway'), createdAt: response.createdAt + 1 }, [item('input', 0, 'shared')]);
        await store.insertResponseRecord(chainLink('resp_fx', null, 'gateway', 'org_b'), [item('output', 0, 'theirs')]);
        const found = await store.findResponseItems('org_a', ['shared', 'theirs', 'missing']);
        assert.deepEqual(found.map((row) => [row.itemId, row.responseId, row.holder]), [['shared', 'resp_fb', 'gateway']]);
        assert.deepEqual(await store.findResponseItems('org_a', []), []);
      });

      it('updates a gateway-held response only while its status allows, and lists stalled ones', async () => {
        await store.insertResponseRecord({ ...chainLink('resp_g', null, 'gateway'), status: 'in_progress', heartbeatAt: 1_000 });
        assert.equal(await store.updateResponse('resp_g', { heartbeatAt: 2_000 }), true);
        assert.deepEqual((await store.listStalledResponses(1_500)).map((row) => row.id), []);
        assert.deepEqual((await store.listStalledResponses(2_500)).map((row) => row.id), ['resp_g']);
        assert.equal(await store.updateResponse('resp_g', { status: 'completed', body: '{}' }, ['queued', 'in_progress']), true);
        assert.equal(await store.updateResponse('resp_g', { status: 'cancelled' }, ['queued', 'in_progress']), false);
        assert.equal((await store.findResponseRecord('resp_g'))?.status, 'completed');
        assert.deepEqual(await store.listStalledResponses(2_500), []);
      });

      it('deletes a response with its items, and every expired one', async () => {
        await store.insertResponseRecord(chainLink('resp_old', null, 'gateway'), [item('input', 0, 'old_in')]);
        await store.insertResponseRecord({ ...chainLink('resp_new', null, 'gateway'), expiresAt: response.expiresAt + 10 }, [item('input', 0, 'new_in')]);
        await store.insertResponseRecord(chainLink('resp_gone', null, 'gateway'), [item('input', 0, 'gone_in')]);
        await store.deleteResponse('resp_gone');
        assert.equal(await store.findResponseRecord('resp_gone'), undefined);
        assert.equal(await store.deleteExpiredResponses(response.expiresAt + 1), 1);
        assert.equal(await store.findResponseRecord('resp_old'), undefined);
        assert.ok(await store.findResponseRecord('resp_new'));
        assert.deepEqual((await store.findResponseItems('org_a', ['old_in', 'new_in', 'gone_in'])).map((row) => row.itemId), ['new_in']);
      });
    });

    describe('chatbots', () => {
      const chatbot = (id: string, organizationId: string, name: string, overrides: Partial<Chatbot> = {}): Chatbot => ({
        id,
        organizationId,
        name,
        model: 'gpt-5-mini',
        systemPrompt: 'You answer in French.',
        parameters: { temperature: 0.2, max_tokens: 300, stop: ['END'], response_format: { type: 'json_object' } },
        fallbacks: ['grok-4', 'gemini-2.5-flash'],
        createdAt: '2025-01-03T00:00:00.000Z',
        updatedAt: '2025-01-03T00:00:00.000Z',
        ...overrides,
      });

      it('creates, finds and lists chatbots in creation order, all or by organization, with their parameters and fallbacks as stored', async () => {
        await seedAccounts();
        await store.createChatbot(chatbot('cb_2', 'org_a', 'second', { createdAt: '2025-01-04T00:00:00.000Z', systemPrompt: null, parameters: {}, fallbacks: [] }));
        await store.createChatbot(chatbot('cb_1', 'org_a', 'first'));
        await store.createChatbot(chatbot('cb_3', 'org_b', 'first', { createdAt: '2025-01-05T00:00:00.000Z' }));
        assert.deepEqual(await store.findChatbot('cb_1'), chatbot('cb_1', 'org_a', 'first'));
        assert.deepEqual((await store.findChatbot('cb_2'))?.fallbacks, []);
        assert.equal(await store.findChatbot('cb_missing'), undefined);
        assert.deepEqual((await store.listChatbots()).map((each) => each.id), ['cb_1', 'cb_2', 'cb_3']);
        assert.deepEqual((await store.listChatbots('org_a')).map((each) => each.id), ['cb_1', 'cb_2']);
        assert.deepEqual(await store.listChatbots('org_nobody'), []);
      });

      it('refuses a second chatbot of the same name in one organization, and a chatbot of an organization that does not exist', async () => {
        await seedAccounts();
        await store.createChatbot(chatbot('cb_1', 'org_a', 'helper'));
        await assert.rejects(store.createChatbot(chatbot('cb_2', 'org_a', 'helper')));
        await store.createChatbot(chatbot('cb_3', 'org_b', 'helper'));
        await assert.rejects(store.createChatbot(chatbot('cb_4', 'org_nobody', 'helper')));
      });

      it('updates only the fields given, and deletes, answering undefined for an unknown id', async () => {
        await seedAccounts();
        await store.createChatbot(chatbot('cb_1', 'org_a', 'helper'));
        const updated = await store.updateChatbot('cb_1', { model: 'grok-4', systemPrompt: null, parameters: { top_p: 0.5 }, fallbacks: [], updatedAt: '2025-02-01T00:00:00.000Z' });
        assert.deepEqual(updated, { ...chatbot('cb_1', 'org_a', 'helper'), model: 'grok-4', systemPrompt: null, parameters: { top_p: 0.5 }, fallbacks: [], updatedAt: '2025-02-01T00:00:00.000Z' });
        assert.deepEqual(await store.updateChatbot('cb_1', {}), updated);
        assert.deepEqual(await store.findChatbot('cb_1'), updated);
        assert.equal(await store.updateChatbot('cb_missing', { name: 'x' }), undefined);
        assert.deepEqual(await store.deleteChatbot('cb_1'), updated);
        assert.equal(await store.findChatbot('cb_1'), undefined);
        assert.equal(await store.deleteChatbot('cb_1'), undefined);
      });
    });

    describe('video jobs', () => {
      const job = (id: string, organizationId: string, createdAt: number, overrides: Partial<VideoJob> = {}): VideoJob =>
        makeVideoJob(id, { organizationId, createdAt, deployment: 'primary', upstreamId: `video_up_${id}`, ...overrides });

      it('creates, finds and pages an organization\'s jobs by creation time either way, after a cursor', async () => {
        await store.createVideoJob(job('video_1', 'org_a', 1_000));
        await store.createVideoJob(job('video_2', 'org_a', 2_000, { remixedFrom: 'video_1' }));
        await store.createVideoJob(job('video_3', 'org_a', 2_000));
        await store.createVideoJob(job('video_4', 'org_b', 3_000));
        assert.deepEqual(await store.findVideoJob('video_2'), job('video_2', 'org_a', 2_000, { remixedFrom: 'video_1' }));
        assert.equal(await store.findVideoJob('video_missing'), undefined);
        const ids = (jobs: VideoJob[]) => jobs.map((found) => found.id);
        assert.deepEqual(ids(await store.listVideoJobs('org_a', { limit: 10, order: 'desc' })), ['video_3', 'video_2', 'video_1']);
        assert.deepEqual(ids(await store.listVideoJobs('org_a', { limit: 2, order: 'asc' })), ['video_1', 'video_2']);
        const second = (await store.findVideoJob('video_2'))!;
        assert.deepEqual(ids(await store.listVideoJobs('org_a', { after: second, limit: 10, order: 'asc' })), ['video_3']);
        assert.deepEqual(ids(await store.listVideoJobs('org_a', { after: second, limit: 10, order: 'desc' })), ['video_1']);
      });

      it('settles a job once, only by its owner; a settled job is neither changed nor stamped again, and only then deleted', async () => {
        await store.createVideoJob(job('video_1', 'org_a', 1_000));
        assert.equal(await store.updateVideoJob('video_1', 'instance_b', { progress: 50 }), false);
        assert.equal(await store.updateVideoJob('video_1', 'instance_a', { status: 'in_progress', progress: 50 }), true);
        assert.equal(await store.deleteVideoJob('video_1'), false);
        const error = { code: 'moderation_blocked', message: 'blocked' };
        assert.equal(await store.updateVideoJob('video_1', 'instance_a', { status: 'failed', error, completedAt: 5_000, cost: 0, settle: 5_000 }), true);
        assert.equal(await store.updateVideoJob('video_1', 'instance_a', { status: 'completed', cost: 800_000, settle: 6_000 }), false);
        await store.stampVideoJobs('instance_a', ['video_1'], 9_000);
        assert.deepEqual(await store.findVideoJob('video_1'), job('video_1', 'org_a', 1_000, { status: 'failed', progress: 50, error, completedAt: 5_000, cost: 0, settledAt: 5_000 }));
        assert.equal(await store.deleteVideoJob('video_1'), true);
        assert.equal(await store.findVideoJob('video_1'), undefined);
      });

      it('lists unsettled jobs not stamped lately; one instance takes each over, and the old owner can no longer settle it', async () => {
        await store.createVideoJob(job('video_1', 'org_a', 1_000));
        await store.createVideoJob(job('video_2', 'org_a', 1_000));
        await store.createVideoJob(job('video_3', 'org_a', 1_000, { settledAt: 2_000, cost: 0, status: 'failed' }));
        await store.stampVideoJobs('instance_a', ['video_2'], 50_000);
        assert.deepEqual((await store.listStalledVideoJobs(40_000)).map((found) => found.id), ['video_1']);
        assert.equal(await store.takeOverVideoJob('video_1', 'instance_b', 1_000, 60_000), true);
        assert.equal(await store.takeOverVideoJob('video_1', 'instance_c', 1_000, 60_000), false, 'the heartbeat it saw is gone: another instance took it');
        assert.equal(await store.updateVideoJob('video_1', 'instance_a', { status: 'completed', cost: 1, settle: 61_000 }), false);
        assert.equal(await store.updateVideoJob('video_1', 'instance_b', { status: 'completed', cost: 1, settle: 61_000 }), true);
        assert.deepEqual(await store.listStalledVideoJobs(100_000).then((jobs) => jobs.map((found) => found.id)), ['video_2']);
      });
    });
  });
}

describe('SQLite data folders of the earlier store', () => {
  const fixture = readFileSync(new URL('../fixtures/store/sqlite-schema-v4.sql', import.meta.url), 'utf8');
  let folders: string[] = [];

  function folderWithFixture(): string {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-store-'));
    folders.push(dataDir);
    const connection = new Database(join(dataDir, 'switchyard.db'));
    connection.exec(fixture);
    connection.close();
    return dataDir;
  }

  afterEach(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    folders = [];
  });

  it('a folder written by the earlier migrations 1–4 migrates on and keeps its data', async () => {
    const dataDir = folderWithFixture();
    const store = openStore({ dataDir });
    try {
      await store.migrate();
      // An organization from before the request log has the default request logging (no bodies).
      assert.deepEqual(await store.findOrganizationByName('old-co'), { id: 'org_old', name: 'old-co', createdAt: '2025-01-01T00:00:00.000Z', disabledAt: null, limits: { requestsPerMinute: 60 }, requestLogging: DEFAULT_REQUEST_LOGGING });
      const [key] = await store.listApiKeysChangedSince(0);
      assert.equal(key.id, 'key_old');
      assert.equal(key.version, 7);
      assert.deepEqual(key.allowedModels, ['gpt-4o-mini']);
      assert.equal((await store.createApiKey(apiKey('key_new', 'org_old'))).version, 8);
      assert.equal((await store.listUsageRecords())[0].surface, 'anthropic-messages');
      assert.deepEqual(await store.listBalances(), new Map([['org_old', 1_000_000 - 250]]));
      await store.insertUsageRecords([usageRecord('req_old', { organizationId: 'org_old' })], [debit('req_old', 250, { id: 'led_again', organizationId: 'org_old' })]);
      assert.deepEqual(await store.listBalances(), new Map([['org_old', 1_000_000 - 250]]));
      assert.equal(await store.markResponseUsageRecorded('resp_old', 1), true);
    } finally {
      await store.close();
    }
    const connection = new Database(join(dataDir, 'switchyard.db'), { readonly: true });
    const versions = (connection.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((row) => row.version);
    connection.close();
    assert.deepEqual(versions, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('the Kysely migrations build the same SQLite schema as the earlier ones (and the later migrations apply alike to both)', async () => {
    const earlierDir = folderWithFixture();
    const earlier = join(earlierDir, 'switchyard.db');
    const upgraded = openStore({ dataDir: earlierDir });
    await upgraded.migrate();
    await upgraded.close();
    const freshDir = mkdtempSync(join(tmpdir(), 'switchyard-store-'));
    folders.push(freshDir);
    const store = openStore({ dataDir: freshDir });
    await store.migrate();
    await store.close();
    assert.deepEqual(describeSchema(join(freshDir, 'switchyard.db')), describeSchema(earlier));
  });
});

/** Tables, columns (with SQLite's type affinity), defaults, keys and indexes of a database file. */
function describeSchema(path: string): unknown {
  const connection = new Database(path, { readonly: true });
  try {
    const tables = (connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
    return tables.map((table) => ({
      table,
      columns: (connection.pragma(`table_info(${table})`) as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[]).map((column) => ({
        name: column.name,
        affinity: /INT/i.test(column.type) ? 'INTEGER' : /CHAR|CLOB|TEXT/i.test(column.type) ? 'TEXT' : column.type,
        notNull: column.notnull,
        default: column.dflt_value,
        primaryKey: column.pk,
      })),
      foreignKeys: (connection.pragma(`foreign_key_list(${table})`) as { table: string; from: string; to: string }[]).map(({ table: parent, from, to }) => ({ parent, from, to })),
      indexes: (connection.pragma(`index_list(${table})`) as { name: string; unique: number; origin: string }[])
        .map((index) => ({
          name: index.name,
          unique: index.unique,
          origin: index.origin,
          columns: (connection.pragma(`index_info(${index.name})`) as { name: string }[]).map((column) => column.name),
        }))
        .sort((left, right) => left.name.localeCompare(right.name)),
    }));
  } finally {
    connection.close();
  }
}

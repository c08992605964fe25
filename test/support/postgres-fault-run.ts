import assert from 'node:assert/strict';
import pino from 'pino';
import { loadConfig } from '../../src/config/load-config.ts';
import { PROVIDER_DESCRIPTORS } from '../../src/providers/provider-descriptors.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createSwitchyard } from '../../src/switchyard.ts';

/** An organization made for a fault run, with its balance and keys (secrets shown once, as to users). */
export interface FaultRunTenant {
  organizationId: string;
  startingBalance: number;
  keys: Record<string, { id: string; secret: string }>;
}

/**
 * Makes an organization with `startingBalance` micro-credits and one key per name, through a
 * gateway of its own on `environment` (straight to the database, no proxy), closed afterwards.
 */
export async function provisionTenant(environment: Record<string, string>, name: string, startingBalance: number, keyNames: string[]): Promise<FaultRunTenant> {
  const switchyard = await createSwitchyard(loadConfig({ environment, providers: PROVIDER_DESCRIPTORS }), { logger: pino({ level: 'silent' }) });
  try {
    const organization = await switchyard.accounts.createOrganization(name);
    await switchyard.credits.topUp(organization.id, startingBalance);
    const keys: FaultRunTenant['keys'] = {};
    for (const keyName of keyNames) {
      const created = await switchyard.accounts.createApiKey(name, keyName);
      keys[keyName] = { id: created.key.id, secret: created.secret };
    }
    return { organizationId: organization.id, startingBalance, keys };
  } finally {
    await switchyard.close();
  }
}

/** Revokes a key through a gateway of its own on `environment`, as the CLI does from another host. */
export async function revokeKey(environment: Record<string, string>, keyId: string): Promise<void> {
  const switchyard = await createSwitchyard(loadConfig({ environment, providers: PROVIDER_DESCRIPTORS }), { logger: pino({ level: 'silent' }) });
  try {
    await switchyard.accounts.revokeApiKey(keyId);
  } finally {
    await switchyard.close();
  }
}

/** `url` with its host and port replaced by a proxy's on 127.0.0.1. */
export function throughProxy(url: string, port: number): string {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  return proxied.toString();
}

/**
 * After a fault run: every answered request (request id → micro-credits the client was told) is
 * recorded once, at that cost; one debit per request; and the tenant's ledger balance moved by
 * exactly the recorded costs. Returns the ledger balance.
 */
export async function assertEveryAnswerRecordedOnce(database: { databaseUrl: string; databaseSchema: string }, tenant: FaultRunTenant, answered: Map<string, number>): Promise<number> {
  const store = openStore({ dataDir: '/tmp', ...database });
  try {
    const records = await store.listUsageRecords({ limit: 1_000_000 });
    const byRequest = new Map(records.map((record) => [record.requestId, record]));
    assert.equal(byRequest.size, records.length, 'no request recorded twice');
    const missing = [...answered.keys()].filter((requestId) => !byRequest.has(requestId));
    assert.deepEqual(missing, [], 'every answered request was recorded');
    for (const [requestId, cost] of answered) assert.equal(byRequest.get(requestId)!.cost, cost, 'recorded at the cost the client was told');
    const entries = await store.listLedgerEntries({ limit: 1_000_000 });
    const debits = entries.filter((entry) => entry.kind === 'debit');
    assert.equal(new Set(debits.map((entry) => entry.requestId)).size, debits.length, 'one debit per request at most');
    const tenantRecords = records.filter((record) => record.organizationId === tenant.organizationId);
    const recordedCost = tenantRecords.reduce((total, record) => total + record.cost, 0);
    const balance = entries.filter((entry) => entry.organizationId === tenant.organizationId).reduce((total, entry) => total + entry.amount, 0);
    assert.equal(tenant.startingBalance - balance, recordedCost, 'ledger == balance change == sum of the recorded costs');
    return balance;
  } finally {
    await store.close();
  }
}

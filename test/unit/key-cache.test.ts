import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashApiKey } from '../../src/accounts/api-key-secret.ts';
import { KeyCache } from '../../src/accounts/key-cache.ts';
import type { AuthenticatedKey, Store } from '../../src/store/store.ts';

/** A store holding keys in an array, counting how often the cache asks it for changes. */
function fakeStore() {
  const keys: AuthenticatedKey[] = [];
  const store = {
    lookups: 0,
    async listApiKeysChangedSince(version: number) {
      store.lookups += 1;
      return keys.filter((key) => key.version > version);
    },
  };
  const add = (secret: string, changes: Partial<AuthenticatedKey> = {}) =>
    keys.push({
      id: `key_${keys.length}`,
      organizationId: 'org_1',
      organizationName: 'acme',
      organizationDisabledAt: null,
      organizationLimits: {},
      organizationRequestLogging: { bodies: false, retentionDays: 7 },
      name: null,
      prefix: secret.slice(0, 9),
      hash: hashApiKey(secret),
      createdAt: new Date().toISOString(),
      revokedAt: null,
      expiresAt: null,
      allowedModels: null,
      limits: {},
      version: keys.length + 1,
      ...changes,
    });
  return { store, add, cache: new KeyCache(store as unknown as Store) };
}

describe('KeyCache', () => {
  it('finds a key written by another process just after the last look-up, instead of refusing it', async () => {
    const { cache, add } = fakeStore();
    await cache.refresh();
    add('sy_made_by_the_cli_a_moment_ago');
    assert.ok(await cache.authenticate('sy_made_by_the_cli_a_moment_ago'));
  });

  it('asks the store once for any number of unknown keys presented together', async () => {
    const { cache, store } = fakeStore();
    await cache.refresh();
    const before = store.lookups;
    const results = await Promise.all(Array.from({ length: 50 }, (_, index) => cache.authenticate(`sy_unknown_${index}`)));
    assert.ok(results.every((key) => key === undefined));
    assert.equal(store.lookups - before, 1);
  });

  it('refuses a revoked key and a key past its expiry, and takes one whose expiry is ahead', async () => {
    const { cache, add } = fakeStore();
    add('sy_revoked_key_000000', { revokedAt: new Date().toISOString() });
    add('sy_expired_key_000000', { expiresAt: new Date(Date.now() - 1).toISOString() });
    add('sy_current_key_000000', { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await cache.refresh();
    assert.equal(await cache.authenticate('sy_revoked_key_000000'), undefined);
    assert.equal(await cache.authenticate('sy_expired_key_000000'), undefined);
    assert.ok(await cache.authenticate('sy_current_key_000000'));
  });

  it('sync() sees a change written while a refresh was already under way', async () => {
    const { cache, add, store } = fakeStore();
    add('sy_first_key_00000000');
    const underWay = cache.refresh();
    add('sy_second_key_0000000');
    await cache.sync();
    await underWay;
    const lookups = store.lookups;
    assert.ok(await cache.authenticate('sy_second_key_0000000'));
    assert.equal(store.lookups, lookups, 'served from memory: sync() had already loaded it');
  });
});

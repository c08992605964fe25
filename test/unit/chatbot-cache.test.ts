import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChatbotCache } from '../../src/accounts/chatbot-cache.ts';
import type { Chatbot } from '../../src/store/store.ts';

const chatbot = (id: string, systemPrompt = 'v1'): Chatbot => ({
  id,
  organizationId: 'org_a',
  name: id,
  model: 'gpt-5-mini',
  systemPrompt,
  parameters: {},
  fallbacks: [],
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
});

/** A store of chatbots that counts its reads and can be made to fail or to hold a read. */
function fakeStore(initial: Chatbot[]) {
  const rows = new Map(initial.map((each) => [each.id, each]));
  const state = { reads: 0, failing: false, hold: undefined as Promise<void> | undefined };
  return {
    rows,
    state,
    async load(id: string): Promise<Chatbot | undefined> {
      state.reads += 1;
      await state.hold;
      if (state.failing) throw new Error('store down');
      return rows.get(id);
    },
  };
}

describe('ChatbotCache', () => {
  it('reads a chatbot once while fresh, misses included, and again once it is stale', async () => {
    let now = 0;
    const store = fakeStore([chatbot('cb_1')]);
    const cache = new ChatbotCache((id) => store.load(id), { freshMs: 2_000, now: () => now });
    assert.equal((await cache.get('cb_1'))?.systemPrompt, 'v1');
    assert.equal(await cache.get('cb_none'), undefined);
    now = 1_999;
    await cache.get('cb_1');
    await cache.get('cb_none');
    assert.equal(store.state.reads, 2);
    store.rows.set('cb_1', chatbot('cb_1', 'v2'));
    now = 2_000;
    assert.equal((await cache.get('cb_1'))?.systemPrompt, 'v2', "another process's change is seen once the entry is stale");
    assert.equal(store.state.reads, 3);
  });

  it('shares one read between concurrent requests for the same id', async () => {
    const store = fakeStore([chatbot('cb_1')]);
    let release!: () => void;
    store.state.hold = new Promise((resolve) => (release = resolve));
    const cache = new ChatbotCache((id) => store.load(id));
    const gets = Array.from({ length: 20 }, () => cache.get('cb_1'));
    release();
    const results = await Promise.all(gets);
    assert.ok(results.every((each) => each?.id === 'cb_1'));
    assert.equal(store.state.reads, 1);
  });

  it('applies changes made through this process at once, and never keeps a read that began before one', async () => {
    const store = fakeStore([chatbot('cb_1')]);
    let release!: () => void;
    store.state.hold = new Promise((resolve) => (release = resolve));
    const cache = new ChatbotCache((id) => store.load(id));
    const before = cache.get('cb_1');
    cache.set(chatbot('cb_1', 'v2'));
    release();
    await before;
    assert.equal((await cache.get('cb_1'))?.systemPrompt, 'v2', 'the read that started before the change did not overwrite it');
    cache.forget('cb_1');
    assert.equal(await cache.get('cb_1'), undefined);
    assert.equal(store.state.reads, 1);
  });

  it('serves the last preset read while the store fails, and fails when it has none', async () => {
    let now = 0;
    const store = fakeStore([chatbot('cb_1')]);
    const cache = new ChatbotCache((id) => store.load(id), { freshMs: 1_000, now: () => now });
    await cache.get('cb_1');
    store.state.failing = true;
    now = 5_000;
    assert.equal((await cache.get('cb_1'))?.id, 'cb_1');
    await assert.rejects(cache.get('cb_2'), /store down/);
  });

  it('keeps at most maxEntries chatbots, dropping the least recently used', async () => {
    const store = fakeStore([chatbot('cb_1'), chatbot('cb_2'), chatbot('cb_3')]);
    const cache = new ChatbotCache((id) => store.load(id), { maxEntries: 2 });
    await cache.get('cb_1');
    await cache.get('cb_2');
    await cache.get('cb_1');
    await cache.get('cb_3');
    assert.equal(store.state.reads, 3);
    await cache.get('cb_1');
    assert.equal(store.state.reads, 3, 'cb_1 was used recently: kept');
    await cache.get('cb_2');
    assert.equal(store.state.reads, 4, 'cb_2 was the least recently used: dropped');
  });
});

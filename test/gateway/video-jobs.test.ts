import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, describe, test } from 'node:test';
import pino from 'pino';
import { VideoJobs, type VideoJobServices, type VideoJobState } from '../../src/gateway/video-jobs.ts';
import type { KeptRequest } from '../../src/metering/track-request.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store, VideoJob } from '../../src/store/store.ts';
import { makeVideoJob } from '../support/make-video-job.ts';

/**
 * The video jobs' keeper over a real store: a job is followed to its end and billed once, by the
 * one write that settles it; a job whose instance stopped is taken over by another and billed
 * there; an instance that lost a job (taken over while it stalled) releases it without billing.
 */

const SECOND_PRICE = 100_000;

/** A kept request that records what was done with it. */
function keptRequest() {
  const calls: { finished: { status: number; outcome: unknown }[]; disposed: number } = { finished: [], disposed: 0 };
  const request: KeptRequest = {
    price: (usage) => (usage?.units ? usage.units.count * SECOND_PRICE : 0),
    finish(status, outcome) {
      calls.finished.push({ status, outcome });
      return outcome?.usage?.units ? outcome.usage.units.count * SECOND_PRICE : 0;
    },
    dispose() {
      calls.disposed += 1;
    },
  };
  return { request, calls };
}

function jobOf(id: string, owner: string, overrides: Partial<VideoJob> = {}): VideoJob {
  return makeVideoJob(id, { owner, ...overrides });
}

describe('video jobs: followed to their end, billed once', () => {
  let dataDir: string;
  let store: Store;
  const keepers: VideoJobs[] = [];
  /** What the provider says of each job, by upstream id. */
  const states = new Map<string, VideoJobState>();
  const polls: string[] = [];
  const takenOver: { request: KeptRequest; calls: ReturnType<typeof keptRequest>['calls'] }[] = [];
  const services: VideoJobServices = {
    async poll(job) {
      polls.push(job.id);
      const state = states.get(job.upstreamId);
      if (!state) throw new Error('the provider is down');
      return state;
    },
    track() {
      const kept = keptRequest();
      takenOver.push(kept);
      return kept.request as never;
    },
  };
  const keeper = (owner: string, options: { stalledAfterMs?: number } = {}) => {
    const made = new VideoJobs(store, services, pino({ level: 'silent' }), { owner, pollIntervalMs: 20, heartbeatMs: 20, ...options });
    keepers.push(made);
    return made;
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchyard-video-jobs-'));
    store = openStore({ dataDir });
    await store.migrate();
    const createdAt = new Date().toISOString();
    await store.createOrganization({ id: 'org_a', name: 'acme', createdAt, disabledAt: null, limits: {}, requestLogging: { bodies: false, retentionDays: 30 } });
    await store.createApiKey({ id: 'key_a', organizationId: 'org_a', name: null, prefix: 'sk-test', hash: '00', createdAt, revokedAt: null, expiresAt: null, allowedModels: null, limits: {} });
  });
  afterEach(() => {
    for (const made of keepers.splice(0)) made.stop();
    states.clear();
    polls.length = 0;
    takenOver.length = 0;
  });
  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
    for (let waited = 0; waited < 5_000; waited += 20) {
      if (await condition()) return;
      await sleep(20);
    }
    assert.fail(`timed out waiting for ${what}`);
  }

  test('a job is followed while it runs (status and progress written), billed its seconds when it completes, and released once', async () => {
    const a = keeper('instance_a');
    const { request, calls } = keptRequest();
    await a.begin(jobOf('video_1', 'instance_a'), request);
    states.set('up_video_1', { status: 'in_progress', progress: 40, error: null });
    a.start();
    await until(async () => (await store.findVideoJob('video_1'))?.progress === 40, 'the progress written');
    assert.equal((await store.findVideoJob('video_1'))?.status, 'in_progress');
    assert.equal(calls.finished.length, 0, 'not billed while it runs');
    states.set('up_video_1', { status: 'completed', progress: 100, error: null, expiresAt: Date.now() + 3_600_000 });
    await until(async () => (await store.findVideoJob('video_1'))?.settledAt !== null, 'the job settled');
    const settled = (await store.findVideoJob('video_1'))!;
    assert.equal(settled.status, 'completed');
    assert.equal(settled.cost, 8 * SECOND_PRICE);
    assert.ok(settled.expiresAt! > Date.now());
    assert.deepEqual(calls.finished, [{ status: 200, outcome: { usage: { promptTokens: 0, completionTokens: 0, units: { variant: '1280x720', count: 8 } } } }]);
    const pollsAtEnd = polls.length;
    await sleep(100);
    assert.equal(polls.length, pollsAtEnd, 'an ended job is no longer asked about');
    assert.equal(calls.disposed, 0);
  });

  test('a failed job is settled with its error and billed nothing; a provider that cannot answer is asked again', async () => {
    const a = keeper('instance_a');
    const { request, calls } = keptRequest();
    await a.begin(jobOf('video_2', 'instance_a'), request);
    a.start();
    await until(() => polls.filter((id) => id === 'video_2').length >= 3, 'a few polls of a provider that is down');
    assert.equal((await store.findVideoJob('video_2'))?.settledAt, null);
    states.set('up_video_2', { status: 'failed', progress: 10, error: { code: 'moderation_blocked', message: 'blocked' } });
    await until(async () => (await store.findVideoJob('video_2'))?.settledAt !== null, 'the job settled');
    const settled = (await store.findVideoJob('video_2'))!;
    assert.deepEqual([settled.status, settled.cost, settled.error], ['failed', 0, { code: 'moderation_blocked', message: 'blocked' }]);
    assert.deepEqual(calls.finished, [{ status: 200, outcome: { usage: undefined, errorCode: 'moderation_blocked' } }]);
  });

  test('a job whose instance stopped stamping is taken over by another, followed there and billed once, without a reservation', async () => {
    const a = keeper('instance_a');
    const { request, calls } = keptRequest();
    await a.begin(jobOf('video_3', 'instance_a'), request);
    a.stop(); // its instance went away: its reservation is released, the job stays
    assert.equal(calls.disposed, 1);
    const b = keeper('instance_b', { stalledAfterMs: 100 });
    states.set('up_video_3', { status: 'completed', progress: 100, error: null });
    b.start();
    await until(async () => (await store.findVideoJob('video_3'))?.settledAt != null, 'the job taken over and settled');
    const settled = (await store.findVideoJob('video_3'))!;
    assert.equal(settled.owner, 'instance_b');
    assert.equal(settled.cost, 8 * SECOND_PRICE);
    assert.equal(takenOver.length, 1);
    assert.equal(takenOver[0]!.calls.finished.length, 1);
    assert.equal(calls.finished.length, 0, 'the stopped instance bills nothing');
  });

  test('an instance that stalled while another took its job over releases it without billing: the job is billed once', async () => {
    const a = keeper('instance_a');
    const { request, calls } = keptRequest();
    // Its heartbeat is long stale (the instance stalled), yet it still holds the job in memory.
    await a.begin(jobOf('video_4', 'instance_a', { heartbeatAt: Date.now() - 60_000 }), request);
    const b = keeper('instance_b', { stalledAfterMs: 100 });
    b.start();
    await until(async () => (await store.findVideoJob('video_4'))?.owner === 'instance_b', 'the job taken over');
    states.set('up_video_4', { status: 'completed', progress: 100, error: null });
    await Promise.all([a.pollAll(), b.pollAll()]);
    await until(async () => (await store.findVideoJob('video_4'))?.settledAt != null, 'the job settled');
    await a.pollAll();
    assert.equal(takenOver[0]!.calls.finished.length + calls.finished.length, 1, 'billed once');
    assert.equal(takenOver[0]!.calls.finished.length, 1, 'by the instance that owns it');
    assert.equal(calls.disposed, 1, 'the stalled instance released its reservation');
  });
});

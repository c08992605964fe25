import type { VideoJob } from '../../src/store/store.ts';

/** A queued sora-2 job of eight seconds (16:9), made at `createdAt` and followed by `instance_a`, with `overrides`. */
export function makeVideoJob(id: string, overrides: Partial<VideoJob> = {}): VideoJob {
  const createdAt = overrides.createdAt ?? Date.now();
  return {
    id,
    organizationId: 'org_a',
    apiKeyId: 'key_a',
    requestId: `req_${id}`,
    model: 'sora-2',
    provider: 'openai',
    deployment: null,
    upstreamId: `up_${id}`,
    status: 'queued',
    progress: 0,
    prompt: 'A lighthouse',
    seconds: 8,
    size: '1280x720',
    remixedFrom: null,
    error: null,
    createdAt,
    completedAt: null,
    expiresAt: null,
    settledAt: null,
    cost: null,
    owner: 'instance_a',
    heartbeatAt: createdAt,
    ...overrides,
  };
}

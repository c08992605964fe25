import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import fc from 'fast-check';
import { startStack, type Stack } from '../support/start-stack.ts';

/**
 * The request log over HTTP, as an operator (`/admin/v1/requests`) and a tenant
 * (`/v1/gateway/usage/`) read it: every request's metadata, its filters and cursor pagination,
 * one organization never seeing another's rows, bodies only for an organization that opts in
 * and only for its retention, the usage series the dashboard charts, and the metrics' counters
 * equal to the log's counts and the ledger's sums.
 */

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const HELLO = [{ role: 'user' as const, content: 'Hello there' }];

async function get(stack: Stack, path: string, token = ADMIN_TOKEN): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

async function patch(stack: Stack, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.gateway.url}${path}`, { method: 'PATCH', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/** Every page of a request-log listing, following `next_cursor`. */
async function allPages(stack: Stack, path: string, token = ADMIN_TOKEN): Promise<{ rows: any[]; pages: number }> {
  const rows: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const answer = await get(stack, `${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`, token);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    rows.push(...answer.body.data);
    cursor = answer.body.next_cursor;
    assert.equal(answer.body.has_more, cursor !== null);
    pages += 1;
  } while (cursor);
  return { rows, pages };
}

function parseSamples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key!, value!]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

describe('the request log: /admin/v1/requests and /v1/gateway/usage/', () => {
  let stack: Stack;
  let otherKey: string;
  before(async () => {
    stack = await startStack({ SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
    const { switchyard } = stack.gateway;
    const other = await switchyard.accounts.createOrganization('globex');
    await switchyard.credits.topUp(other.id, 1_000_000_000, 'tests');
    otherKey = (await switchyard.accounts.createApiKey('globex', 'globex key')).secret;
  });
  after(() => stack.close());

  test('a mixed run (three surfaces, streams, errors, a refusal): the log lists each request once, filters and pages it, and its counts equal the metrics and the ledger', async () => {
    const { switchyard } = stack.gateway;
    const openai = stack.client();
    await openai.chat.completions.create({ model: 'gpt-5-mini', messages: HELLO });
    await openai.chat.completions.create({ model: 'gpt-5-mini', messages: HELLO });
    for await (const _chunk of await openai.chat.completions.create({ model: 'grok-4', stream: true, messages: HELLO }));
    await openai.responses.create({ model: 'gpt-5-mini', input: 'Hi', store: false });
    const anthropic = new Anthropic({ baseURL: stack.gateway.url, apiKey: stack.apiKey, maxRetries: 0 });
    await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: HELLO });
    stack.simulators.addFault({ provider: 'openai', status: 400, times: 1 });
    await openai.chat.completions.create({ model: 'gpt-5-mini', messages: HELLO }).catch(() => undefined);
    await openai.chat.completions.create({ model: 'no-such-model', messages: HELLO }).catch(() => undefined);
    await switchyard.accounts.createOrganization('broke');
    const broke = stack.client('/v1', (await switchyard.accounts.createApiKey('broke', 'tests')).secret);
    await broke.chat.completions.create({ model: 'gpt-5-mini', messages: HELLO }).catch(() => undefined);
    await stack.client('/v1', otherKey).chat.completions.create({ model: 'gemini-2.5-flash', messages: HELLO });
    await switchyard.usage.flush();

    const records = await switchyard.store.listUsageRecords({ limit: 1_000 });
    const { rows, pages } = await allPages(stack, '/admin/v1/requests?limit=3');
    assert.ok(pages >= 3, `paged by three (${pages} pages)`);
    assert.equal(rows.length, records.length, 'every request once');
    assert.deepEqual(new Set(rows.map((row) => row.id)), new Set(records.map((record) => record.requestId)));
    assert.deepEqual(
      rows.map((row) => row.created_at),
      [...rows.map((row) => row.created_at)].sort().reverse(),
      'newest first',
    );
    const grok = rows.find((row) => row.model === 'grok-4')!;
    assert.equal(grok.streamed, true);
    assert.equal(grok.surface, 'openai-chat');
    assert.equal(grok.organization, 'acme');
    assert.equal(grok.deployment, 'default');
    assert.ok(grok.input_tokens > 0 && grok.output_tokens > 0 && grok.cost_micros > 0 && grok.latency_ms >= 0 && grok.time_to_first_token_ms !== null, JSON.stringify(grok));
    assert.equal(grok.has_bodies, false);

    // Filters: organization, key, model, status (exact, class, error), time range.
    const acme = (await get(stack, '/admin/v1/requests?organization=acme&limit=500')).body.data;
    assert.equal(acme.length, records.filter((record) => record.organizationId === grok.organization_id).length);
    assert.ok(acme.every((row: any) => row.organization === 'acme'));
    const byKey = (await get(stack, `/admin/v1/requests?key=${grok.key_id}&limit=500`)).body.data;
    assert.equal(byKey.length, records.filter((record) => record.apiKeyId === grok.key_id).length);
    const byModel = (await get(stack, '/admin/v1/requests?model=gpt-5-mini&limit=500')).body.data;
    assert.equal(byModel.length, records.filter((record) => record.model === 'gpt-5-mini').length);
    for (const [status, keep] of [
      ['200', (code: number) => code === 200],
      ['4xx', (code: number) => code >= 400 && code < 500],
      ['error', (code: number) => code >= 400],
      ['402', (code: number) => code === 402],
    ] as const) {
      const filtered = (await get(stack, `/admin/v1/requests?status=${status}&limit=500`)).body.data;
      assert.equal(filtered.length, records.filter((record) => keep(record.status)).length, `status=${status}`);
      assert.ok(filtered.length > 0, `status=${status} matches some`);
    }
    const future = new Date(Date.now() + 60_000).toISOString();
    assert.equal((await get(stack, `/admin/v1/requests?from=${future}`)).body.data.length, 0);
    assert.equal((await get(stack, `/admin/v1/requests?to=${future}&limit=500`)).body.data.length, records.length);

    // Bad filters are a 422 naming the field, never a 500.
    for (const query of ['status=abc', 'limit=0', 'limit=9999', 'cursor=not-a-cursor', 'from=yesterday', 'organization=nobody', 'unknown=1']) {
      const answer = await get(stack, `/admin/v1/requests?${query}`);
      assert.ok(answer.status === 422 || answer.status === 404 || answer.status === 400, `${query}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    assert.equal((await get(stack, '/admin/v1/requests', 'not-the-admin-token')).status, 401);
    assert.equal((await get(stack, '/admin/v1/requests', stack.apiKey)).status, 401, 'a tenant key is not the admin token');

    // The metrics' counters equal the log's counts and the ledger's sums.
    const samples = parseSamples(await (await fetch(`${stack.gateway.url}/metrics`)).text());
    const count = (where: Record<string, string>) => samples.filter((sample) => sample.name === 'switchyard_requests_total' && Object.entries(where).every(([key, value]) => sample.labels[key] === value)).reduce((total, sample) => total + sample.value, 0);
    assert.equal(count({}), rows.length);
    for (const status of new Set(rows.map((row) => row.status))) assert.equal(count({ status: String(status) }), rows.filter((row) => row.status === status).length, `status ${status}`);
    const ledger = await switchyard.store.listLedgerEntries({ limit: 10_000 });
    const logged = rows.reduce((total, row) => total + row.cost_micros, 0);
    const spent = samples.filter((sample) => sample.name === 'switchyard_credits_spent_micros_total').reduce((total, sample) => total + sample.value, 0);
    assert.equal(logged, -ledger.filter((entry) => entry.kind === 'debit').reduce((total, entry) => total + entry.amount, 0), 'log cost == ledger debits');
    assert.equal(spent, logged, 'metrics credits == log cost');

    // The usage series sums to the same numbers, by model and in total.
    const series = (await get(stack, '/admin/v1/usage/series?bucket=minute&group_by=model&from=' + new Date(Date.now() - 3_600_000).toISOString())).body;
    assert.equal(series.bucket, 'minute');
    const total = (field: string) => series.data.reduce((sum: number, point: any) => sum + point[field], 0);
    assert.equal(total('requests'), rows.length);
    assert.equal(total('errors'), rows.filter((row) => row.status >= 400).length);
    assert.equal(total('cost_micros'), logged);
    assert.equal(total('input_tokens'), rows.reduce((sum, row) => sum + (row.input_tokens ?? 0), 0));
    assert.equal(total('output_tokens'), rows.reduce((sum, row) => sum + (row.output_tokens ?? 0), 0));
    assert.equal(series.data.filter((point: any) => point.group === 'grok-4').reduce((sum: number, point: any) => sum + point.requests, 0), 1);
    const byOrganization = (await get(stack, '/admin/v1/usage/series?group_by=organization')).body.data;
    assert.ok(byOrganization.some((point: any) => point.group === 'globex'), 'organizations by name');
    assert.equal((await get(stack, '/admin/v1/usage/series?bucket=minute&from=2020-01-01T00:00:00Z')).status, 422, 'too many buckets');
  });

  test("a tenant reads its own organization's log and series, never another's", async () => {
    const { switchyard } = stack.gateway;
    await switchyard.usage.flush();
    const globexId = (await switchyard.accounts.requireOrganization('globex')).id;
    const acmeId = (await switchyard.accounts.requireOrganization('acme')).id;
    const own = await allPages(stack, '/v1/gateway/usage/?limit=2', otherKey);
    assert.ok(own.rows.length > 0);
    assert.ok(own.rows.every((row) => row.organization_id === globexId && row.organization === 'globex'), 'only globex rows');
    assert.equal(own.rows.length, (await switchyard.store.listUsageRecords({ organizationId: globexId })).length);
    const acmeRows = (await allPages(stack, '/v1/gateway/usage/', stack.apiKey)).rows;
    assert.ok(acmeRows.every((row) => row.organization_id === acmeId));
    assert.ok(!acmeRows.some((row) => own.rows.some((other) => other.id === row.id)));
    // No parameter names another organization; another organization's request is not found.
    assert.equal((await get(stack, '/v1/gateway/usage/?organization=acme', otherKey)).status, 422);
    assert.equal((await get(stack, `/v1/gateway/usage/${acmeRows[0].id}`, otherKey)).status, 404);
    assert.equal((await get(stack, `/v1/gateway/usage/${own.rows[0].id}`, otherKey)).status, 200);
    const series = (await get(stack, '/v1/gateway/usage/series?group_by=organization', otherKey)).body.data;
    assert.ok(series.length > 0 && series.every((point: any) => point.group === 'globex'));
    const keys = (await get(stack, '/v1/gateway/keys/', otherKey)).body.data;
    assert.deepEqual(
      keys.map((key: any) => key.organization),
      ['globex'],
    );
    assert.ok(!JSON.stringify(keys).includes(otherKey), 'never a secret');
    const ledger = (await get(stack, '/v1/gateway/credits/ledger/', otherKey)).body.data;
    assert.ok(ledger.length > 0 && ledger.every((entry: any) => entry.organization_id === globexId));
    assert.equal((await get(stack, '/v1/gateway/usage/', 'sk-not-a-key')).status, 401);
  });

  test('bodies only for an organization that opts in, as sent and answered, and only for its retention', async () => {
    const { switchyard } = stack.gateway;
    const answer = await patch(stack, '/admin/v1/organizations/globex', { request_logging: { bodies: true, retention_days: 2 } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body.request_logging, { bodies: true, retention_days: 2 });
    assert.equal((await patch(stack, '/admin/v1/organizations/globex', { request_logging: { retention_days: 0 } })).status, 422);
    assert.equal((await patch(stack, '/admin/v1/organizations/globex', { request_logging: { bodies: 'yes' } })).status, 422);

    const globex = stack.client('/v1', otherKey);
    const completion = await globex.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Remember the word pelican' }] });
    let streamedText = '';
    for await (const chunk of await globex.chat.completions.create({ model: 'claude-sonnet-4-6', stream: true, messages: [{ role: 'user', content: 'Stream the word heron' }] })) {
      streamedText += chunk.choices[0]?.delta?.content ?? '';
    }
    // A passed-through stream (Claude on the Messages API): the provider's events as relayed.
    const anthropic = new Anthropic({ baseURL: stack.gateway.url, apiKey: otherKey, maxRetries: 0 });
    const message = await anthropic.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'Native heron' }] }).finalMessage();
    await switchyard.usage.flush();
    const nativeRow = (await get(stack, '/admin/v1/requests?organization=globex&limit=1')).body.data[0];
    const nativeDetail = (await get(stack, `/admin/v1/requests/${nativeRow.id}`)).body;
    assert.equal(nativeRow.surface, 'anthropic-messages');
    assert.match(nativeDetail.request_body, /Native heron/);
    assert.match(nativeDetail.response_body, /^event: message_start$/m);
    assert.match(nativeDetail.response_body, /event: message_stop/);
    const relayedText = nativeDetail.response_body
      .split('\n')
      .filter((line: string) => line.startsWith('data: {'))
      .map((line: string) => JSON.parse(line.slice(6)))
      .filter((event: any) => event.type === 'content_block_delta' && event.delta.type === 'text_delta')
      .map((event: any) => event.delta.text)
      .join('');
    assert.equal(relayedText, (message.content[0] as { text: string }).text, 'the answer as relayed');

    await stack.client().chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'acme keeps no bodies' }] });
    await switchyard.usage.flush();

    const rows = (await get(stack, '/admin/v1/requests?organization=globex&limit=3')).body.data;
    const [, streamed, whole] = rows;
    assert.equal(whole.has_bodies, true);
    const wholeDetail = (await get(stack, `/admin/v1/requests/${whole.id}`)).body;
    assert.match(wholeDetail.request_body, /Remember the word pelican/);
    assert.equal(JSON.parse(wholeDetail.response_body).choices[0].message.content, completion.choices[0]!.message.content);
    const streamedDetail = (await get(stack, `/v1/gateway/usage/${streamed.id}`, otherKey)).body;
    assert.match(streamedDetail.request_body, /Stream the word heron/);
    assert.match(streamedDetail.response_body, /^data: /m);
    assert.match(streamedDetail.response_body, /data: \[DONE\]/);
    assert.ok(streamedText.length > 0);
    const rebuilt = streamedDetail.response_body
      .split('\n')
      .filter((line: string) => line.startsWith('data: {'))
      .map((line: string) => JSON.parse(line.slice(6)).choices?.[0]?.delta?.content ?? '')
      .join('');
    assert.equal(rebuilt, streamedText, 'the stream as the client got it');
    const acmeRow = (await get(stack, '/admin/v1/requests?organization=acme&limit=1')).body.data[0];
    assert.equal(acmeRow.has_bodies, false);
    const acmeDetail = (await get(stack, `/admin/v1/requests/${acmeRow.id}`)).body;
    assert.equal(acmeDetail.request_body, null);
    assert.equal(acmeDetail.response_body, null);
    assert.ok(!JSON.stringify(wholeDetail).includes(otherKey) && !JSON.stringify(streamedDetail).includes(otherKey), 'no key in the bodies');

    // Past their retention, the bodies go; the metadata stays.
    const { RequestLogRetention } = await import('../../src/usage/request-log-retention.ts');
    const retention = new RequestLogRetention(switchyard.store, { info: () => undefined, warn: () => undefined }, undefined);
    assert.deepEqual(await retention.sweep(Date.now() + 24 * 3_600_000), { bodies: 0, records: 0 }, 'kept within the two days');
    assert.deepEqual(await retention.sweep(Date.now() + 3 * 24 * 3_600_000), { bodies: 3, records: 0 });
    const expired = (await get(stack, `/admin/v1/requests/${whole.id}`)).body;
    assert.equal(expired.request_body, null);
    assert.equal(expired.has_bodies, false);
    assert.equal(expired.status, 200);

    // The log's own retention (SWITCHYARD_REQUEST_LOG_RETENTION_DAYS) removes whole records, never the ledger.
    const debits = (await switchyard.store.listLedgerEntries({ limit: 10_000 })).length;
    const all = (await switchyard.store.listUsageRecords({ limit: 10_000 })).length;
    const logRetention = new RequestLogRetention(switchyard.store, { info: () => undefined, warn: () => undefined }, 30);
    assert.deepEqual(await logRetention.sweep(Date.now() + 29 * 24 * 3_600_000), { bodies: 0, records: 0 });
    assert.deepEqual(await logRetention.sweep(Date.now() + 31 * 24 * 3_600_000), { bodies: 0, records: all });
    assert.equal((await switchyard.store.listLedgerEntries({ limit: 10_000 })).length, debits);
  });

  test('any query string gets an answer or a 4xx in the envelope, never a 5xx', async () => {
    const value = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', '0', '-1', '99999', '4xx', '9xx', 'error', '2026-11-30', '2026-13-45T99:00:00Z', 'minute', 'day', 'model', 'key', 'x'.repeat(600), '%00', '💥'));
    const query = fc.dictionary(fc.constantFrom('organization', 'key', 'model', 'status', 'from', 'to', 'limit', 'cursor', 'bucket', 'group_by', 'other'), value, { maxKeys: 5 });
    const paths = ['/admin/v1/requests', '/admin/v1/usage/series', '/v1/gateway/usage/', '/v1/gateway/usage/series', '/v1/gateway/credits/ledger'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), query, async (path, params) => {
        const token = path.startsWith('/admin') ? ADMIN_TOKEN : stack.apiKey;
        const response = await fetch(`${stack.gateway.url}${path}?${new URLSearchParams(params)}`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await response.json()) as { error?: { code?: string } };
        assert.ok(response.status < 500, `${path}?${new URLSearchParams(params)}: ${response.status} ${JSON.stringify(body)}`);
        if (response.status >= 400) assert.ok(body.error?.code, 'in the error envelope');
      }),
      { numRuns: 400 },
    );
  });
});

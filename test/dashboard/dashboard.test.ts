import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import Fastify from 'fastify';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { formatMicros } from '../../src/core/format-micros.ts';
import { renderError } from '../../src/server/render-error.ts';
import { registerDashboardRoutes } from '../../src/server/routes/dashboard-routes.ts';
import type { UsageRecord } from '../../src/store/store.ts';
import { startStack, type Stack } from '../support/start-stack.ts';

/**
 * The web dashboard in headless Chromium (Debian's `chromium`, driven by playwright-core), against
 * a gateway and the provider simulators: an operator signs in, creates an organization, tops it
 * up and makes a key; the key sends traffic through the official clients; the usage charts'
 * totals and the request log then show exactly the usage records the store holds (counts, tokens,
 * cost) and what the clients received; the log filters; a key revoked in the page is refused;
 * a tenant signs in with a key and sees its own organization only. Screenshots of each page go
 * to test-results/dashboard/.
 */

const ADMIN_TOKEN = 'admin-token-for-dashboard-tests-0123456789';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/dashboard/', import.meta.url));
const DASHBOARD_BUILD = fileURLToPath(new URL('../../dist/dashboard/index.html', import.meta.url));
const ORGANIZATION = 'dash-org';
const ALLOWED_MODELS = ['gpt-5-mini', 'grok-4', 'claude-sonnet-4-6'];
/** How long a page may take to show what the test waits for. */
const PAGE_WAIT_MS = 15_000;

// In CI a missing browser fails the suite; on a developer's machine without Debian's chromium it is skipped, saying why.
const skip = !existsSync(CHROMIUM) && !process.env.CI ? `${CHROMIUM} is not installed (apt-get install chromium); the dashboard's browser tests need it` : false;

/** The same number as the page shows it (en-US grouping). */
const count = (value: number) => value.toLocaleString('en-US');

/** Waits until the element's text is the expected one, then asserts it (so a mismatch fails with both values). */
async function expectText(locator: Locator, expected: string, message?: string): Promise<void> {
  const deadline = Date.now() + PAGE_WAIT_MS;
  let actual: string | null = null;
  while (Date.now() < deadline) {
    actual = (await locator.textContent({ timeout: PAGE_WAIT_MS }))?.trim() ?? null;
    if (actual === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(actual, expected, message);
}

/** Waits until the locator matches `expected` elements, then asserts the count. */
async function expectCount(locator: Locator, expected: number, message?: string): Promise<void> {
  const deadline = Date.now() + PAGE_WAIT_MS;
  while (Date.now() < deadline && (await locator.count()) !== expected) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(await locator.count(), expected, message);
}

/** Every cell of one column of the request log, in the order shown. */
async function logColumn(page: Page, column: string): Promise<string[]> {
  return (await page.locator(`[data-testid="request-row"] [data-column="${column}"]`).allTextContents()).map((text) => text.trim());
}

async function admin(stack: Stack, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${stack.gateway.url}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

test('without a built dashboard, /dashboard is a 404 that says to build it', async () => {
  const app = Fastify();
  app.setErrorHandler(renderError);
  registerDashboardRoutes(app, fileURLToPath(new URL('./no-such-build/', import.meta.url)));
  for (const path of ['/dashboard', '/dashboard/requests']) {
    const answer = await app.inject({ method: 'GET', url: path });
    assert.equal(answer.statusCode, 404, path);
    const { error } = answer.json() as { error: { code: string; message: string } };
    assert.equal(error.code, 'dashboard_not_built');
    assert.match(error.message, /npm run build/);
  }
  await app.close();
});

describe('web dashboard: static files', { skip: !existsSync(DASHBOARD_BUILD) && !process.env.CI ? 'dist/dashboard is not built (npm run build)' : false }, () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
  });
  after(() => stack.close());

  test('GET /dashboard serves index.html without a key, with a strict CSP, nosniff and no caching; its hashed script and stylesheet are immutable', async () => {
    const page = await fetch(`${stack.gateway.url}/dashboard`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const policy = page.headers.get('content-security-policy') ?? '';
    assert.match(policy, /default-src 'self'/);
    assert.match(policy, /script-src 'self'(;|$)/, 'no inline script, no other origin');
    assert.match(policy, /frame-ancestors 'none'/);
    const html = await page.text();
    assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]/, 'no inline script');
    assert.doesNotMatch(html, /https?:\/\//, 'nothing from another origin (no CDN)');
    const assets = [...html.matchAll(/"\/dashboard\/(app-[A-Z0-9]+\.(js|css))"/g)];
    assert.equal(assets.length, 2, html);
    for (const [, name, extension] of assets) {
      const asset = await fetch(`${stack.gateway.url}/dashboard/${name}`);
      assert.equal(asset.status, 200, name);
      assert.equal(asset.headers.get('content-type'), extension === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8');
      assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(asset.headers.get('x-content-type-options'), 'nosniff');
      assert.ok((await asset.arrayBuffer()).byteLength > 1_000);
    }
  });

  test('GET / redirects to /dashboard; a page path under /dashboard answers index.html; a missing file is a 404 in the envelope', async () => {
    const root = await fetch(`${stack.gateway.url}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/dashboard');
    for (const path of ['/dashboard/', '/dashboard/requests', '/dashboard/organizations/acme']) {
      const page = await fetch(`${stack.gateway.url}${path}`);
      assert.equal(page.status, 200, path);
      assert.match(await page.text(), /<div id="app">/, path);
    }
    for (const path of ['/dashboard/app-AAAAAAAA.js', '/dashboard/../package.json', '/dashboard/%2e%2e%2fpackage.json', '/dashboard/.env']) {
      const missing = await fetch(`${stack.gateway.url}${path}`);
      assert.equal(missing.status, 404, path);
      assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'route_not_found', path);
    }
  });
});

describe('web dashboard in Chromium', { skip }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  let organizationId = '';
  let keySecret = '';
  let keyId = '';
  /** The request ids of the traffic sent with the dashboard's key, and what each client received. */
  const sent = new Map<string, { model: string; status: number; usage?: { input: number; output: number }; prompt?: string }>();
  let records: UsageRecord[] = [];
  let allRecords: UsageRecord[] = [];

  const screenshot = async (name: string) => page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
  const open = async (hash: string) => {
    await page.goto(`${stack.gateway.url}/dashboard#${hash}`);
  };

  before(async () => {
    assert.ok(existsSync(DASHBOARD_BUILD), 'dist/dashboard is built (npm run build, which npm test runs first)');
    mkdirSync(SCREENSHOTS, { recursive: true });
    stack = await startStack({ SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(PAGE_WAIT_MS);
    // A CSP refusal, a script error or a failed asset would show here. The 401s the sign-in and the revoked key draw are expected.
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 401/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test('the operator signs in with the admin token (a wrong one is refused in words)', async () => {
    await open('/');
    await page.getByLabel('Admin token or API key').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), 'Neither the admin token nor a valid API key.');
    await page.getByLabel('Admin token or API key').fill(ADMIN_TOKEN);
    await screenshot('01-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByTestId('signed-in-as'), 'Operator');
    const stored = await page.evaluate(() => sessionStorage.getItem('switchyard.dashboard.session'));
    assert.equal(JSON.parse(stored!).role, 'operator');
  });

  test('creates an organization, tops up its credits, keeps its request bodies; the ledger shows the top-up', async () => {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Organizations' }).click();
    await page.getByLabel('New organization name').fill(ORGANIZATION);
    await page.getByRole('button', { name: 'Create organization' }).click();
    const detail = page.getByTestId('organization-detail');
    await expectText(detail.getByTestId('organization-balance'), '0');

    await detail.getByLabel('Amount (credits)').fill('25');
    await detail.getByLabel('Reason').fill('dashboard test');
    await detail.getByRole('button', { name: 'Add credits' }).click();
    await expectText(detail.getByRole('status'), 'Added 25 credits: the balance is 25.');
    await expectText(detail.getByTestId('organization-balance'), '25');
    await expectText(page.locator(`[data-testid="organization-row"][data-name="${ORGANIZATION}"] [data-column="balance"]`), '25');
    await expectCount(detail.getByTestId('ledger-row'), 1);
    assert.match((await detail.getByTestId('ledger-row').textContent()) ?? '', /top-up\s*25\s*dashboard test/);

    await detail.getByLabel('Keep request and response bodies').check();
    await detail.getByLabel('Retention (days)').fill('7');
    await detail.getByRole('button', { name: 'Save logging' }).click();
    await expectText(detail.getByRole('form', { name: 'Request logging' }).getByRole('status'), 'Request and response bodies are kept for 7 days.');

    const organization = await admin(stack, 'GET', `/organizations/${ORGANIZATION}`);
    organizationId = organization.id;
    assert.equal(organization.balance_micros, 25_000_000);
    assert.deepEqual(organization.request_logging, { bodies: true, retention_days: 7 });
    await screenshot('02-organizations');
  });

  test('creates a key with an allow-list; its secret is shown once; its limits are edited in place', async () => {
    await page.getByTestId('organization-detail').getByRole('link', { name: 'Keys' }).click();
    const form = page.getByRole('form', { name: 'Create key' });
    await form.getByLabel('Name').fill('dash-key');
    await form.getByLabel('Allowed models').fill(ALLOWED_MODELS.join(', '));
    await form.getByRole('button', { name: 'Create key' }).click();
    keySecret = ((await page.getByTestId('new-key-secret').textContent({ timeout: PAGE_WAIT_MS })) ?? '').trim();
    assert.match(keySecret, /^sy_/);
    const row = page.locator('[data-testid="key-row"][data-name="dash-key"]');
    await expectText(row.locator('[data-column="allowed_models"]'), ALLOWED_MODELS.join(', '));
    keyId = (await row.getAttribute('data-key-id'))!;
    await screenshot('03-keys-secret-shown-once');

    await page.getByRole('button', { name: 'I have stored it' }).click();
    assert.ok(!(await page.content()).includes(keySecret), 'the secret is gone from the page');
    await page.reload();
    await expectCount(page.getByTestId('key-row'), 1);
    assert.ok(!(await page.content()).includes(keySecret), 'and is never shown again');

    await page.getByRole('button', { name: 'Edit key dash-key' }).click();
    const editor = page.getByRole('form', { name: 'Edit key dash-key' });
    await editor.getByLabel('Requests per minute').fill('600');
    await editor.getByLabel('Monthly budget (credits)').fill('20');
    await editor.getByRole('button', { name: 'Save key' }).click();
    await expectText(row.locator('[data-column="limits"]'), '600 req/min · 20 credits a month');
    const key = await admin(stack, 'GET', `/keys/${keyId}`);
    assert.equal(key.limits.requests_per_minute, 600);
    assert.equal(key.limits.monthly_budget, '20');
    assert.deepEqual(key.allowed_models, ALLOWED_MODELS);
  });

  test('traffic with the key through the official clients (two models, streams, a refused model, a Messages call) is recorded as sent', async () => {
    const openai = stack.client('/v1', keySecret);
    const chat = async (model: string, prompt: string) => {
      const { data, request_id } = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }] }).withResponse();
      sent.set(request_id!, { model, status: 200, prompt, usage: { input: data.usage!.prompt_tokens, output: data.usage!.completion_tokens } });
    };
    const stream = async (model: string, prompt: string) => {
      const { data, request_id } = await openai.chat.completions.create({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: prompt }] }).withResponse();
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of data) usage = chunk.usage ?? usage;
      assert.ok(usage, `${model}: the stream's usage`);
      sent.set(request_id!, { model, status: 200, prompt, usage: { input: usage.prompt_tokens, output: usage.completion_tokens } });
    };
    await chat('gpt-5-mini', 'Dashboard one');
    await chat('gpt-5-mini', 'Dashboard two');
    await chat('grok-4', 'Dashboard three');
    await stream('grok-4', 'Dashboard four');
    await stream('gpt-5-mini', 'Dashboard five');
    const refused = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Not allowed' }] }).catch((error: unknown) => error);
    assert.ok(refused instanceof OpenAI.PermissionDeniedError, String(refused));
    sent.set(refused.requestID!, { model: 'gemini-2.5-flash', status: 403 });
    const anthropic = new Anthropic({ baseURL: stack.gateway.url, apiKey: keySecret, maxRetries: 0 });
    const { data: message, response } = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 128, messages: [{ role: 'user', content: 'Dashboard six' }] }).withResponse();
    // The Anthropic SDK's own request_id reads Anthropic's `request-id` header; the gateway's id is x-request-id.
    sent.set(response.headers.get('x-request-id')!, { model: 'claude-sonnet-4-6', status: 200, prompt: 'Dashboard six', usage: { input: message.usage.input_tokens, output: message.usage.output_tokens } });
    // Another organization's traffic, which a tenant of dash-org must never see.
    await stack.client().chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'acme traffic' }] });
    await stack.client().chat.completions.create({ model: 'grok-4', messages: [{ role: 'user', content: 'acme traffic' }] });

    await stack.gateway.switchyard.usage.flush();
    allRecords = await stack.gateway.switchyard.store.listUsageRecords({ limit: 10_000 });
    records = allRecords.filter((record) => record.organizationId === organizationId);
    assert.deepEqual(new Set(records.map((record) => record.requestId)), new Set(sent.keys()), 'one usage record per request sent');
    for (const record of records) {
      const request = sent.get(record.requestId)!;
      assert.equal(record.model, request.model);
      assert.equal(record.status, request.status);
      if (request.usage) {
        assert.equal(record.promptTokens, request.usage.input, `${record.model}: input tokens billed == the client's`);
        assert.equal(record.completionTokens, request.usage.output, `${record.model}: output tokens billed == the client's`);
      }
    }
    const debits = (await stack.gateway.switchyard.store.listLedgerEntries({ organizationId, limit: 1_000 })).filter((entry) => entry.kind === 'debit');
    assert.equal(-debits.reduce((sum, entry) => sum + entry.amount, 0), sum(records, (record) => record.cost), "the ledger's debits == the records' cost");
  });

  test("the usage charts' totals equal the usage records: every organization, one organization, and by model", async () => {
    await open('/?range=1h&group_by=model');
    const usage = page.getByTestId('usage');
    await expectText(usage.getByTestId('total-requests'), count(allRecords.length), 'requests, every organization');
    await expectText(usage.getByTestId('total-cost'), formatMicros(sum(allRecords, (record) => record.cost)), 'cost, every organization');

    await page.getByLabel('Organization', { exact: true }).selectOption(ORGANIZATION);
    await expectText(usage.getByTestId('total-requests'), count(records.length), 'requests');
    await expectText(usage.getByTestId('chart-requests-total'), count(records.length));
    await expectText(usage.getByTestId('total-errors'), count(records.filter((record) => record.status >= 400).length), 'errors');
    await expectText(usage.getByTestId('total-input-tokens'), count(sum(records, (record) => record.promptTokens ?? 0)), 'input tokens');
    await expectText(usage.getByTestId('total-output-tokens'), count(sum(records, (record) => record.completionTokens ?? 0)), 'output tokens');
    await expectText(usage.getByTestId('chart-tokens-total'), count(sum(records, (record) => (record.promptTokens ?? 0) + (record.completionTokens ?? 0))), 'tokens');
    await expectText(usage.getByTestId('total-cost'), formatMicros(sum(records, (record) => record.cost)), 'cost');
    await expectText(usage.getByTestId('chart-cost-total'), formatMicros(sum(records, (record) => record.cost)));
    const models = [...new Set(records.map((record) => record.model))];
    await expectCount(usage.getByTestId('usage-group-row'), models.length, 'one row per model');
    for (const model of models) {
      const ofModel = records.filter((record) => record.model === model);
      const row = usage.locator(`[data-testid="usage-group-row"][data-group="${model}"]`);
      await expectText(row.locator('[data-column="requests"]'), count(ofModel.length), `${model}: requests`);
      await expectText(row.locator('[data-column="output_tokens"]'), count(sum(ofModel, (record) => record.completionTokens ?? 0)), `${model}: output tokens`);
      await expectText(row.locator('[data-column="cost"]'), formatMicros(sum(ofModel, (record) => record.cost)), `${model}: cost`);
    }
    // Three charts drawn on canvases, and the live panel of the last hour (every organization).
    await expectCount(usage.locator('canvas'), 3, 'the three usage charts');
    await expectText(page.getByTestId('live-requests'), count(allRecords.length), 'live: requests in the last hour');
    await expectText(page.getByTestId('live-errors'), count(allRecords.filter((record) => record.status >= 400).length), 'live: errors');
    await page.getByTestId('deployment-row').first().waitFor({ timeout: PAGE_WAIT_MS });
    assert.ok((await page.getByTestId('deployment-row').count()) >= 6, "every provider's deployment is listed");
    await screenshot('04-overview-usage');
  });

  test('the request log lists exactly that traffic, filters by model and status, pages with a cursor, and shows a request with its bodies', async () => {
    await open(`/requests?organization=${ORGANIZATION}`);
    const log = page.getByTestId('request-log');
    await expectCount(log.getByTestId('request-row'), records.length);
    const ids = await log.getByTestId('request-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-request-id')));
    const newestFirst = [...records].sort((first, second) => second.createdAt - first.createdAt || second.requestId.localeCompare(first.requestId));
    assert.deepEqual(ids, newestFirst.map((record) => record.requestId), 'every request, newest first');
    assert.deepEqual(await logColumn(page, 'model'), newestFirst.map((record) => record.model));
    assert.deepEqual(await logColumn(page, 'status'), newestFirst.map((record) => String(record.status)));
    assert.deepEqual(await logColumn(page, 'input_tokens'), newestFirst.map((record) => (record.promptTokens === null ? '—' : count(record.promptTokens))));
    assert.deepEqual(await logColumn(page, 'output_tokens'), newestFirst.map((record) => (record.completionTokens === null ? '—' : count(record.completionTokens))));
    assert.deepEqual(await logColumn(page, 'cost'), newestFirst.map((record) => formatMicros(record.cost)));
    assert.deepEqual(await logColumn(page, 'streamed'), newestFirst.map((record) => (record.streamed ? 'yes' : 'no')));

    const filters = page.getByRole('form', { name: 'Filter requests' });
    await filters.getByLabel('Model').fill('grok-4');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expectCount(log.getByTestId('request-row'), records.filter((record) => record.model === 'grok-4').length, 'model grok-4');
    assert.deepEqual(new Set(await logColumn(page, 'model')), new Set(['grok-4']));

    await filters.getByLabel('Model').fill('');
    await filters.getByLabel('Status').selectOption('error');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    const failed = records.filter((record) => record.status >= 400);
    await expectCount(log.getByTestId('request-row'), failed.length, 'failed requests');
    assert.deepEqual(await logColumn(page, 'status'), failed.map((record) => String(record.status)));
    await log.getByTestId('request-row').first().click();
    await expectText(page.getByTestId('request-detail').locator('[data-field="Error code"]'), 'model_not_allowed');

    await filters.getByLabel('Status').selectOption('2xx');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expectCount(log.getByTestId('request-row'), records.length - failed.length, 'requests that succeeded');

    // Three a page: the cursor brings the rest, then there is no more.
    await open(`/requests?organization=${ORGANIZATION}&limit=3`);
    await expectCount(log.getByTestId('request-row'), 3);
    for (let shown = 3; shown < records.length; shown = Math.min(shown + 3, records.length)) {
      await log.getByRole('button', { name: 'Load more' }).click();
      await expectCount(log.getByTestId('request-row'), Math.min(shown + 3, records.length));
    }
    assert.equal(await log.getByRole('button', { name: 'Load more' }).count(), 0);
    assert.deepEqual(
      await log.getByTestId('request-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-request-id'))),
      newestFirst.map((record) => record.requestId),
    );

    // A request's details, with the bodies its organization keeps.
    const [bodiesId, request] = [...sent.entries()].find(([, candidate]) => candidate.prompt === 'Dashboard three')!;
    await log.locator(`[data-request-id="${bodiesId}"]`).click();
    const detail = page.getByTestId('request-detail');
    await expectText(detail.locator('[data-field="Request id"]'), bodiesId);
    await expectText(detail.locator('[data-field="Model"]'), request.model);
    await expectText(detail.locator('[data-field="Output tokens"]'), count(request.usage!.output));
    assert.match((await detail.getByTestId('request-body').textContent({ timeout: PAGE_WAIT_MS })) ?? '', /Dashboard three/);
    assert.match((await detail.getByTestId('response-body').textContent()) ?? '', /\S/);
    await screenshot('05-requests-detail');
  });

  test('a key revoked in the page is refused on its next call (401)', async () => {
    await open(`/keys?organization=${ORGANIZATION}`);
    await page.getByRole('button', { name: 'Revoke key dash-key' }).click();
    await page.getByRole('button', { name: 'Confirm revoke' }).click();
    await expectText(page.locator('[data-testid="key-row"][data-name="dash-key"] [data-column="status"]'), 'revoked');
    await assert.rejects(stack.client('/v1', keySecret).chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.AuthenticationError, String(error));
      return true;
    });
    await screenshot('06-keys-revoked');
  });

  test("a tenant signs in with its key and sees its own organization's usage, requests, keys and credits, read-only, and never another's", async () => {
    const { secret } = await admin(stack, 'POST', `/organizations/${ORGANIZATION}/keys`, { name: 'tenant-key' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('switchyard.dashboard.session')), null, 'sign-out forgets the token');
    await page.getByLabel('Admin token or API key').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByTestId('signed-in-as'), `Tenant · ${ORGANIZATION}`);

    await stack.gateway.switchyard.usage.flush();
    const own = (await stack.gateway.switchyard.store.listUsageRecords({ limit: 10_000 })).filter((record) => record.organizationId === organizationId);
    assert.equal(own.length, records.length, 'the refused call of the revoked key was never a request of the organization');
    await open('/?range=1h&group_by=model');
    const usage = page.getByTestId('usage');
    await expectText(usage.getByTestId('total-requests'), count(own.length));
    await expectText(usage.getByTestId('total-cost'), formatMicros(sum(own, (record) => record.cost)));
    await expectText(page.getByTestId('balance'), formatMicros(25_000_000 - sum(own, (record) => record.cost)));
    await expectText(page.getByTestId('live-requests'), count(own.length), 'live: its own requests only');
    assert.equal(await page.getByTestId('deployment-row').count(), 0, 'no deployments for a tenant');
    await screenshot('07-tenant-overview');

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Requests' }).click();
    const log = page.getByTestId('request-log');
    await expectCount(log.getByTestId('request-row'), own.length);
    const shown = await log.getByTestId('request-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-request-id')));
    assert.deepEqual(new Set(shown), new Set(own.map((record) => record.requestId)));
    const others = allRecords.filter((record) => record.organizationId !== organizationId);
    assert.ok(others.length > 0);
    for (const other of others) assert.ok(!shown.includes(other.requestId), "another organization's request is never shown");
    assert.equal(await page.getByRole('form', { name: 'Filter requests' }).getByLabel('Organization').count(), 0, 'no organization filter');
    await screenshot('08-tenant-requests');

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Keys' }).click();
    await expectCount(page.getByTestId('key-row'), 2);
    assert.equal(await page.getByRole('form', { name: 'Create key' }).count(), 0, 'read-only: no create form');
    assert.equal(await page.getByRole('button', { name: /Revoke|Edit/ }).count(), 0, 'read-only: no revoke or edit');

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Credits' }).click();
    await expectCount(page.getByTestId('ledger-row'), 1 + own.filter((record) => record.cost > 0).length, 'the top-up and one debit per billed request');
    await expectText(page.getByTestId('balance'), formatMicros(25_000_000 - sum(own, (record) => record.cost)));
    await screenshot('09-tenant-credits');
    assert.deepEqual(problems, [], 'no script error, no CSP refusal, no failed asset');
  });
});

function sum<Item>(items: Item[], value: (item: Item) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startStack, type Stack } from '../support/start-stack.ts';

/**
 * The dashboard's Chatbots page in headless Chromium (as dashboard.test.ts drives it): the operator
 * creates a chatbot for an organization and sees it listed, then deletes it; a tenant sees its
 * organization's chatbots read-only.
 */

const ADMIN_TOKEN = 'admin-token-for-chatbot-page-tests-0123456789';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/dashboard/', import.meta.url));
const DASHBOARD_BUILD = fileURLToPath(new URL('../../dist/dashboard/index.html', import.meta.url));
const PAGE_WAIT_MS = 15_000;

const skip = !existsSync(CHROMIUM) && !process.env.CI ? `${CHROMIUM} is not installed (apt-get install chromium); the dashboard's browser tests need it` : false;

async function expectText(locator: Locator, expected: string): Promise<void> {
  const deadline = Date.now() + PAGE_WAIT_MS;
  let actual: string | null = null;
  while (Date.now() < deadline) {
    actual = (await locator.textContent({ timeout: PAGE_WAIT_MS }))?.trim() ?? null;
    if (actual === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(actual, expected);
}

async function expectCount(locator: Locator, expected: number): Promise<void> {
  const deadline = Date.now() + PAGE_WAIT_MS;
  while (Date.now() < deadline && (await locator.count()) !== expected) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(await locator.count(), expected);
}

describe('dashboard: chatbots page in Chromium', { skip }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  const signIn = async (token: string) => {
    await page.goto(`${stack.gateway.url}/dashboard#/`);
    await page.getByLabel('Admin token or API key').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor();
  };

  before(async () => {
    assert.ok(existsSync(DASHBOARD_BUILD), 'dist/dashboard is built (npm run build, which npm test runs first)');
    mkdirSync(SCREENSHOTS, { recursive: true });
    stack = await startStack({ SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
    page.setDefaultTimeout(PAGE_WAIT_MS);
    // The 401s of signing out and in, and the 422 the test provokes, are expected; anything else (a CSP refusal, a script error) is not.
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of (401|422)/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test('the operator creates a chatbot and sees it listed, as the admin API has it; then deletes it', async () => {
    await signIn(ADMIN_TOKEN);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Chatbots' }).click();
    const form = page.getByRole('form', { name: 'Create chatbot' });
    await form.getByLabel('Name').fill('support-bot');
    await form.getByLabel('Model').fill('gpt-5-mini');
    await form.getByLabel('Temperature').fill('0.5');
    await form.getByLabel('Max tokens').fill('400');
    await form.getByLabel('Fallbacks').fill('grok-4, claude-sonnet-4-6');
    await form.getByLabel('System prompt').fill('You answer questions about invoices.');
    await form.getByRole('button', { name: 'Create chatbot' }).click();

    const row = page.locator('[data-testid="chatbot-row"][data-name="support-bot"]');
    await expectText(row.locator('[data-column="model"]'), 'gpt-5-mini');
    await expectText(row.locator('[data-column="fallbacks"]'), 'grok-4, claude-sonnet-4-6');
    await expectText(row.locator('[data-column="parameters"]'), 'temperature 0.5 · max_tokens 400');
    const id = (await row.getAttribute('data-chatbot-id'))!;
    assert.match(await page.getByRole('status').first().textContent() ?? '', new RegExp(`/v1/gateway/chatbots/${id}/chat/completions`));
    const stored = await (await fetch(`${stack.gateway.url}/admin/v1/chatbots/${id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
    assert.deepEqual(
      { organization: stored.organization, model: stored.model, system_prompt: stored.system_prompt, parameters: stored.parameters, fallbacks: stored.fallbacks },
      { organization: 'acme', model: 'gpt-5-mini', system_prompt: 'You answer questions about invoices.', parameters: { temperature: 0.5, max_tokens: 400 }, fallbacks: ['grok-4', 'claude-sonnet-4-6'] },
    );
    await page.screenshot({ path: `${SCREENSHOTS}chatbots-operator.png`, fullPage: true });

    // A refusal reads in the gateway's words.
    await form.getByLabel('Name').fill('broken');
    await form.getByLabel('Model').fill('no-such-model');
    await form.getByRole('button', { name: 'Create chatbot' }).click();
    await expectText(page.getByRole('alert'), "model: Model 'no-such-model' is not in the catalog");

    // Kept for the tenant's view: a second one, deleted in the page.
    await form.getByLabel('Name').fill('short-lived');
    await form.getByLabel('Model').fill('grok-4');
    await form.getByRole('button', { name: 'Create chatbot' }).click();
    await expectCount(page.getByTestId('chatbot-row'), 2);
    await page.getByRole('button', { name: 'Delete chatbot short-lived' }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await expectCount(page.getByTestId('chatbot-row'), 1);
  });

  test("a tenant sees its organization's chatbots, read-only", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(stack.apiKey);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Chatbots' }).click();
    await expectCount(page.getByTestId('chatbot-row'), 1);
    await expectText(page.locator('[data-testid="chatbot-row"] [data-column="model"]'), 'gpt-5-mini');
    assert.equal(await page.getByRole('form', { name: 'Create chatbot' }).count(), 0, 'no create form');
    assert.equal(await page.getByRole('button', { name: /Delete/ }).count(), 0, 'no delete');
    await page.screenshot({ path: `${SCREENSHOTS}chatbots-tenant.png`, fullPage: true });
    assert.deepEqual(problems, []);
  });
});

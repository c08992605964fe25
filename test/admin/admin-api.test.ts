import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startStack, type Stack } from '../support/start-stack.ts';

/**
 * The admin API over HTTP, as an operator's tooling calls it: every route, who may call it, what
 * it refuses, that one organization never sees another's keys, ledger or usage, and that a change
 * made here (a disabled organization, a revoked key, a top-up) holds on the very next request.
 */

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const HELLO: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello' }];

interface Answer {
  status: number;
  body: any;
  text: string;
}

async function call(stack: Stack, method: string, path: string, options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${stack.gateway.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  assert.ok(!text.includes(ADMIN_TOKEN), `the admin token leaked into an answer: ${text}`);
  return { status: response.status, body: text ? JSON.parse(text) : undefined, text };
}

function assertError(answer: Answer, status: number, code: string, message?: RegExp): void {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.body.error.code, code, answer.text);
  if (message) assert.match(answer.body.error.message, message);
}

/** A 422 in the gateway's envelope whose `detail` names the field at fault. */
function assertValidationError(answer: Answer, loc: (string | number)[]): void {
  assertError(answer, 422, 'validation_error');
  assert.ok(
    answer.body.detail.some((issue: { loc: unknown[] }) => JSON.stringify(issue.loc) === JSON.stringify(loc)),
    `expected an issue at ${loc.join('.')}: ${answer.text}`,
  );
}

describe('admin API without SWITCHYARD_ADMIN_TOKEN', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('does not exist: every /admin path is a 404, whatever the credentials', async () => {
    assertError(await call(stack, 'GET', '/admin/v1/organizations'), 404, 'route_not_found');
    assertError(await call(stack, 'GET', '/admin/v1/organizations', { token: stack.apiKey }), 404, 'route_not_found');
    assertError(await call(stack, 'POST', '/admin/v1/organizations', { body: { name: 'x' }, token: null }), 404, 'route_not_found');
  });
});

describe('admin API', () => {
  let stack: Stack;
  let betaKeyId = '';
  let betaSecret = '';

  before(async () => {
    // Gemini off, so the catalog shows a provider that is off.
    stack = await startStack({ SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN, GEMINI_API_KEY: '' });
  });
  after(() => stack.close());

  describe('authentication', () => {
    it('refuses a request without Authorization', async () => {
      assertError(await call(stack, 'GET', '/admin/v1/organizations', { token: null }), 401, 'missing_authorization');
    });

    it('refuses an Authorization header that is not a Bearer token', async () => {
      assertError(await call(stack, 'GET', '/admin/v1/organizations', { token: null, headers: { authorization: `Basic ${ADMIN_TOKEN}` } }), 401, 'missing_bearer_token');
    });

    it('refuses a wrong token, and one that only shares a prefix with the admin token', async () => {
      assertError(await call(stack, 'GET', '/admin/v1/organizations', { token: 'not-the-admin-token-at-all' }), 401, 'invalid_admin_token', /Invalid admin token/);
      assertError(await call(stack, 'GET', '/admin/v1/organizations', { token: ADMIN_TOKEN.slice(0, -1) }), 401, 'invalid_admin_token');
    });

    it('refuses a tenant API key, as Bearer and as x-api-key', async () => {
      assertError(await call(stack, 'GET', '/admin/v1/organizations', { token: stack.apiKey }), 401, 'invalid_admin_token');
      assertError(await call(stack, 'GET', '/admin/v1/organizations', { token: null, headers: { 'x-api-key': stack.apiKey } }), 401, 'missing_authorization');
    });

    it('does not take the admin token as an API key on the model routes', async () => {
      assertError(await call(stack, 'GET', '/v1/models'), 401, 'invalid_api_key', /Invalid API key/);
      await assert.rejects(stack.client('/v1', ADMIN_TOKEN).chat.completions.create({ model: 'gpt-5-mini', messages: HELLO }), (error: unknown) => {
        assert.ok(error instanceof OpenAI.AuthenticationError, String(error));
        return true;
      });
    });

    it('answers 404 for an unknown admin path once authenticated', async () => {
      assertError(await call(stack, 'GET', '/admin/v1/nothing-here'), 404, 'route_not_found');
    });
  });

  describe('organizations', () => {
    it('creates an organization with limits (201) and lists it with a zero balance', async () => {
      const created = await call(stack, 'POST', '/admin/v1/organizations', { body: { name: 'beta', limits: { requests_per_minute: 600 } } });
      assert.equal(created.status, 201, created.text);
      assert.match(created.body.id, /^org_/);
      assert.equal(created.body.name, 'beta');
      assert.equal(created.body.disabled, false);
      assert.deepEqual(created.body.limits, { requests_per_minute: 600, tokens_per_minute: null, concurrent_requests: null });
      assert.equal(created.body.balance, '0');
      assert.equal(created.body.balance_micros, 0);

      const listed = await call(stack, 'GET', '/admin/v1/organizations');
      assert.equal(listed.status, 200);
      assert.equal(listed.body.object, 'list');
      assert.deepEqual(listed.body.data.map((organization: { name: string }) => organization.name).sort(), ['acme', 'beta']);
    });

    it('refuses a name already taken with a 409', async () => {
      assertError(await call(stack, 'POST', '/admin/v1/organizations', { body: { name: 'beta' } }), 409, 'resource_exists', /already exists/);
    });

    it('refuses bad bodies with a 422 naming the field', async () => {
      assertValidationError(await call(stack, 'POST', '/admin/v1/organizations', { body: {} }), ['body', 'name']);
      assertValidationError(await call(stack, 'POST', '/admin/v1/organizations', { body: { name: 'has spaces' } }), ['body', 'name']);
      assertValidationError(await call(stack, 'POST', '/admin/v1/organizations', { body: { name: 'gamma', colour: 'red' } }), ['body', 'colour']);
      assertValidationError(await call(stack, 'POST', '/admin/v1/organizations', { body: { name: 'gamma', limits: { requests_per_minute: 0 } } }), ['body', 'limits', 'requests_per_minute']);
      assertValidationError(await call(stack, 'PATCH', '/admin/v1/organizations/beta', { body: { disabled: 'yes' } }), ['body', 'disabled']);
      assertError(await call(stack, 'PATCH', '/admin/v1/organizations/beta', { body: {} }), 422, 'validation_error');
    });

    it('shows one organization, and 404 for one that does not exist', async () => {
      const shown = await call(stack, 'GET', '/admin/v1/organizations/beta');
      assert.equal(shown.status, 200);
      assert.equal(shown.body.name, 'beta');
      assertError(await call(stack, 'GET', '/admin/v1/organizations/nobody'), 404, 'resource_not_found', /Organization 'nobody' not found/);
      assertError(await call(stack, 'PATCH', '/admin/v1/organizations/nobody', { body: { disabled: true } }), 404, 'resource_not_found');
    });

    it('merges limit changes field by field; null removes a limit', async () => {
      const changed = await call(stack, 'PATCH', '/admin/v1/organizations/beta', { body: { limits: { tokens_per_minute: 100_000, concurrent_requests: 8 } } });
      assert.equal(changed.status, 200, changed.text);
      assert.deepEqual(changed.body.limits, { requests_per_minute: 600, tokens_per_minute: 100_000, concurrent_requests: 8 });
      const removed = await call(stack, 'PATCH', '/admin/v1/organizations/beta', { body: { limits: { requests_per_minute: null } } });
      assert.deepEqual(removed.body.limits, { requests_per_minute: null, tokens_per_minute: 100_000, concurrent_requests: 8 });
    });
  });

  describe('keys', () => {
    it('creates a key with name, expiry, allowed models and limits, showing the secret once', async () => {
      const created = await call(stack, 'POST', '/admin/v1/organizations/beta/keys', {
        body: {
          name: 'backend',
          expires_at: '2099-01-01T00:00:00Z',
          allowed_models: ['gpt-5-mini', 'grok-4'],
          limits: { requests_per_minute: 60, lifetime_budget: '25.5', monthly_budget: 10 },
        },
      });
      assert.equal(created.status, 201, created.text);
      assert.match(created.body.secret, /^sy_[A-Za-z0-9_-]{30,}$/);
      assert.ok(created.body.secret.startsWith(created.body.prefix));
      assert.equal(created.body.organization, 'beta');
      assert.equal(created.body.name, 'backend');
      assert.equal(created.body.status, 'active');
      assert.equal(created.body.expires_at, '2099-01-01T00:00:00.000Z');
      assert.deepEqual(created.body.allowed_models, ['gpt-5-mini', 'grok-4']);
      assert.deepEqual(created.body.limits, {
        requests_per_minute: 60,
        tokens_per_minute: null,
        concurrent_requests: null,
        lifetime_budget: '25.5',
        lifetime_budget_micros: 25_500_000,
        monthly_budget: '10',
        monthly_budget_micros: 10_000_000,
      });
      betaKeyId = created.body.id;
      betaSecret = created.body.secret;
    });

    it('creates a key without any body', async () => {
      const created = await call(stack, 'POST', '/admin/v1/organizations/beta/keys');
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.allowed_models, null);
      assert.equal(created.body.expires_at, null);
    });

    it('lists keys by prefix only: never a secret or a hash', async () => {
      const listed = await call(stack, 'GET', '/admin/v1/organizations/beta/keys');
      assert.equal(listed.status, 200);
      assert.ok(listed.body.data.some((key: { id: string }) => key.id === betaKeyId));
      assert.ok(!listed.text.includes(betaSecret), 'the secret is never listed');
      for (const key of listed.body.data) {
        assert.equal(key.secret, undefined);
        assert.equal(key.hash, undefined);
      }
      const one = await call(stack, 'GET', `/admin/v1/keys/${betaKeyId}`);
      assert.equal(one.status, 200);
      assert.equal(one.body.id, betaKeyId);
      assert.equal(one.body.secret, undefined);
    });

    it("never lists one organization's keys under another", async () => {
      const acme = await call(stack, 'GET', '/admin/v1/organizations/acme/keys');
      assert.ok(acme.body.data.length > 0);
      assert.ok(acme.body.data.every((key: { organization: string }) => key.organization === 'acme'));
      assert.ok(!acme.body.data.some((key: { id: string }) => key.id === betaKeyId), "beta's key is not in acme's listing");
      const beta = await call(stack, 'GET', '/admin/v1/organizations/beta/keys');
      assert.ok(beta.body.data.every((key: { organization: string }) => key.organization === 'beta'));
      assertError(await call(stack, 'GET', '/admin/v1/organizations/nobody/keys'), 404, 'resource_not_found');
    });

    it('refuses bad key settings with a 422 naming the field', async () => {
      const path = '/admin/v1/organizations/beta/keys';
      assertValidationError(await call(stack, 'POST', path, { body: { expires_at: '2001-01-01T00:00:00Z' } }), ['body', 'expires_at']);
      assertValidationError(await call(stack, 'POST', path, { body: { expires_at: 'next week' } }), ['body', 'expires_at']);
      assertValidationError(await call(stack, 'POST', path, { body: { allowed_models: ['no-such-model'] } }), ['body', 'allowed_models']);
      assertValidationError(await call(stack, 'POST', path, { body: { allowed_models: [] } }), ['body', 'allowed_models']);
      assertValidationError(await call(stack, 'POST', path, { body: { limits: { lifetime_budget: '1.0000001' } } }), ['body', 'limits', 'lifetime_budget']);
      assertValidationError(await call(stack, 'POST', path, { body: { limits: { concurrent_requests: 1.5 } } }), ['body', 'limits', 'concurrent_requests']);
      assertValidationError(await call(stack, 'PATCH', `/admin/v1/keys/${betaKeyId}`, { body: { expires: '30d' } }), ['body', 'expires']);
    });

    it('updates a key: limits merge, allowed models and expiry change or clear', async () => {
      const updated = await call(stack, 'PATCH', `/admin/v1/keys/${betaKeyId}`, {
        body: { name: 'backend-2', allowed_models: null, expires_at: null, limits: { tokens_per_minute: 5_000, lifetime_budget: null } },
      });
      assert.equal(updated.status, 200, updated.text);
      assert.equal(updated.body.name, 'backend-2');
      assert.equal(updated.body.allowed_models, null);
      assert.equal(updated.body.expires_at, null);
      assert.equal(updated.body.limits.requests_per_minute, 60);
      assert.equal(updated.body.limits.tokens_per_minute, 5_000);
      assert.equal(updated.body.limits.lifetime_budget, null);
      assert.equal(updated.body.limits.monthly_budget, '10');
      assertError(await call(stack, 'PATCH', '/admin/v1/keys/key_nope', { body: { name: 'x' } }), 404, 'resource_not_found', /API key 'key_nope' not found/);
    });

    it('refuses a key past its expiry with a 401', async () => {
      const created = await call(stack, 'POST', '/admin/v1/organizations/acme/keys', { body: { name: 'short-lived' } });
      assert.equal((await call(stack, 'GET', '/v1/models', { token: created.body.secret })).status, 200);
      // The API refuses an expiry in the past, so the store is told directly, as time passing would.
      const { switchyard } = stack.gateway;
      await switchyard.store.updateApiKey(created.body.id, { expiresAt: new Date(Date.now() - 1_000).toISOString() });
      await switchyard.keyCache.sync();
      assertError(await call(stack, 'GET', '/v1/models', { token: created.body.secret }), 401, 'invalid_api_key');
      assert.equal((await call(stack, 'GET', `/admin/v1/keys/${created.body.id}`)).body.status, 'expired');
    });
  });

  describe('credits and the ledger', () => {
    it('adds credits from a decimal string, exactly, with the reason in the ledger', async () => {
      const added = await call(stack, 'POST', '/admin/v1/organizations/beta/credits', { body: { amount: '12.5', reason: 'invoice 42' } });
      assert.equal(added.status, 201, added.text);
      assert.equal(added.body.entry.kind, 'top_up');
      assert.equal(added.body.entry.amount, '12.5');
      assert.equal(added.body.entry.amount_micros, 12_500_000);
      assert.equal(added.body.entry.reason, 'invoice 42');
      assert.equal(added.body.balance, '12.5');
      assert.equal(added.body.balance_micros, 12_500_000);
    });

    it('adds credits given as a JSON number without floating-point error', async () => {
      const added = await call(stack, 'POST', '/admin/v1/organizations/beta/credits', { body: { amount: 0.1 } });
      assert.equal(added.status, 201, added.text);
      assert.equal(added.body.entry.amount_micros, 100_000);
      const more = await call(stack, 'POST', '/admin/v1/organizations/beta/credits', { body: { amount: '0.2' } });
      assert.equal(more.body.balance, '12.8');
      assert.equal(more.body.balance_micros, 12_800_000);
    });

    it('refuses amounts that are not positive decimals of at most 6 places', async () => {
      const path = '/admin/v1/organizations/beta/credits';
      for (const amount of ['1.0000001', '-5', 'ten', '1e3', '']) {
        assertValidationError(await call(stack, 'POST', path, { body: { amount } }), ['body', 'amount']);
      }
      assertValidationError(await call(stack, 'POST', path, { body: { amount: '0' } }), ['body', 'amount']);
      assertValidationError(await call(stack, 'POST', path, { body: { reason: 'no amount' } }), ['body', 'amount']);
      assertError(await call(stack, 'POST', '/admin/v1/organizations/nobody/credits', { body: { amount: '1' } }), 404, 'resource_not_found');
    });

    it("shows an organization's balance", async () => {
      const shown = await call(stack, 'GET', '/admin/v1/organizations/beta/credits');
      assert.equal(shown.status, 200);
      assert.deepEqual(shown.body, { organization: 'beta', balance: '12.8', balance_micros: 12_800_000 });
      assert.equal((await call(stack, 'GET', '/admin/v1/organizations/beta')).body.balance, '12.8');
    });

    it("lists the ledger newest first, filtered by organization, never with another's entries", async () => {
      const beta = await call(stack, 'GET', '/admin/v1/ledger?organization=beta');
      assert.equal(beta.status, 200, beta.text);
      const betaId = (await call(stack, 'GET', '/admin/v1/organizations/beta')).body.id;
      assert.deepEqual(beta.body.data.map((entry: { amount: string }) => entry.amount).sort(), ['0.1', '0.2', '12.5']);
      const times = beta.body.data.map((entry: { created_at: string }) => entry.created_at);
      assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
      assert.ok(beta.body.data.every((entry: { organization_id: string }) => entry.organization_id === betaId));
      const acmeId = (await call(stack, 'GET', '/admin/v1/organizations/acme')).body.id;
      const acme = await call(stack, 'GET', '/admin/v1/ledger?organization=acme');
      assert.ok(acme.body.data.length > 0);
      assert.ok(acme.body.data.every((entry: { organization_id: string }) => entry.organization_id === acmeId));
      const all = await call(stack, 'GET', '/admin/v1/ledger?limit=2');
      assert.equal(all.body.data.length, 2);
      assertValidationError(await call(stack, 'GET', '/admin/v1/ledger?limit=many'), ['querystring', 'limit']);
      assertValidationError(await call(stack, 'GET', '/admin/v1/ledger?org=beta'), ['querystring', 'org']);
      assertError(await call(stack, 'GET', '/admin/v1/ledger?organization=nobody'), 404, 'resource_not_found');
    });

    it('a top-up reaches the balance requests are admitted against at once', async () => {
      await call(stack, 'POST', '/admin/v1/organizations', { body: { name: 'broke' } });
      const { secret } = (await call(stack, 'POST', '/admin/v1/organizations/broke/keys')).body;
      const client = stack.client('/v1', secret);
      await assert.rejects(client.chat.completions.create({ model: 'gpt-5-mini', messages: HELLO }), (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError && error.status === 402, String(error));
        return true;
      });
      assert.equal((await call(stack, 'POST', '/admin/v1/organizations/broke/credits', { body: { amount: '5' } })).status, 201);
      const answer = await client.chat.completions.create({ model: 'gpt-5-mini', messages: HELLO });
      assert.ok(answer.choices[0].message.content);
    });
  });

  describe('the switch and revocation hold on the next request', () => {
    it("disabling an organization refuses its next request with 403; enabling lets it through again", async () => {
      const client = stack.client('/v1', betaSecret);
      assert.ok((await client.chat.completions.create({ model: 'gpt-5-mini', messages: HELLO })).choices.length > 0);

      const disabled = await call(stack, 'PATCH', '/admin/v1/organizations/beta', { body: { disabled: true } });
      assert.equal(disabled.body.disabled, true);
      assert.match(disabled.body.disabled_at, /^\d{4}-/);
      await assert.rejects(client.chat.completions.create({ model: 'gpt-5-mini', messages: HELLO }), (error: unknown) => {
        assert.ok(error instanceof OpenAI.PermissionDeniedError, String(error));
        assert.match((error as Error).message, /disabled/);
        return true;
      });
      // Other organizations are untouched.
      assert.ok((await stack.client().chat.completions.create({ model: 'gpt-5-mini', messages: HELLO })).choices.length > 0);

      const enabled = await call(stack, 'PATCH', '/admin/v1/organizations/beta', { body: { disabled: false } });
      assert.equal(enabled.body.disabled, false);
      assert.ok((await client.chat.completions.create({ model: 'gpt-5-mini', messages: HELLO })).choices.length > 0);
    });

    it('revoking a key refuses its next request with 401', async () => {
      const { id, secret } = (await call(stack, 'POST', '/admin/v1/organizations/beta/keys', { body: { name: 'to-revoke' } })).body;
      const client = stack.client('/v1', secret);
      assert.ok((await client.chat.completions.create({ model: 'gpt-5-mini', messages: HELLO })).choices.length > 0);
      const revoked = await call(stack, 'POST', `/admin/v1/keys/${id}/revoke`);
      assert.equal(revoked.status, 200, revoked.text);
      assert.equal(revoked.body.status, 'revoked');
      await assert.rejects(client.chat.completions.create({ model: 'gpt-5-mini', messages: HELLO }), (error: unknown) => {
        assert.ok(error instanceof OpenAI.AuthenticationError, String(error));
        return true;
      });
      assertError(await call(stack, 'POST', '/admin/v1/keys/key_nope/revoke'), 404, 'resource_not_found');
    });
  });

  describe('usage', () => {
    let acmeId = '';
    let betaId = '';
    before(async () => {
      acmeId = (await call(stack, 'GET', '/admin/v1/organizations/acme')).body.id;
      betaId = (await call(stack, 'GET', '/admin/v1/organizations/beta')).body.id;
      await stack.client().chat.completions.create({ model: 'grok-4', messages: HELLO });
      await stack.client('/v1', betaSecret).chat.completions.create({ model: 'gpt-5-mini', messages: HELLO });
      await stack.gateway.switchyard.usage.flush();
    });

    it('groups by organization across every organization', async () => {
      const usage = await call(stack, 'GET', '/admin/v1/usage?group_by=organization');
      assert.equal(usage.status, 200, usage.text);
      assert.deepEqual(usage.body.group_by, ['organization']);
      const organizations = usage.body.data.map((row: { organization: string }) => row.organization).sort();
      assert.ok(organizations.includes('acme') && organizations.includes('beta'), usage.text);
      for (const row of usage.body.data) {
        assert.equal(typeof row.cost, 'string');
        assert.equal(typeof row.cost_micros, 'number');
      }
    });

    it("filters by organization: one organization's usage never shows another's keys or models", async () => {
      const beta = await call(stack, 'GET', '/admin/v1/usage?organization=beta&group_by=organization,key,model');
      assert.equal(beta.status, 200, beta.text);
      assert.ok(beta.body.data.length > 0);
      assert.ok(beta.body.data.every((row: { organization_id: string }) => row.organization_id === betaId), beta.text);
      assert.ok(beta.body.data.some((row: { key_id: string }) => row.key_id === betaKeyId));
      assert.ok(!beta.body.data.some((row: { model: string }) => row.model === 'grok-4'), "acme's grok-4 call is not beta's");
      const acme = await call(stack, 'GET', '/admin/v1/usage?organization=acme&group_by=key');
      assert.ok(!acme.body.data.some((row: { key_id: string }) => row.key_id === betaKeyId), "beta's key is not in acme's usage");
      assert.ok(acme.body.data.length > 0 && acmeId !== '');
    });

    it('groups by day and model within a time range, and totals without group_by', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const byDay = await call(stack, 'GET', `/admin/v1/usage?organization=beta&group_by=day,model&from=${today}`);
      assert.ok(byDay.body.data.some((row: { day: string; model: string; requests: number; prompt_tokens: number }) => row.day === today && row.model === 'gpt-5-mini' && row.requests >= 1 && row.prompt_tokens > 0), byDay.text);
      const future = await call(stack, 'GET', '/admin/v1/usage?group_by=day&from=2999-01-01');
      assert.deepEqual(future.body.data, []);
      const totals = await call(stack, 'GET', '/admin/v1/usage?organization=beta');
      assert.equal(totals.body.data.length, 1);
      assert.ok(totals.body.data[0].requests >= 1);
    });

    it('refuses an unknown grouping or a time that is not ISO 8601 with a 422', async () => {
      assertValidationError(await call(stack, 'GET', '/admin/v1/usage?group_by=week'), ['querystring', 'group_by']);
      assertValidationError(await call(stack, 'GET', '/admin/v1/usage?from=yesterday'), ['querystring', 'from']);
      assertValidationError(await call(stack, 'GET', '/admin/v1/usage?to=5'), ['querystring', 'to']);
      assertError(await call(stack, 'GET', '/admin/v1/usage?organization=nobody'), 404, 'resource_not_found');
    });
  });

  describe('the effective catalog', () => {
    it('lists every model with its provider on or off, prices in decimal and micros, capabilities', async () => {
      const models = await call(stack, 'GET', '/admin/v1/models');
      assert.equal(models.status, 200);
      const mini = models.body.data.find((model: { id: string }) => model.id === 'gpt-5-mini');
      assert.equal(mini.provider, 'openai');
      assert.equal(mini.provider_enabled, true);
      assert.equal(typeof mini.pricing.input_per_million, 'string');
      assert.equal(Number.isInteger(mini.pricing.input_per_million_micros), true);
      assert.equal(typeof mini.capabilities.tools, 'boolean');
      const gemini = models.body.data.find((model: { id: string }) => model.id === 'gemini-2.5-flash');
      assert.equal(gemini.provider_enabled, false, 'Gemini has no key in this stack');
      // The tenant list leaves out what the admin list shows as off.
      const tenant = await call(stack, 'GET', '/v1/models', { token: stack.apiKey });
      assert.ok(!tenant.body.data.some((model: { id: string }) => model.id === 'gemini-2.5-flash'));
    });
  });
});

import { useState } from 'preact/hooks';
import { ApiError, callApi } from '../api-client.ts';
import type { Credits } from '../api-types.ts';
import type { Session } from '../session.ts';

/**
 * One field for either credential. The admin token opens the admin API (everything); failing
 * that, an API key opens its organization's read-only view. Both are tried against the gateway,
 * so what the page shows is what the token may really do.
 */
export function SignInPage({ notice, onSignedIn }: { notice: string | null; onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await identify(token.trim()));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form class="panel" aria-label="Sign in" onSubmit={(event) => void submit(event)}>
        <h1>Switchyard</h1>
        <p class="muted">Operators sign in with the admin token (SWITCHYARD_ADMIN_TOKEN); tenants with one of their API keys, to see their own usage, credits and keys.</p>
        {notice && <p role="status" class="notice">{notice}</p>}
        <label>
          Admin token or API key
          <input type="password" value={token} onInput={(event) => setToken(event.currentTarget.value)} required autocomplete="off" spellcheck={false} />
        </label>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error && <p role="alert" class="error-text">{error}</p>}
      </form>
    </main>
  );
}

async function identify(token: string): Promise<Session> {
  try {
    await callApi(token, 'GET', '/admin/v1/organizations');
    return { token, role: 'operator', organization: null };
  } catch (error) {
    // 401: not the admin token; 404: this gateway has no admin API. Either way, maybe an API key.
    if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 404)) throw error;
  }
  try {
    const credits = await callApi<Credits>(token, 'GET', '/v1/gateway/credits/');
    return { token, role: 'tenant', organization: credits.organization };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw new Error('Neither the admin token nor a valid API key.');
    throw error;
  }
}

/** Who is signed in: the operator (the admin token: everything) or a tenant (an API key: its own organization, read-only). */
export interface Session {
  token: string;
  role: 'operator' | 'tenant';
  /** The tenant's organization; null for the operator. */
  organization: string | null;
}

const STORAGE_KEY = 'switchyard.dashboard.session';

/** The session of this tab: sessionStorage, so the token ends with the tab and never reaches another one. */
export const sessionStore = {
  load(): Session | null {
    try {
      const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
      return stored && typeof stored.token === 'string' && (stored.role === 'operator' || stored.role === 'tenant') ? stored : null;
    } catch {
      return null;
    }
  },
  save(session: Session): void {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  },
  clear(): void {
    sessionStorage.removeItem(STORAGE_KEY);
  },
};

import type { Session } from './session.ts';

/**
 * Where the signed-in user reads what the shared pages show: the operator through the admin API
 * (every organization), a tenant through its key's own read-only routes (its organization only).
 */
export function scopedPaths(session: Session) {
  const operator = session.role === 'operator';
  return {
    requests: operator ? '/admin/v1/requests' : '/v1/gateway/usage/',
    /** One request with its bodies (when its organization keeps them). */
    request: (id: string) => (operator ? `/admin/v1/requests/${encodeURIComponent(id)}` : `/v1/gateway/usage/${encodeURIComponent(id)}`),
    series: operator ? '/admin/v1/usage/series' : '/v1/gateway/usage/series',
    chatbots: (organization: string) => (operator ? `/admin/v1/organizations/${encodeURIComponent(organization)}/chatbots` : '/v1/gateway/chatbots/'),
    keys: (organization: string) => (operator ? `/admin/v1/organizations/${encodeURIComponent(organization)}/keys` : '/v1/gateway/keys/'),
    ledger: (organization: string, limit: number) =>
      operator ? `/admin/v1/ledger?${new URLSearchParams({ organization, limit: String(limit) })}` : `/v1/gateway/credits/ledger/?limit=${limit}`,
  };
}

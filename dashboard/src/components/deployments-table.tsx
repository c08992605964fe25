import type { ListOf, Provider } from '../api-types.ts';
import { useDashboard } from '../dashboard-context.ts';
import { formatCount, formatMilliseconds } from '../format.ts';
import { useLoad } from '../use-load.ts';

/** Every deployment of every provider that is on: its circuit breaker, latency and requests in flight (this instance's view), refreshed every 5 s. */
export function DeploymentsTable() {
  const { api } = useDashboard();
  const providers = useLoad(() => api.get<ListOf<Provider>>('/admin/v1/providers'), [], 5_000);
  const rows = (providers.value?.data ?? []).flatMap((provider) => provider.deployments.map((deployment) => ({ provider, deployment })));
  return (
    <section class="panel" aria-labelledby="deployments-heading">
      <header class="panel-header">
        <h2 id="deployments-heading">Deployments</h2>
        {providers.error && <span class="error-text">{providers.error}</span>}
      </header>
      <table class="data" aria-label="Deployments' health">
        <thead>
          <tr>
            <th scope="col">Provider</th>
            <th scope="col">Deployment</th>
            <th scope="col">Base URL</th>
            <th scope="col" class="number">Weight</th>
            <th scope="col">Breaker</th>
            <th scope="col" class="number">Latency (EWMA)</th>
            <th scope="col" class="number">In flight</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ provider, deployment }) => (
            <tr key={`${provider.id}/${deployment.name}`} data-testid="deployment-row">
              <td>{provider.display_name}</td>
              <td class="mono">{deployment.name}</td>
              <td class="mono truncate" title={deployment.base_url}>{deployment.base_url}</td>
              <td class="number">{formatCount(deployment.weight)}</td>
              <td>
                <span class={`badge ${deployment.breaker === 'closed' ? 'ok' : deployment.breaker === 'open' ? 'bad' : 'warn'}`}>{deployment.breaker === 'closed' ? 'healthy (closed)' : deployment.breaker}</span>
              </td>
              <td class="number">{formatMilliseconds(deployment.latency_ewma_ms)}</td>
              <td class="number">{formatCount(deployment.in_flight)}</td>
              <td class="truncate" title={deployment.last_error ?? ''}>{deployment.last_error ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

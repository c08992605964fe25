import type { ListOf, Organization } from './api-types.ts';
import { useDashboard } from './dashboard-context.ts';
import { useLoad, type Loaded } from './use-load.ts';

/** Every organization, for the operator's organization pickers; none for a tenant, who sees its own only. */
export function useOrganizations(): Loaded<Organization[]> {
  const { session, api } = useDashboard();
  return useLoad(async () => (session.role === 'operator' ? (await api.get<ListOf<Organization>>('/admin/v1/organizations')).data : []), [session]);
}

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { ApiError, callApi } from './api-client.ts';
import type { Session } from './session.ts';

/** The API as the signed-in user calls it: their token on every call, and a 401 signs them out. */
export interface SessionApi {
  get<Answer>(path: string): Promise<Answer>;
  post<Answer>(path: string, body?: unknown): Promise<Answer>;
  patch<Answer>(path: string, body: unknown): Promise<Answer>;
  delete<Answer>(path: string): Promise<Answer>;
}

export interface Dashboard {
  session: Session;
  api: SessionApi;
}

export const DashboardContext = createContext<Dashboard | null>(null);

export function createSessionApi(session: Session, onRefused: (error: ApiError) => void): SessionApi {
  const call = async <Answer>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => {
    try {
      return await callApi<Answer>(session.token, method, path, body);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) onRefused(error);
      throw error;
    }
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
    patch: (path, body) => call('PATCH', path, body),
    delete: (path) => call('DELETE', path),
  };
}

/** The signed-in session and its API, inside the signed-in part of the app. */
export function useDashboard(): Dashboard {
  const dashboard = useContext(DashboardContext);
  if (!dashboard) throw new Error('useDashboard outside a signed-in dashboard');
  return dashboard;
}

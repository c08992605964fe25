import { userInfo } from 'node:os';

/**
 * The URL as pg should get it: like libpq, a URL without a user name connects as the
 * operating-system user (pg would take $USER, which containers and CI often leave unset).
 */
export function postgresConnectionString(url: string): string {
  const parsed = new URL(url);
  if (parsed.username || !parsed.hostname) return url;
  parsed.username = userInfo().username;
  return parsed.toString();
}

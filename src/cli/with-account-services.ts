import pino from 'pino';
import { openAccountServices, type AccountServices } from '../account-services.ts';
import { loadConfig } from '../config/load-config.ts';
import { PROVIDER_DESCRIPTORS } from '../providers/provider-descriptors.ts';

/**
 * Runs a one-shot CLI command against the same account services and store the server uses;
 * only those are loaded (no adapters, HTTP client or pipeline).
 */
export async function withAccountServices(options: { config?: string }, command: (services: AccountServices) => Promise<void>): Promise<void> {
  const config = loadConfig({ environment: process.env, configFile: options.config, providers: PROVIDER_DESCRIPTORS });
  const services = await openAccountServices(config, pino({ level: 'warn' }, pino.destination(2)));
  try {
    await command(services);
  } finally {
    await services.close();
  }
}

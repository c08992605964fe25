import type { AccountServices } from '../account-services.ts';

/**
 * Runs a one-shot CLI command against the same account services and store the server uses. Only
 * those are loaded (no adapters, HTTP client or pipeline), and only when a command runs: `--help`
 * and a mistyped option load neither the store nor the configuration.
 */
export async function withAccountServices(options: { config?: string }, command: (services: AccountServices) => Promise<void>): Promise<void> {
  const [{ default: pino }, { loadConfig }, { PROVIDER_DESCRIPTORS }, { openAccountServices }] = await Promise.all([
    import('pino'),
    import('../config/load-config.ts'),
    import('../providers/provider-descriptors.ts'),
    import('../account-services.ts'),
  ]);
  const config = loadConfig({ environment: process.env, configFile: options.config, providers: PROVIDER_DESCRIPTORS });
  const services = await openAccountServices(config, pino({ level: 'warn' }, pino.destination(2)));
  try {
    await command(services);
  } finally {
    await services.close();
  }
}

import pino from 'pino';
import { loadConfig } from '../config/load-config.ts';
import { PROVIDER_DESCRIPTORS } from '../providers/provider-registry.ts';
import { createSwitchyard, type Switchyard } from '../switchyard.ts';

/** Runs a one-shot CLI command against the same service layer and store the server uses. */
export async function withSwitchyard(options: { config?: string }, command: (switchyard: Switchyard) => Promise<void>): Promise<void> {
  const config = loadConfig({ environment: process.env, configFile: options.config, providers: PROVIDER_DESCRIPTORS });
  const switchyard = await createSwitchyard(config, { logger: pino({ level: 'warn' }, pino.destination(2)) });
  try {
    await command(switchyard);
  } finally {
    await switchyard.close();
  }
}

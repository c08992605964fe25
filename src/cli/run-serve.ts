import { loadConfig } from '../config/load-config.ts';
import { PROVIDER_DESCRIPTORS } from '../providers/provider-descriptors.ts';
import { startGateway, type RunningGateway } from '../server/start-gateway.ts';

export async function runServe(options: { config?: string }): Promise<void> {
  const config = loadConfig({ environment: process.env, configFile: options.config, providers: PROVIDER_DESCRIPTORS });
  const gateway = await startGateway(config);
  describeAdminApi(gateway);
  describeProviders(gateway);
  closeOnSignals(gateway);
}

/** Says at start whether the admin API is on; it is off, with a warning, until SWITCHYARD_ADMIN_TOKEN is set. The token is never logged. */
export function describeAdminApi(gateway: RunningGateway): void {
  const { logger, config } = gateway.switchyard;
  if (config.adminToken) logger.info({ url: `${gateway.url}/admin/v1` }, 'admin API is on');
  else logger.warn('admin API is off: set SWITCHYARD_ADMIN_TOKEN to turn it on (the /admin routes answer 404)');
}

/** Says at start which providers are on, and how to turn the others on. */
export function describeProviders(gateway: RunningGateway): void {
  const { switchyard } = gateway;
  for (const descriptor of PROVIDER_DESCRIPTORS) {
    const settings = switchyard.config.providers[descriptor.id];
    if (switchyard.adapters.has(descriptor.id)) {
      // Which deployments, and where they came from: YAML deployments replace the environment's one.
      const deployments = settings.deployments.filter((deployment) => deployment.apiKey).map((deployment) => ({ name: deployment.name, baseUrl: deployment.baseUrl, weight: deployment.weight }));
      switchyard.logger.info({ provider: descriptor.id, baseUrl: settings.baseUrl, deployments, source: settings.deploymentsSource }, `provider ${descriptor.displayName} is on`);
    } else {
      switchyard.logger.warn({ provider: descriptor.id }, `provider ${descriptor.displayName} is off: set ${descriptor.apiKeyEnv[0]} to turn it on`);
    }
  }
  switchyard.logger.info({ url: gateway.url, models: switchyard.chat.availableModels().length }, 'switchyard is listening');
}

/** SIGTERM and SIGINT stop the gateway gracefully: requests in flight finish and usage is flushed. */
export function closeOnSignals(gateway: RunningGateway, extra?: () => Promise<void>): void {
  const shutdown = async (signal: string) => {
    gateway.switchyard.logger.info({ signal }, 'shutting down');
    await gateway.close();
    await extra?.();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { loadConfig } from '../config/load-config.ts';
import { ConfigError } from '../core/config-error.ts';
import { SECRET_SAFE_LOG_OPTIONS } from '../core/secret-safe-log-options.ts';
import { PROVIDER_DESCRIPTORS } from '../providers/provider-descriptors.ts';
import { servedDeployments } from '../providers/provider-registry.ts';
import type { RunningGateway } from '../server/start-gateway.ts';

/**
 * `serve`: one process, or with `--workers N` (SWITCHYARD_WORKERS) a primary and N workers on one
 * port (server/serve-cluster.ts); each worker runs this same function and serves like a single
 * instance, its shared state in Redis or the primary.
 */
export async function runServe(options: { config?: string; workers?: string }): Promise<void> {
  const config = loadConfig({ environment: process.env, configFile: options.config, providers: PROVIDER_DESCRIPTORS });
  const clusterWorker = cluster.isWorker && process.env.SWITCHYARD_CLUSTER_WORKER === '1';
  const workers = clusterWorker ? 1 : readWorkers(options.workers ?? process.env.SWITCHYARD_WORKERS);
  if (workers > 1) {
    const pino = (await import('pino')).default;
    const logger = pino({ level: config.logLevel, ...SECRET_SAFE_LOG_OPTIONS });
    await (await import('../server/serve-cluster.ts')).serveCluster(config, workers, logger);
    return;
  }
  // Loaded here, not at the top: the primary of --workers serves nothing and needs none of it.
  const { startGateway } = await import('../server/start-gateway.ts');
  const gateway = await startGateway(config, { clusterWorker });
  describeAdminApi(gateway);
  describeProviders(gateway);
  closeOnSignals(gateway);
  // A worker whose primary is gone (killed) finishes its requests, flushes what it can and ends.
  if (clusterWorker) process.once('disconnect', () => void gateway.close().finally(() => process.exit(0)));
}

/** `--workers N`: a whole number from 1 up; `auto`, and the default, is one per core of the machine. */
function readWorkers(value: string | undefined): number {
  if (value === undefined || value === '' || value === 'auto') return availableParallelism();
  const workers = Number(value);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new ConfigError('--workers (SWITCHYARD_WORKERS)', `must be a whole number from 1 to 256, or auto; got ${value}`);
  return workers;
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
  for (const [id, settings] of Object.entries(switchyard.config.providers)) {
    const adapter = switchyard.adapters.get(id);
    if (adapter) {
      // Which deployments, and where they came from: YAML deployments replace the environment's one.
      const deployments = servedDeployments(settings).map((deployment) => ({ name: deployment.name, baseUrl: deployment.baseUrl, weight: deployment.weight }));
      const type = settings.custom?.type;
      switchyard.logger.info({ provider: id, ...(type && { type }), baseUrl: settings.baseUrl, deployments, source: settings.deploymentsSource }, `provider ${adapter.descriptor.displayName} is on`);
    } else {
      const descriptor = PROVIDER_DESCRIPTORS.find((candidate) => candidate.id === id);
      const how = descriptor ? `set ${descriptor.apiKeyEnv[0]} to turn it on` : 'give its deployments an apiKey';
      switchyard.logger.warn({ provider: id }, `provider ${descriptor?.displayName ?? id} is off: ${how}`);
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

import pino from 'pino';
import { startGateway, type RunningGateway } from '../../src/server/start-gateway.ts';
import type { Stack } from './start-stack.ts';

/** A second gateway instance beside a stack's: the same configuration, store and Redis, its own port and memory. */
export function startPeerGateway(stack: Stack): Promise<RunningGateway> {
  return startGateway({ ...stack.gateway.switchyard.config, port: 0 }, { logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
}

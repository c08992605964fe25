import type { FastifyReply } from 'fastify';
import type { Adjustment } from '../providers/provider-adapter.ts';

/** Every parameter the gateway changed is reported, never applied silently. */
export function setAdjustmentsHeader(reply: FastifyReply, adjustments: Adjustment[]): void {
  if (adjustments.length === 0) return;
  reply.header('x-switchyard-adjustments', adjustments.map((adjustment) => `${adjustment.parameter} ${adjustment.action}: ${adjustment.reason}`).join('; '));
}

/** Takes the response over from Fastify and commits the headers of an SSE stream (with those already set, x-request-id included). */
export function writeStreamHead(reply: FastifyReply, extraHeaders: Record<string, string> = {}): void {
  reply.hijack();
  reply.raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...extraHeaders,
  });
}

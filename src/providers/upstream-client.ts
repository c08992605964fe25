import { Agent, errors, request, type Dispatcher } from 'undici';
import { GATEWAY_ERRORS } from '../core/gateway-error.ts';

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

/**
 * The one HTTP client every adapter sends through: a pooled undici Agent (keep-alive connections
 * per provider origin), with timeouts, and transport failures turned into GatewayErrors.
 */
export class UpstreamClient {
  private readonly agent: Agent;

  constructor(options: { timeoutMs: number; connectionsPerOrigin?: number }) {
    this.agent = new Agent({
      connections: options.connectionsPerOrigin ?? 256,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  post(provider: string, url: string, init: { headers: Record<string, string>; body: string; signal: AbortSignal }): Promise<UpstreamResponse> {
    return this.send(provider, url, { method: 'POST', ...init });
  }

  async send(
    provider: string,
    url: string,
    init: { method: 'GET' | 'POST' | 'DELETE'; headers: Record<string, string>; body?: string; signal: AbortSignal },
  ): Promise<UpstreamResponse> {
    try {
      const response = await request(url, {
        method: init.method,
        headers: init.headers,
        body: init.body,
        signal: init.signal,
        dispatcher: this.agent,
      });
      return { status: response.statusCode, headers: response.headers, body: response.body };
    } catch (error) {
      throw toGatewayTransportError(provider, error, init.signal);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** Transport failures become retryable gateway errors; a cancelled request stays an abort. */
export function toGatewayTransportError(provider: string, error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return error;
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError) {
    return GATEWAY_ERRORS.upstreamTimeout(provider);
  }
  const code = (error as { code?: string }).code ?? (error as Error).name;
  return GATEWAY_ERRORS.upstreamUnavailable(provider, String(code));
}

/**
 * The body of a provider's answer as text, up to `limit` bytes (error bodies are read with a limit,
 * so a huge one cannot fill memory); a body that breaks off is a transport error.
 */
export async function readUpstreamText(provider: string, response: UpstreamResponse, signal: AbortSignal, limit = Number.POSITIVE_INFINITY): Promise<string> {
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        response.body.on('error', () => undefined);
        response.body.destroy();
        break;
      }
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    throw toGatewayTransportError(provider, error, signal);
  }
}

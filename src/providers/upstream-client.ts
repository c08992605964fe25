import { Agent, errors, request, type Dispatcher } from 'undici';
import type { DeploymentTimeouts } from '../config/load-config.ts';
import { GATEWAY_ERRORS, GatewayError } from '../core/gateway-error.ts';

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  /** The largest answer (and the largest single stream event) the gateway reads from a provider. */
  maxBytes: number;
  /** The provider deployment that answered (set by the balancing adapter). */
  deployment?: string;
}

/**
 * The one HTTP client every adapter sends through: a pooled undici Agent (keep-alive connections
 * per provider origin), with timeouts, and transport failures turned into GatewayErrors.
 */
export class UpstreamClient {
  private readonly agent: Agent;
  /** Pools of deployments with their own connect timeout (an undici Agent's), one per timeout; shared by the views. */
  private readonly agentsByConnectTimeout: Map<number, Agent>;
  private readonly agentOptions: ConstructorParameters<typeof Agent>[0] & object;
  private readonly maxResponseBytes: number;
  /** A deployment's own timeouts (a view made by `withTimeouts`), then a model's over them; the Agent's otherwise. */
  private requestTimeouts: DeploymentTimeouts | undefined;

  constructor(options: { connectMs: number; firstByteMs: number; idleMs: number; maxResponseBytes: number; connectionsPerOrigin?: number }) {
    this.maxResponseBytes = options.maxResponseBytes;
    this.agentOptions = {
      connections: options.connectionsPerOrigin ?? 256,
      keepAliveTimeout: 30_000,
      connect: { timeout: options.connectMs },
      headersTimeout: options.firstByteMs,
      bodyTimeout: options.idleMs,
    };
    this.agent = new Agent(this.agentOptions);
    this.agentsByConnectTimeout = new Map([[options.connectMs, this.agent]]);
  }

  /**
   * This client, its calls bounded by other timeouts (a deployment's, then a model's over them, field
   * by field); the pooled connections are shared (a connect timeout of its own is a pool of its own).
   */
  withTimeouts(timeouts: DeploymentTimeouts | undefined): UpstreamClient {
    if (!timeouts || (timeouts.connectMs === undefined && timeouts.firstByteMs === undefined && timeouts.idleMs === undefined)) return this;
    const view = Object.create(this) as UpstreamClient;
    view.requestTimeouts = { ...this.requestTimeouts, ...definedOnly(timeouts) };
    return view;
  }

  private dispatcher(): Agent {
    const connectMs = this.requestTimeouts?.connectMs;
    if (connectMs === undefined) return this.agent;
    let agent = this.agentsByConnectTimeout.get(connectMs);
    if (!agent) {
      agent = new Agent({ ...this.agentOptions, connect: { timeout: connectMs } });
      this.agentsByConnectTimeout.set(connectMs, agent);
    }
    return agent;
  }

  post(provider: string, url: string, init: { headers: Record<string, string>; body: string; signal: AbortSignal }): Promise<UpstreamResponse> {
    return this.send(provider, url, { method: 'POST', ...init });
  }

  async send(
    provider: string,
    url: string,
    init: { method: 'GET' | 'POST' | 'DELETE'; headers: Record<string, string>; body?: string | Uint8Array; signal: AbortSignal },
  ): Promise<UpstreamResponse> {
    try {
      const response = await request(url, {
        method: init.method,
        headers: init.headers,
        body: init.body,
        signal: init.signal,
        dispatcher: this.dispatcher(),
        ...(this.requestTimeouts?.firstByteMs !== undefined && { headersTimeout: this.requestTimeouts.firstByteMs }),
        ...(this.requestTimeouts?.idleMs !== undefined && { bodyTimeout: this.requestTimeouts.idleMs }),
      });
      return { status: response.statusCode, headers: response.headers, body: response.body, maxBytes: this.maxResponseBytes };
    } catch (error) {
      throw toGatewayTransportError(provider, error, init.signal);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.agentsByConnectTimeout.values()].map((agent) => agent.close()));
  }
}

function definedOnly(timeouts: DeploymentTimeouts): DeploymentTimeouts {
  return Object.fromEntries(Object.entries(timeouts).filter(([name, value]) => value !== undefined && name !== 'totalMs')) as DeploymentTimeouts;
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
 * The body of a provider's answer as text. A whole answer larger than `response.maxBytes` is a
 * 502 (`upstream_response_too_large`), refused by its Content-Length before a byte is read, or cut
 * as soon as it passes the limit: it is never held in memory whole. With `truncateAt`, the body is
 * read up to that many bytes and the rest dropped (error bodies: their start is all that is shown).
 * A body that breaks off is a transport error.
 */
export async function readUpstreamText(provider: string, response: UpstreamResponse, signal: AbortSignal, truncateAt?: number): Promise<string> {
  const limit = truncateAt ?? response.maxBytes;
  const declared = Number(response.headers['content-length']);
  if (truncateAt === undefined && Number.isFinite(declared) && declared > limit) {
    discard(response);
    throw GATEWAY_ERRORS.upstreamResponseTooLarge(provider, limit);
  }
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size < limit) continue;
      discard(response);
      if (truncateAt === undefined && size > limit) throw GATEWAY_ERRORS.upstreamResponseTooLarge(provider, limit);
      break;
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw toGatewayTransportError(provider, error, signal);
  }
}

/** Drops an answer's body: destroyed, and its abort error (undici's, for a body left unread) swallowed. */
export function discard(response: UpstreamResponse): void {
  response.body.on('error', () => undefined);
  response.body.destroy();
}

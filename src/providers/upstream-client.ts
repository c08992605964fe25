import { finished } from 'node:stream';
import { Agent, errors, type Dispatcher } from 'undici';
import type { DeploymentTimeouts } from '../config/load-config.ts';
import { GATEWAY_ERRORS } from '../core/gateway-error.ts';

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  /** The largest answer (and the largest single stream event) the gateway reads from a provider. */
  maxBytes: number;
  /** The provider deployment that answered (set by the balancing adapter). */
  deployment?: string;
}

/** The most upstream URLs whose parsed origin and path are kept. */
const MAX_REMEMBERED_URLS = 1_000;

interface UpstreamTarget {
  origin: string;
  path: string;
}

/**
 * The one HTTP client every adapter sends through: a pooled undici Agent (keep-alive connections
 * per provider origin), with timeouts, and transport failures turned into GatewayErrors.
 */
export class UpstreamClient {
  private readonly agent: Agent;
  /** Parsed upstream URLs, shared with the views `withTimeouts` makes. */
  private readonly targets = new Map<string, UpstreamTarget>();
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
      const { origin, path } = this.targetOf(url);
      // The Agent's own `request`, given one literal: undici's top-level `request(url, …)` parses the URL
      // each time and spreads the options into a new object with keys they lacked, which V8 keeps
      // through young collections (ARCHITECTURE.md, "per-request objects dying young").
      const response = await this.dispatcher().request({
        origin,
        path,
        method: init.method,
        headers: init.headers,
        body: init.body,
        signal: init.signal,
        // undefined: the Agent's own timeouts.
        headersTimeout: this.requestTimeouts?.firstByteMs,
        bodyTimeout: this.requestTimeouts?.idleMs,
      });
      return { status: response.statusCode, headers: response.headers, body: response.body, maxBytes: this.maxResponseBytes };
    } catch (error) {
      throw toGatewayTransportError(provider, error, init.signal);
    }
  }

  /** A URL's origin (the pool it goes to) and path with query, parsed once per URL: the same few are sent to again and again. */
  private targetOf(url: string): UpstreamTarget {
    let target = this.targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new errors.InvalidArgumentError(`an upstream URL must be http or https, not ${parsed.protocol}`);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      // URLs that name an object (a stored response, a file) are many: the memo is bounded, and starts over when full.
      if (this.targets.size >= MAX_REMEMBERED_URLS) this.targets.clear();
      this.targets.set(url, target);
    }
    return target;
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
export function readUpstreamText(provider: string, response: UpstreamResponse, signal: AbortSignal, truncateAt?: number): Promise<string> {
  const limit = truncateAt ?? response.maxBytes;
  const declared = Number(response.headers['content-length']);
  if (truncateAt === undefined && Number.isFinite(declared) && declared > limit) {
    discard(response);
    return Promise.reject(GATEWAY_ERRORS.upstreamResponseTooLarge(provider, limit));
  }
  // Read with 'data' and Node's own `finished` (end, error, a close before the end, a body already
  // over), not `for await`: an async iterator per answer cost ~1.5 % of a request's CPU.
  return new Promise<string>((resolve, reject) => {
    const body = response.body;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: unknown, text?: string) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      if (error === undefined) resolve(text!);
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size < limit) return;
      discard(response);
      if (truncateAt === undefined && size > limit) settle(GATEWAY_ERRORS.upstreamResponseTooLarge(provider, limit));
      else settle(undefined, Buffer.concat(chunks).toString('utf8'));
    };
    // Its listeners stay: an error after the text was taken is the body's end, not the process's.
    finished(body, { writable: false }, (error) => (error ? settle(toGatewayTransportError(provider, error, signal)) : settle(undefined, Buffer.concat(chunks).toString('utf8'))));
    body.on('data', onData);
  });
}

/** Drops an answer's body: destroyed, and its abort error (undici's, for a body left unread) swallowed. */
export function discard(response: UpstreamResponse): void {
  response.body.on('error', () => undefined);
  response.body.destroy();
}

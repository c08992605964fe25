import { lookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, request } from 'undici';
import { GatewayError } from '../../core/gateway-error.ts';

export interface RemoteImageOptions {
  /** Fetch from loopback, private and link-local addresses too (tests, trusted networks). */
  allowPrivateAddresses: boolean;
  maxBytes: number;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface RemoteImage {
  mimeType: string;
  data: Buffer;
}

const MAXIMUM_REDIRECTS = 3;

/**
 * Addresses a URL from a client must never make the gateway reach: loopback, private, carrier-grade
 * NAT, link-local (cloud metadata at 169.254.169.254), multicast and reserved ranges.
 * @see https://www.iana.org/assignments/iana-ipv4-special-registry/
 * @see https://www.iana.org/assignments/iana-ipv6-special-registry/
 */
const REFUSED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) REFUSED.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b:1::', 48], ['100::', 64],
] as const) REFUSED.addSubnet(network, prefix, 'ipv6');

/**
 * Fetches an image a client gave by URL, for providers that take only inline bytes. The host is
 * resolved first and every address checked; the connection then goes to those checked addresses
 * only (no second lookup a DNS rebinding could answer differently). Redirects are followed by hand,
 * each hop checked again. A size limit, a timeout, and an `image/*` content type are enforced; every
 * refusal is a 400 that says why.
 */
export async function fetchRemoteImage(url: string, options: RemoteImageOptions): Promise<RemoteImage> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  let current = parseImageUrl(url);
  for (let hop = 0; hop <= MAXIMUM_REDIRECTS; hop += 1) {
    const addresses = await resolveAllowed(current, options.allowPrivateAddresses);
    const agent = new Agent({
      connect: {
        // Connect only to the addresses checked above.
        lookup: (_hostname, lookupOptions, callback) => {
          if ((lookupOptions as { all?: boolean }).all) callback(null, addresses);
          else callback(null, addresses[0]!.address, addresses[0]!.family);
        },
      },
    });
    try {
      const response = await request(current, { method: 'GET', dispatcher: agent, signal, headers: { 'user-agent': 'switchyard', accept: 'image/*' } }).catch((error: unknown) => {
        throw imageError(url, signal.aborted && !options.signal.aborted ? `no answer within ${options.timeoutMs} ms` : `could not be fetched (${(error as { code?: string }).code ?? (error as Error).message})`);
      });
      if (response.statusCode >= 300 && response.statusCode < 400 && typeof response.headers.location === 'string') {
        await response.body.dump();
        current = parseImageUrl(new URL(response.headers.location, current).toString());
        continue;
      }
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw imageError(url, `answered HTTP ${response.statusCode}`);
      }
      const mimeType = String(response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!mimeType.startsWith('image/')) {
        await response.body.dump();
        throw imageError(url, `is not an image (content type '${mimeType || 'none'}')`);
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        // Destroying an undici body emits an abort error; nothing waits for it.
        response.body.on('error', () => {});
        response.body.destroy();
        throw imageError(url, `is larger than the gateway's limit of ${options.maxBytes} bytes`);
      }
      return { mimeType, data: await readLimited(response.body, url, options, signal) };
    } finally {
      void agent.destroy();
    }
  }
  throw imageError(url, `redirects more than ${MAXIMUM_REDIRECTS} times`);
}

async function readLimited(body: AsyncIterable<Buffer>, url: string, options: RemoteImageOptions, signal: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.length;
      if (size > options.maxBytes) throw imageError(url, `is larger than the gateway's limit of ${options.maxBytes} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw imageError(url, signal.aborted && !options.signal.aborted ? `no answer within ${options.timeoutMs} ms` : 'broke off while downloading');
  }
  return Buffer.concat(chunks);
}

function parseImageUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw imageError(url, 'is not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw imageError(url, 'must be http(s) or a data: URL');
  if (parsed.username || parsed.password) throw imageError(url, 'must not carry credentials');
  return parsed;
}

/** Every address the host resolves to must be public, or the URL is refused. */
async function resolveAllowed(url: URL, allowPrivateAddresses: boolean): Promise<LookupAddress[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: LookupAddress[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (error) {
      throw imageError(url.toString(), `host '${host}' could not be resolved (${(error as { code?: string }).code ?? 'error'})`);
    }
  }
  if (addresses.length === 0) throw imageError(url.toString(), `host '${host}' has no address`);
  if (!allowPrivateAddresses) {
    const refused = addresses.find((address) => isRefusedAddress(address.address));
    if (refused) throw imageError(url.toString(), `resolves to ${refused.address}, a private, loopback or link-local address the gateway does not fetch from`);
  }
  return addresses;
}

/**
 * Whether the gateway refuses to connect to `address`. IPv6 addresses that carry an IPv4 address
 * are judged by that IPv4 address: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d),
 * NAT64 (64:ff9b::/96) and 6to4 (2002::/16) — whatever spelling the URL parser normalised them to.
 * @see https://www.rfc-editor.org/rfc/rfc6052 (NAT64), https://www.rfc-editor.org/rfc/rfc3056 (6to4)
 */
export function isRefusedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return REFUSED.check(address, 'ipv4');
  if (family !== 6) return true;
  const groups = expandIpv6(address);
  if (!groups) return true;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  const embedded =
    zeros(0, 5) && (groups[5] === 0xffff || (groups[5] === 0 && (groups[6] !== 0 || groups[7]! > 1)))
      ? [groups[6]!, groups[7]!]
      : groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)
        ? [groups[6]!, groups[7]!]
        : groups[0] === 0x2002
          ? [groups[1]!, groups[2]!]
          : undefined;
  if (embedded) return REFUSED.check([embedded[0] >> 8, embedded[0] & 255, embedded[1] >> 8, embedded[1] & 255].join('.'), 'ipv4');
  return REFUSED.check(address, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included), or undefined when it is not one. */
function expandIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const missing = 8 - front.length - back.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return undefined;
  const groups = [...front, ...Array<number>(missing).fill(0), ...back];
  return groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : undefined;
}

function imageError(url: string, reason: string): GatewayError {
  const shown = url.length > 200 ? `${url.slice(0, 200)}…` : url;
  return new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_image_url', param: 'messages', message: `Image URL '${shown}' ${reason}` });
}

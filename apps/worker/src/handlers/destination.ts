import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Address ranges a webhook must not reach unless private networks are allowed (SSRF). */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
// IPv6: unspecified, loopback, IPv4-compatible (::a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96, reaches IPv4
// addresses), discard, documentation, 6to4 (2002::/16, embeds IPv4), ULA, site- and link-local,
// multicast.
for (const [net, prefix] of [
  ['::', 96], ['::1', 128], ['::ffff:0:0:0', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001:db8::', 32], ['2002::', 16],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv6');

/** Whether an IP address is loopback, private, link-local, shared, multicast or reserved. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A webhook target that resolves to a non-public address. */
export class PrivateDestinationError extends Error {
  constructor(host: string, address: string) {
    super(`The webhook host ${host} resolves to a non-public address (${address}); set TESSERA_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow it.`);
    this.name = 'PrivateDestinationError';
  }
}

/** Resolves a host name to every address it has (dns.lookup's contract, `all: true`). */
export type Resolver = (host: string, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (host, callback) => dnsLookup(host, { all: true, verbatim: true }, callback);
const RESOLVE_TIMEOUT_MS = 10_000;

/** Resolves `host` to every address it has; an empty answer is an error (ENOTFOUND). */
function resolveAll(host: string, resolve: Resolver): Promise<LookupAddress[]> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`Resolving ${host} timed out.`)), RESOLVE_TIMEOUT_MS);
    resolve(host, (error, addresses) => {
      clearTimeout(timer);
      if (error) return fail(error);
      if (addresses.length === 0) return fail(notFound(host));
      return done(addresses);
    });
  });
}

function notFound(host: string, family?: number): NodeJS.ErrnoException {
  return Object.assign(new Error(`${host} has no ${family ? `IPv${family} ` : ''}address.`), { code: 'ENOTFOUND' });
}

/** Resolves `host` to its addresses, refusing it when any of them is not public. */
async function resolvePublic(host: string, resolve: Resolver): Promise<LookupAddress[]> {
  if (isIP(host)) {
    if (isPrivateAddress(host)) throw new PrivateDestinationError(host, host);
    return [{ address: host, family: isIP(host) }];
  }
  const addresses = await resolveAll(host, resolve);
  const refused = addresses.find((a) => isPrivateAddress(a.address));
  if (refused) throw new PrivateDestinationError(host, refused.address);
  return addresses;
}

/**
 * Refuses a webhook URL whose host is, or resolves to, a non-public address, so a tenant cannot
 * make Tessera call into its own network (cloud metadata, Redis, the database…). Used when a
 * channel is added; each delivery checks again on the address it connects to (`postWebhook`).
 */
export async function assertPublicDestination(url: string, resolve: Resolver = systemResolver): Promise<void> {
  await resolvePublic(new URL(url).hostname.replace(/^\[|\]$/g, ''), resolve);
}

export interface WebhookRequest {
  readonly headers: OutgoingHttpHeaders;
  readonly body: string;
  readonly timeoutMs: number;
  /** Allow loopback and private addresses (default: refused). */
  readonly allowPrivateNetworks?: boolean;
  /** How host names are resolved (default: the system resolver). */
  readonly resolve?: Resolver;
}

/**
 * The `lookup` of a webhook connection: resolves the host once and, unless private networks are
 * allowed, refuses it when any address is not public; the connection then goes to one of exactly
 * these addresses. Follows dns.lookup's contract for `family` and `all`.
 */
export function pinnedLookup(resolve: Resolver, allowPrivateNetworks: boolean): LookupFunction {
  return (hostname, options, callback) => {
    (allowPrivateNetworks ? resolveAll(hostname, resolve) : resolvePublic(hostname, resolve)).then(
      (addresses) => {
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        if (usable.length === 0) callback(notFound(hostname, family), '', 0);
        else if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

/**
 * POSTs a webhook and answers its HTTP status. Redirects are not followed. Unless private networks
 * are allowed, the host is resolved once, every address is checked, and the connection goes to a
 * checked address: a DNS answer that changes between a check and the connection (DNS rebinding)
 * cannot point the request into the private network.
 */
export function postWebhook(url: string, request: WebhookRequest): Promise<number> {
  const target = new URL(url);
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return Promise.reject(new Error(`Unsupported webhook URL scheme ${target.protocol}`));
  const allowPrivate = request.allowPrivateNetworks ?? false;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // net.connect calls it for host names (IP literals are checked below, before connecting).
  const lookup = pinnedLookup(request.resolve ?? systemResolver, allowPrivate);
  return new Promise<number>((done, fail) => {
    if (!allowPrivate && isIP(host) && isPrivateAddress(host)) return fail(new PrivateDestinationError(host, host));
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send(target, { method: 'POST', headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) }, lookup }, (response) => {
      // The status is the answer; the body is not read (a receiver that never finishes it, or
      // cuts it short, cannot hold the delivery).
      clearTimeout(timer);
      done(response.statusCode ?? 0);
      response.on('error', () => {});
      response.destroy();
    });
    // The whole exchange (resolving, connecting, the answer's status) within the time allowed.
    const timer = setTimeout(() => outgoing.destroy(Object.assign(new Error(`The webhook did not answer within ${request.timeoutMs / 1000} s.`), { name: 'TimeoutError' })), request.timeoutMs);
    // Also a refusal from `lookup`, which net passes on as it is.
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    outgoing.end(request.body);
  });
}

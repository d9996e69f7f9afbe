import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Address ranges a webhook must not reach unless private networks are allowed (SSRF). */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
// IPv6: unspecified, loopback, IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96, reaches IPv4
// addresses), discard, documentation, 6to4 (2002::/16, embeds IPv4), ULA, site- and link-local,
// multicast.
for (const [net, prefix] of [
  ['::', 96], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001:db8::', 32], ['2002::', 16],
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

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A webhook target that resolves to a non-public address. */
export class PrivateDestinationError extends Error {
  constructor(host: string, address: string) {
    super(`The webhook host ${host} resolves to a non-public address (${address}); set TESSERA_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow it.`);
    this.name = 'PrivateDestinationError';
  }
}

/**
 * Refuses a webhook URL whose host is, or resolves to, a non-public address, so a tenant cannot
 * make Tessera call into its own network (cloud metadata, Redis, the database…).
 */
export async function assertPublicDestination(url: string): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await withTimeout(lookup(host, { all: true, verbatim: true }), 10_000, `Resolving ${host} timed out.`)).map((a) => a.address);
  for (const address of addresses) if (isPrivateAddress(address)) throw new PrivateDestinationError(host, address);
}

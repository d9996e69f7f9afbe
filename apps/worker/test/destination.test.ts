import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateDestinationError, assertPublicDestination, isPrivateAddress, postWebhook, type Resolver } from '../src';
import { startWebhookSink, type WebhookSink } from './sinks';

/** A resolver answering from a table, counting how often it was asked. */
function resolverOf(answers: (host: string, call: number) => string[]): Resolver & { calls: number } {
  const resolver = Object.assign(
    ((host, callback) => {
      resolver.calls += 1;
      const addresses = answers(host, resolver.calls).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      setImmediate(() => callback(null, addresses));
    }) as Resolver,
    { calls: 0 },
  );
  return resolver;
}

describe('webhook destinations', () => {
  let sink: WebhookSink;
  let port: number;
  beforeAll(async () => {
    sink = await startWebhookSink();
    port = Number(new URL(sink.url).port);
  });
  afterAll(() => sink.close());

  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::1', '::a9fe:a9fe', 'fec0::1', '2001:db8::1', 'not-an-ip'])('treats %s as non-public', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('treats %s as public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('refuses URLs whose host is a private address or resolves to one', async () => {
    await expect(assertPublicDestination('http://169.254.169.254/latest/meta-data/')).rejects.toBeInstanceOf(PrivateDestinationError);
    await expect(assertPublicDestination('http://[::1]:6379/')).rejects.toBeInstanceOf(PrivateDestinationError);
    await expect(assertPublicDestination('http://localhost:5432/')).rejects.toBeInstanceOf(PrivateDestinationError);
    await expect(assertPublicDestination('https://93.184.216.34/hook')).resolves.toBeUndefined();
    // One private address among public ones is enough to refuse.
    await expect(assertPublicDestination('https://hooks.example/x', resolverOf(() => ['93.184.216.34', '10.0.0.7']))).rejects.toThrow('(10.0.0.7)');
  });

  it('connects to the address it checked: a DNS answer that turns private after the check (rebinding) is refused', async () => {
    // First answer public (what a check at channel creation saw), then the sink's loopback address.
    const rebinding = resolverOf((_host, call) => (call === 1 ? ['93.184.216.34'] : ['127.0.0.1']));
    const url = `http://rebind.example:${port}/tessera-hook`;
    await assertPublicDestination(url, rebinding);
    const before = sink.requests.length;
    await expect(postWebhook(url, { headers: {}, body: '{}', timeoutMs: 5_000, resolve: rebinding })).rejects.toBeInstanceOf(PrivateDestinationError);
    expect(rebinding.calls).toBe(2);
    expect(sink.requests.length).toBe(before);
  });

  it('refuses a private IP literal without connecting', async () => {
    const before = sink.requests.length;
    await expect(postWebhook(sink.url, { headers: {}, body: '{}', timeoutMs: 5_000 })).rejects.toThrow('non-public address (127.0.0.1)');
    expect(sink.requests.length).toBe(before);
  });

  it('sends to the address the resolver gave, keeping the host name in the Host header', async () => {
    const resolver = resolverOf(() => ['127.0.0.1']);
    const status = await postWebhook(`http://hooks.tenant.test:${port}/tessera-hook`, { headers: { 'content-type': 'application/json' }, body: '{"a":1}', timeoutMs: 5_000, allowPrivateNetworks: true, resolve: resolver });
    expect(status).toBe(204);
    const received = sink.requests.at(-1)!;
    expect(received.body).toBe('{"a":1}');
    expect(received.headers.host).toBe(`hooks.tenant.test:${port}`);
    expect(resolver.calls).toBe(1);
  });

  describe('against a misbehaving receiver', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url === '/redirect') {
          res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
          return;
        }
        // /slow never answers.
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('does not follow redirects: the status is the answer', async () => {
      await expect(postWebhook(`${base}/redirect`, { headers: {}, body: '{}', timeoutMs: 5_000, allowPrivateNetworks: true })).resolves.toBe(307);
    });

    it('gives up after the timeout', async () => {
      const started = Date.now();
      await expect(postWebhook(`${base}/slow`, { headers: {}, body: '{}', timeoutMs: 300, allowPrivateNetworks: true })).rejects.toThrow('did not answer within 0.3 s');
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });
});

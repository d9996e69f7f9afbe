import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateDestinationError, assertPublicDestination, isPrivateAddress, pinnedLookup, postWebhook, type Resolver } from '../src';
import { startWebhookSink, type WebhookSink } from '../src/testing';

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

  it.each(['::ffff:0:7f00:1', '::ffff:0:a9fe:a9fe', '127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::1', '::a9fe:a9fe', 'fec0::1', '2001:db8::1', 'not-an-ip'])('treats %s as non-public', (address) => {
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

  it.each([['::1'], ['::ffff:127.0.0.1'], ['fd12::1'], ['2606:4700:4700::1111', '::ffff:10.0.0.1']])('refuses a host resolving to %s', async (...answer) => {
    const before = sink.requests.length;
    await expect(postWebhook(`http://hooks.tenant.test:${port}/tessera-hook`, { headers: {}, body: '{}', timeoutMs: 5_000, resolve: resolverOf(() => answer) })).rejects.toBeInstanceOf(PrivateDestinationError);
    expect(sink.requests.length).toBe(before);
  });

  it('fails cleanly on an empty DNS answer, checked or not', async () => {
    const url = `http://hooks.tenant.test:${port}/tessera-hook`;
    for (const allowPrivateNetworks of [false, true]) {
      await expect(postWebhook(url, { headers: {}, body: '{}', timeoutMs: 5_000, allowPrivateNetworks, resolve: resolverOf(() => []) })).rejects.toThrow('has no address');
    }
    await expect(assertPublicDestination(url, resolverOf(() => []))).rejects.toThrow('has no address');
  });

  it('answers lookups as dns.lookup does, for one address or all, by family', async () => {
    const lookup = pinnedLookup(resolverOf(() => ['93.184.216.34', '2606:4700:4700::1111']), false);
    const ask = (options: object) =>
      new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
        lookup('hooks.example', options as never, (error, address, family) => resolve({ error, address, family })),
      );
    expect(await ask({})).toEqual({ error: null, address: '93.184.216.34', family: 4 });
    expect(await ask({ family: 6 })).toEqual({ error: null, address: '2606:4700:4700::1111', family: 6 });
    expect(await ask({ all: true })).toMatchObject({ error: null, address: [{ address: '93.184.216.34', family: 4 }, { address: '2606:4700:4700::1111', family: 6 }] });
    const v4only = pinnedLookup(resolverOf(() => ['93.184.216.34']), false);
    const none = await new Promise<NodeJS.ErrnoException | null>((resolve) => v4only('hooks.example', { family: 6 } as never, (error) => resolve(error)));
    expect(none?.code).toBe('ENOTFOUND');
    const refused = await new Promise<NodeJS.ErrnoException | null>((resolve) => pinnedLookup(resolverOf(() => ['10.0.0.1']), false)('hooks.example', {} as never, (error) => resolve(error)));
    expect(refused).toBeInstanceOf(PrivateDestinationError);
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
        if (req.url === '/truncated') {
          // Promises 100 bytes, sends 10, then hangs up.
          res.writeHead(200, { 'content-length': '100' });
          res.write('0123456789');
          setTimeout(() => res.socket?.destroy(), 50);
          return;
        }
        if (req.url === '/endless') {
          // Chunked, one chunk, and never the last one: the body never ends.
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('still going');
          return;
        }
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

    it('takes the status as the answer: a body cut short or never finished does not hold the delivery', async () => {
      for (const [path, status] of [['/truncated', 200], ['/endless', 200]] as const) {
        const started = Date.now();
        await expect(postWebhook(`${base}${path}`, { headers: {}, body: '{}', timeoutMs: 2_000, allowPrivateNetworks: true })).resolves.toBe(status);
        expect(Date.now() - started).toBeLessThan(1_500);
      }
    });

    it('gives up after the timeout', async () => {
      const started = Date.now();
      await expect(postWebhook(`${base}/slow`, { headers: {}, body: '{}', timeoutMs: 300, allowPrivateNetworks: true })).rejects.toThrow('did not answer within 0.3 s');
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });
});

/**
 * The token client against a real local HTTP server whose answers each test scripts: discovery,
 * caching and refresh, single flight, retries, errors that are thrown at once, the authorized
 * fetch, and the secret staying out of every message.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenRequestError } from './errors';
import { createTokenClient, type TokenClientOptions } from './token-client';

const CLIENT_ID = 'tci_client:1';
const CLIENT_SECRET = 'tsk_S3CRET+value%with reserved/chars';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

type Responder = (request: Received, response: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

/** A local server: each path has a script of responders, used in turn (the last one repeats). */
class ScriptedServer {
  readonly received: Received[] = [];
  readonly #scripts = new Map<string, Responder[]>();
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((raw, response) => {
      const chunks: Buffer[] = [];
      raw.on('data', (chunk: Buffer) => chunks.push(chunk));
      raw.on('end', () => {
        const request: Received = { method: raw.method ?? '', path: raw.url ?? '', authorization: raw.headers.authorization, body: Buffer.concat(chunks).toString() };
        this.received.push(request);
        const script = this.#scripts.get(request.path);
        const responder = script && (script.length > 1 ? script.shift()! : script[0]);
        if (!responder) return void json(response, 404, { error: 'not found' });
        void responder(request, response, raw);
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  on(path: string, ...responders: Responder[]): this {
    this.#scripts.set(path, responders);
    return this;
  }

  requests(path: string): Received[] {
    return this.received.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

let issued = 0;
/** Answers with a new token, valid for `expiresIn` seconds, after `delayMs`. */
const token =
  (expiresIn = 900, delayMs = 0): Responder =>
  async (_request, response) => {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    json(response, 200, { access_token: `token-${++issued}`, token_type: 'Bearer', expires_in: expiresIn, scope: 'products:read' });
  };
const oauthError =
  (status: number, error: string, headers: Record<string, string> = {}, description = 'Refused.'): Responder =>
  (_request, response) =>
    json(response, status, { error, error_description: description }, headers);
const serviceUnavailable: Responder = (_request, response) => json(response, 503, { message: 'down' });
/** Closes the connection without an answer: the client sees a network error. */
const hangUp: Responder = (_request, _response, raw) => void raw.socket.destroy();

let server: ScriptedServer;
let clock: number;

beforeEach(async () => {
  server = new ScriptedServer();
  await server.start();
  clock = Date.UTC(2026, 10, 29, 12);
  server.on('/.well-known/oauth-authorization-server', (_request, response) =>
    json(response, 200, {
      issuer: server.url,
      token_endpoint: `${server.url}/oauth/token`,
      jwks_uri: `${server.url}/.well-known/jwks.json`,
      introspection_endpoint: `${server.url}/oauth/introspect`,
      response_types_supported: [],
    }),
  );
});

afterEach(async () => {
  await server.stop();
});

function client(options: Partial<TokenClientOptions> = {}) {
  return createTokenClient({
    issuer: server.url,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    now: () => clock,
    retry: { baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterSeconds: 2 },
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<TokenRequestError> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(TokenRequestError);
  return error as TokenRequestError;
}

function expectNoSecret(value: unknown): void {
  for (const text of [String(value), JSON.stringify(value), inspect(value, { showHidden: true, depth: 10 }), value instanceof Error ? (value.stack ?? '') : '']) {
    expect(text).not.toContain(CLIENT_SECRET);
    expect(text).not.toContain('S3CRET');
  }
}

describe('discovery and the token request', () => {
  it('discovers the token endpoint once and asks for client_credentials with client_secret_basic, reserved characters encoded', async () => {
    server.on('/oauth/token', token());
    const tokens = client({ scope: ['products:read', 'products:write'] });
    expect(await tokens.getToken()).toBe(`token-${issued}`);
    tokens.invalidate();
    await tokens.getToken();
    expect(server.requests('/.well-known/oauth-authorization-server')).toHaveLength(1);
    const [first] = server.requests('/oauth/token');
    expect(first!.method).toBe('POST');
    expect(Object.fromEntries(new URLSearchParams(first!.body))).toEqual({ grant_type: 'client_credentials', scope: 'products:read products:write' });
    const decoded = Buffer.from(first!.authorization!.replace(/^Basic /, ''), 'base64').toString();
    expect(decoded).toBe('tci_client%3A1:tsk_S3CRET%2Bvalue%25with+reserved%2Fchars');
  });

  it('takes a token endpoint directly, without discovery', async () => {
    server.on('/custom/token', token());
    await client({ tokenEndpoint: `${server.url}/custom/token` }).getToken();
    expect(server.requests('/.well-known/oauth-authorization-server')).toHaveLength(0);
  });

  it('refuses metadata that names another issuer (RFC 8414 §3.3), and sends it no credentials', async () => {
    server.on('/.well-known/oauth-authorization-server', (_request, response) =>
      json(response, 200, { issuer: 'https://evil.example', token_endpoint: `${server.url}/oauth/token`, jwks_uri: `${server.url}/jwks`, response_types_supported: [] }),
    );
    server.on('/oauth/token', token());
    const error = await failure(client().getToken());
    expect(error.error).toBe('issuer_mismatch');
    expect(server.requests('/oauth/token')).toHaveLength(0);
  });
});

describe('caching and refresh', () => {
  it('serves the cached token until less than max(30 s, 10%) of its life is left, then fetches a new one', async () => {
    server.on('/oauth/token', token(900));
    const tokens = client();
    const first = await tokens.getToken();
    clock += 809_000;
    expect(await tokens.getToken()).toBe(first);
    expect(server.requests('/oauth/token')).toHaveLength(1);
    clock += 2_000; // 89 s left: less than 10% of 900 s
    expect(await tokens.getToken()).not.toBe(first);
    expect(server.requests('/oauth/token')).toHaveLength(2);
  });

  it('shares one request between concurrent callers while the endpoint is slow', async () => {
    server.on('/oauth/token', token(900, 300));
    const tokens = client();
    const results = await Promise.all(Array.from({ length: 25 }, () => tokens.getToken()));
    expect(new Set(results).size).toBe(1);
    expect(server.requests('/oauth/token')).toHaveLength(1);
    // An early refresh is shared too.
    clock += 850_000;
    const refreshed = await Promise.all(Array.from({ length: 25 }, () => tokens.getToken()));
    expect(new Set(refreshed).size).toBe(1);
    expect(refreshed[0]).not.toBe(results[0]);
    expect(server.requests('/oauth/token')).toHaveLength(2);
  });

  it('keeps serving the cached token when an early refresh fails, tries again later, and throws once it has expired', async () => {
    server.on('/oauth/token', token(900), serviceUnavailable);
    const tokens = client({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 }, refreshRetryDelayMs: 5_000 });
    const first = await tokens.getToken();
    clock += 850_000;
    expect(await tokens.getToken()).toBe(first);
    expect(server.requests('/oauth/token')).toHaveLength(3); // the first token, then 1 + 1 retry
    // The failure is not retried on every call: only after refreshRetryDelayMs.
    clock += 4_000;
    expect(await tokens.getToken()).toBe(first);
    expect(server.requests('/oauth/token')).toHaveLength(3);
    clock += 1_500;
    expect(await tokens.getToken()).toBe(first);
    expect(server.requests('/oauth/token')).toHaveLength(5);
    clock = Date.UTC(2026, 10, 29, 12) + 900_000;
    expect((await failure(tokens.getToken())).error).toBe('server_error');
  });

  it('invalidate() drops the cached token', async () => {
    server.on('/oauth/token', token());
    const tokens = client();
    const first = await tokens.getToken();
    expect(await tokens.getToken()).toBe(first);
    tokens.invalidate();
    expect(await tokens.getToken()).not.toBe(first);
    expect(server.requests('/oauth/token')).toHaveLength(2);
  });
});

describe('retries and errors', () => {
  it('retries a 503 and gets the token', async () => {
    server.on('/oauth/token', serviceUnavailable, token());
    expect(await client().getToken()).toBe(`token-${issued}`);
    expect(server.requests('/oauth/token')).toHaveLength(2);
  });

  it('gives up on 5xx after the retries, with the status', async () => {
    server.on('/oauth/token', serviceUnavailable);
    const error = await failure(client({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } }).getToken());
    expect(error).toMatchObject({ error: 'server_error', status: 503 });
    expect(server.requests('/oauth/token')).toHaveLength(3);
  });

  it('retries a network failure with backoff', async () => {
    server.on('/oauth/token', hangUp, hangUp, token());
    expect(await client().getToken()).toBe(`token-${issued}`);
    expect(server.requests('/oauth/token')).toHaveLength(3);
  });

  it('reports network_error when the server never answers', async () => {
    server.on('/oauth/token', hangUp);
    const error = await failure(client({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } }).getToken());
    expect(error.error).toBe('network_error');
    expect(error.status).toBeUndefined();
    expect(server.requests('/oauth/token')).toHaveLength(3);
  });

  it('waits a short Retry-After on 429, then gets the token', async () => {
    server.on('/oauth/token', oauthError(429, 'invalid_request', { 'retry-after': '1' }), token());
    const started = Date.now();
    expect(await client().getToken()).toBe(`token-${issued}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests('/oauth/token')).toHaveLength(2);
  });

  it('throws a 429 whose Retry-After is longer than the client waits, at once, with the Retry-After', async () => {
    server.on('/oauth/token', oauthError(429, 'invalid_request', { 'retry-after': '120' }), token());
    const started = Date.now();
    const error = await failure(client().getToken());
    expect(error).toMatchObject({ error: 'temporarily_unavailable', status: 429, retryAfterSeconds: 120 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.requests('/oauth/token')).toHaveLength(1);
  });

  it.each(['invalid_client', 'invalid_scope', 'invalid_request', 'unsupported_grant_type'])('throws %s at once, never retried', async (code) => {
    server.on('/oauth/token', oauthError(code === 'invalid_client' ? 401 : 400, code), token());
    const error = await failure(client().getToken());
    expect(error).toMatchObject({ error: code, status: code === 'invalid_client' ? 401 : 400 });
    expect(server.requests('/oauth/token')).toHaveLength(1);
  });

  it('keeps the secret out of the error, even when the server echoes it, and out of the client object', async () => {
    server.on('/oauth/token', oauthError(401, 'invalid_client', {}, `Client authentication failed for ${CLIENT_SECRET}.`));
    const tokens = client();
    const error = await failure(tokens.getToken());
    expect(error.message).toContain('invalid_client');
    expect(error.message).toContain('[redacted]');
    expectNoSecret(error);
    expectNoSecret(tokens);
    expect(JSON.parse(JSON.stringify(tokens))).toEqual({ issuer: server.url, clientId: CLIENT_ID });
  });
});

describe('the authorized fetch', () => {
  /** A resource that accepts the tokens `accepts` says yes to, and answers others 401 with the given challenge. */
  const resource =
    (accepts: (token: string) => boolean, challenge = 'Bearer realm="tessera", error="invalid_token", error_description="The access token was revoked."'): Responder =>
    (request, response) =>
      accepts(request.authorization?.replace(/^Bearer /, '') ?? '')
        ? json(response, 200, { items: [], body: request.body })
        : json(response, 401, { error: 'unauthorized' }, { 'www-authenticate': challenge });
  const nothing = () => false;

  it('sends the bearer token with the caller\'s headers', async () => {
    server.on('/oauth/token', token());
    server.on('/products', resource(() => true));
    const response = await client().fetch(`${server.url}/products`, { headers: { 'x-request-id': 'r1' } });
    expect(response.status).toBe(200);
    expect(server.requests('/products')[0]!.authorization).toBe(`Bearer token-${issued}`);
  });

  it('drops a token refused with invalid_token and sends the request once more with a new one, body included', async () => {
    server.on('/oauth/token', token());
    const tokens = client();
    const revoked = await tokens.getToken(); // cached, but revoked since
    server.on('/products', resource((presented) => presented !== revoked));
    const response = await tokens.fetch(`${server.url}/products`, { method: 'POST', body: 'name=widget' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ body: 'name=widget' });
    expect(server.requests('/products').map((r) => r.authorization)).toEqual([`Bearer ${revoked}`, `Bearer token-${issued}`]);
    expect(server.requests('/oauth/token')).toHaveLength(2);
  });

  it('does not retry a 401 without invalid_token, nor a body that cannot be sent again', async () => {
    server.on('/oauth/token', token());
    server.on('/products', resource(nothing, 'Bearer realm="tessera"'));
    const tokens = client();
    expect((await tokens.fetch(`${server.url}/products`)).status).toBe(401);
    expect(server.requests('/products')).toHaveLength(1);

    server.on('/products', resource(nothing));
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('once'));
        controller.close();
      },
    });
    expect((await tokens.fetch(`${server.url}/products`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit)).status).toBe(401);
    expect(server.requests('/products')).toHaveLength(2);
    expect(server.requests('/oauth/token')).toHaveLength(1);
  });

  describe('a refusal a new token does not cure, against one that it does (at most one forced refresh per forcedRefreshIntervalMs)', () => {
    const notForThisApi = 'Bearer realm="tessera", error="invalid_token", error_description="The access token is not for this API."';

    /** Sends the fetch and reads the answer (so no connection is left waiting); returns the status. */
    async function status(tokens: ReturnType<typeof client>, path: string): Promise<number> {
      const response = await tokens.fetch(`${server.url}${path}`);
      await response.arrayBuffer();
      return response.status;
    }

    /** `count` such fetches of `path`, the clock moved on `stepMs` before each: each must be answered `expected`. */
    async function calls(tokens: ReturnType<typeof client>, path: string, count: number, stepMs: number, expected: number): Promise<void> {
      for (let i = 0; i < count; i++) {
        clock += stepMs;
        expect(await status(tokens, path)).toBe(expected);
      }
    }

    it('another API\'s URL, refused on every call: one token request per 30 s, not one per call, and the 401 as it is', async () => {
      server.on('/oauth/token', token());
      server.on('/other-api/products', resource(nothing, notForThisApi));
      const tokens = client();
      for (let i = 0; i < 20; i++) {
        const response = await tokens.fetch(`${server.url}/other-api/products`);
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe(notForThisApi);
        await response.arrayBuffer();
      }
      expect(server.requests('/oauth/token')).toHaveLength(2); // the first token, one forced refresh
      expect(server.requests('/other-api/products')).toHaveLength(21); // 20, and one retry with the new token
      // A call a second for 100 s: forced refreshes at 30, 60 and 90 s, each with its retry.
      await calls(tokens, '/other-api/products', 100, 1_000, 401);
      expect(server.requests('/oauth/token')).toHaveLength(5);
      expect(server.requests('/other-api/products')).toHaveLength(21 + 100 + 3);
    });

    it('a token revoked after it has aged is replaced once, and the new one kept', async () => {
      server.on('/oauth/token', token());
      const revoked = new Set<string>();
      server.on('/products', resource((presented) => !revoked.has(presented)));
      const tokens = client();
      await calls(tokens, '/products', 5, 60_000, 200);
      clock += 60_000;
      const aged = await tokens.getToken(); // 5 minutes old, 10 to go (its scheduled refresh is at 13½)
      revoked.add(aged);
      expect(await status(tokens, '/products')).toBe(200);
      const fresh = `token-${issued}`;
      expect(fresh).not.toBe(aged);
      expect(server.requests('/products').slice(-2).map((r) => r.authorization)).toEqual([`Bearer ${aged}`, `Bearer ${fresh}`]);
      await calls(tokens, '/products', 5, 1_000, 200);
      expect(server.requests('/oauth/token')).toHaveLength(2);
      expect(server.requests('/products')).toHaveLength(5 + 2 + 5);
    });

    it('a revocation within 30 s of the previous forced refresh waits for the interval; after it, the token is replaced', async () => {
      server.on('/oauth/token', token());
      server.on('/other-api/products', resource(nothing, notForThisApi));
      const revoked = new Set<string>();
      server.on('/products', resource((presented) => !revoked.has(presented)));
      const tokens = client();
      expect(await status(tokens, '/other-api/products')).toBe(401); // forced refresh at 0 s
      expect(server.requests('/oauth/token')).toHaveLength(2);
      clock += 10_000;
      revoked.add(await tokens.getToken());
      expect(await status(tokens, '/products')).toBe(401); // 10 s after it: returned as it is
      expect(server.requests('/oauth/token')).toHaveLength(2);
      clock += 20_000;
      expect(await status(tokens, '/products')).toBe(200); // 30 s after it: replaced
      expect(server.requests('/oauth/token')).toHaveLength(3);
      expect(server.requests('/products').at(-1)!.authorization).toBe(`Bearer token-${issued}`);
    });

    it('concurrent calls refused with the same revoked token share one token request and are all sent again with the new one', async () => {
      server.on('/oauth/token', token(900, 50));
      const tokens = client();
      const revoked = await tokens.getToken();
      server.on('/products', resource((presented) => presented !== revoked));
      const statuses = await Promise.all(Array.from({ length: 10 }, () => status(tokens, '/products')));
      expect(statuses).toEqual(Array.from({ length: 10 }, () => 200));
      expect(server.requests('/oauth/token')).toHaveLength(2);
      expect(server.requests('/products').filter((r) => r.authorization === `Bearer token-${issued}`)).toHaveLength(10);
    });
  });

  it('returns the 401 when no new token can be had, and getToken then throws why', async () => {
    server.on('/oauth/token', token(), oauthError(401, 'invalid_client'));
    server.on('/products', resource(nothing));
    const tokens = client();
    expect((await tokens.fetch(`${server.url}/products`)).status).toBe(401);
    expect((await failure(tokens.getToken())).error).toBe('invalid_client');
  });
});

describe('introspection', () => {
  it('posts the token to the discovered introspection endpoint with the client\'s credentials', async () => {
    server.on('/oauth/introspect', (_request, response) => json(response, 200, { active: false }));
    expect(await client().introspect('some-token')).toEqual({ active: false });
    const [request] = server.requests('/oauth/introspect');
    expect(Object.fromEntries(new URLSearchParams(request!.body))).toEqual({ token: 'some-token' });
    expect(request!.authorization).toMatch(/^Basic /);
  });
});

/**
 * `@tessera/client` against the real Tessera, started from its build: the token client a service
 * uses and the verifier a resource server uses, on both deployment modes.
 */
import { createTokenClient, createTokenVerifier, InsufficientScopeError, InvalidTokenError, TokenRequestError, type TokenClient } from '@tessera/client';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS, type TestDatabase } from './support/databases';
import { request } from './support/http';
import { startTessera, type TesseraProcess } from './support/tessera-process';
import { bootstrap, createClient, tokenFor } from './support/world';

const API = 'sdk-api';

describe.each(TARGETS)('@tessera/client against Tessera on $name', (target) => {
  let db: TestDatabase;
  let server: TesseraProcess;
  let adminToken: string;
  let reader: Awaited<ReturnType<typeof createClient>>;

  beforeAll(async () => {
    db = await target.create();
    server = await startTessera(db);
    const admin = await bootstrap(server, API);
    adminToken = await tokenFor(server, admin.clientId, admin.clientSecret);
    reader = await createClient(server, adminToken, API, ['products:read'], 'sdk reader');
  });

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  /** Tokens Tessera has issued for the API with the client-credentials grant, from its metrics. */
  async function tokensIssued(): Promise<number> {
    const text = (await request(`${server.url}/metrics`)).text;
    const line = new RegExp(`^tessera_tokens_issued_total\\{api="${API}",grant="client_credentials"\\} (\\d+)$`, 'm').exec(text);
    return Number(line?.[1] ?? 0);
  }

  function clientFor(credentials: { clientId: string; clientSecret: string }): TokenClient {
    return createTokenClient({ issuer: server.url, clientId: credentials.clientId, clientSecret: credentials.clientSecret });
  }

  async function failure(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => expect.fail('expected a failure'),
      (error: unknown) => error,
    );
  }

  it('discovers the token endpoint and gets a token with the granted scope', async () => {
    const token = await clientFor(reader).getToken();
    const introspected = await request(`${server.url}/oauth/introspect`, { form: { token, client_id: reader.clientId, client_secret: reader.clientSecret } });
    expect(introspected.body).toMatchObject({ active: true, client_id: reader.clientId, aud: API, scope: 'products:read' });
  });

  it('has Tessera issue one token for many getToken calls, concurrent or not', async () => {
    const tokens = clientFor(reader);
    const before = await tokensIssued();
    const concurrent = await Promise.all(Array.from({ length: 30 }, () => tokens.getToken()));
    const sequential = [];
    for (let i = 0; i < 10; i++) sequential.push(await tokens.getToken());
    expect(new Set([...concurrent, ...sequential]).size).toBe(1);
    expect((await tokensIssued()) - before).toBe(1);
  });

  it('calls the API with the authorized fetch', async () => {
    const response = await clientFor(reader).fetch(`${server.url}/${API}/products`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ items: [] });
  });

  it("calls another API's collection 20 times: 401 not for this API each time, and Tessera issues 2 tokens, not 21", async () => {
    await bootstrap(server, 'sdk-elsewhere');
    const tokens = clientFor(reader);
    await tokens.getToken();
    const before = await tokensIssued();
    for (let i = 0; i < 20; i++) {
      const response = await tokens.fetch(`${server.url}/sdk-elsewhere/products`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(response.headers.get('www-authenticate')).toContain('not for this API');
      await response.arrayBuffer();
    }
    expect((await tokensIssued()) - before).toBe(1); // one forced refresh in 30 s
    expect((await tokens.fetch(`${server.url}/${API}/products`)).status).toBe(200);
  });

  it('introspects its own token', async () => {
    const tokens = clientFor(reader);
    expect(await tokens.introspect(await tokens.getToken())).toMatchObject({ active: true, client_id: reader.clientId, scope: 'products:read' });
    expect(await tokens.introspect('not-a-token')).toEqual({ active: false });
  });

  it('after its secret is disabled: the fetch gets 401 (the token is revoked) and getToken throws invalid_client', async () => {
    const account = await createClient(server, adminToken, API, ['products:read'], 'sdk disabled');
    const tokens = clientFor(account);
    expect((await tokens.fetch(`${server.url}/${API}/products`)).status).toBe(200);
    const disabled = await request(`${server.url}/apis/${API}/service-accounts/${account.accountId}/secrets/${account.secretId}`, {
      method: 'PATCH',
      token: adminToken,
      json: { status: 'disabled' },
    });
    expect(disabled.status).toBe(200);

    const response = await tokens.fetch(`${server.url}/${API}/products`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const error = await failure(tokens.getToken());
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ error: 'invalid_client', status: 401 });
  });

  it('reports a wrong secret as invalid_client, without the secret anywhere', async () => {
    const wrongSecret = `${reader.clientSecret.slice(0, -4)}XXXX`;
    const tokens = clientFor({ clientId: reader.clientId, clientSecret: wrongSecret });
    const error = await failure(tokens.getToken());
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ error: 'invalid_client', status: 401 });
    for (const shown of [String(error), (error as Error).stack, JSON.stringify(error), inspect(error, { depth: 10 }), JSON.stringify(tokens), inspect(tokens, { showHidden: true, depth: 10 })]) {
      expect(shown).not.toContain(wrongSecret);
      expect(shown).not.toContain(reader.clientSecret);
    }
  });

  describe('the verifier', () => {
    it('accepts a real token and returns its claims, checking the scopes asked for', async () => {
      const token = await clientFor(reader).getToken();
      const verifier = createTokenVerifier({ issuer: server.url, audience: API });
      const claims = await verifier.verify(token, { scopes: ['products:read'] });
      expect(claims).toMatchObject({ iss: server.url, aud: API, sub: reader.clientId, client_id: reader.clientId, scope: 'products:read', secret_id: reader.secretId });
    });

    it('refuses a missing scope with InsufficientScopeError, distinct from an invalid token', async () => {
      const token = await clientFor(reader).getToken();
      const error = await failure(createTokenVerifier({ issuer: server.url, audience: API }).verify(token, { scopes: ['products:write'] }));
      expect(error).toBeInstanceOf(InsufficientScopeError);
      expect(error).not.toBeInstanceOf(InvalidTokenError);
      expect(error).toMatchObject({ error: 'insufficient_scope', status: 403, requiredScopes: ['products:write'], grantedScopes: ['products:read'] });
    });

    it("refuses another API's token as invalid_token (audience), and a tampered one", async () => {
      const elsewhere = await bootstrap(server, 'sdk-other-api');
      const otherToken = await clientFor(elsewhere).getToken();
      const verifier = createTokenVerifier({ issuer: server.url, audience: API, jwksUri: `${server.url}/.well-known/jwks.json` });
      const wrongAudience = await failure(verifier.verify(otherToken));
      expect(wrongAudience).toBeInstanceOf(InvalidTokenError);
      expect(wrongAudience).toMatchObject({ error: 'invalid_token', status: 401, code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });

      const token = await clientFor(reader).getToken();
      const [header, payload, signature] = token.split('.');
      const tampered = `${header}.${payload}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;
      expect(await failure(verifier.verify(tampered))).toMatchObject({ error: 'invalid_token', code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    });
  });
});

import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KeyEncryption } from '@tessera/store';
// @ts-expect-error -- plain JavaScript, kept as the documentation prints it
import { documentationExample } from './fixtures/documentation-example.mjs';
import { dumpDatabase, jtisOf, sql, TARGETS, type TestDatabase } from './support/databases';
import { basic, request } from './support/http';
import { startTessera, type TesseraProcess } from './support/tessera-process';
import { bootstrap, createClient, tokenFor, type Bootstrap } from './support/world';

describe.each(TARGETS)('token service on $name', (target) => {
  let db: TestDatabase;
  let server: TesseraProcess;
  let admin: Bootstrap;
  let adminToken: string;
  let reader: Awaited<ReturnType<typeof createClient>>;
  /** Every plaintext secret and token seen in this suite: none may reach a log or the database. */
  const plaintexts: string[] = [];

  beforeAll(async () => {
    db = await target.create();
    server = await startTessera(db);
    admin = await bootstrap(server, 'my-api');
    adminToken = await tokenFor(server, admin.clientId, admin.clientSecret);
    reader = await createClient(server, adminToken, 'my-api', ['products:read'], 'reader');
    plaintexts.push(admin.clientSecret, reader.clientSecret, adminToken);
  });

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('reads the credentials of a client once for concurrent token requests', async () => {
    const client = await createClient(server, adminToken, 'my-api', ['products:read'], 'burst');
    const lookups = async () => {
      const text = (await request(`${server.url}/metrics`)).text;
      const value = (source: string) => Number(new RegExp(`tessera_credential_lookups_total\\{source="${source}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
      return { cache: value('cache'), database: value('database'), shared: value('shared') };
    };
    // Connections opened beforehand, so that the token requests arrive together.
    await Promise.all(Array.from({ length: 20 }, () => request(`${server.url}/health/live`)));
    const before = await lookups();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        request(`${server.url}/oauth/token`, { form: { grant_type: 'client_credentials' }, headers: { authorization: basic(client.clientId, client.clientSecret) } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const after = await lookups();
    // One database read; the other requests joined it or found its result in the cache.
    expect(after.database - before.database).toBe(1);
    expect(after.shared - before.shared + (after.cache - before.cache)).toBe(19);
  });

  describe('the documented flow', () => {
    it('runs the complete example of the product documentation unchanged but for the host', async () => {
      process.env.RESTAPI_CLIENT_ID = reader.clientId;
      process.env.RESTAPI_CLIENT_SECRET = reader.clientSecret;
      const fetchData = documentationExample(server.url);
      await expect(fetchData()).resolves.toEqual({ items: [] });
    });

    it('answers the seed request with token, tokenType and expiresIn, not cacheable', async () => {
      const response = await request(`${server.url}/System/UserAccount`, { json: { clientId: reader.clientId, clientSecret: reader.clientSecret } });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ token: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
      expect(response.headers.get('cache-control')).toBe('no-store');
      plaintexts.push(response.body.token);
    });

    it('issues RFC 9068 tokens: typ at+jwt, EdDSA with kid, and every claim', async () => {
      const token = await tokenFor(server, reader.clientId, reader.clientSecret);
      const header = decodeProtectedHeader(token);
      expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt', kid: expect.stringMatching(/^key_/) });
      const claims = decodeJwt(token);
      expect(claims).toMatchObject({
        iss: server.url,
        sub: reader.clientId,
        client_id: reader.clientId,
        aud: 'my-api',
        scope: 'products:read',
        secret_id: reader.secretId,
        jti: expect.any(String),
      });
      expect(claims.exp! - claims.iat!).toBe(900);
    });
  });

  describe('independent clients', () => {
    it('openid-client: discovery, client credentials with Basic and Post, introspection, revocation', async () => {
      const options = { execute: [oidc.allowInsecureRequests] };
      const basicConfig = await oidc.discovery(new URL(server.url), reader.clientId, reader.clientSecret, oidc.ClientSecretBasic(), options);
      expect(basicConfig.serverMetadata().token_endpoint).toBe(`${server.url}/oauth/token`);
      const viaBasic = await oidc.clientCredentialsGrant(basicConfig, { scope: 'products:read' });
      expect(viaBasic.token_type).toBe('bearer');
      expect(viaBasic.scope).toBe('products:read');

      const postConfig = await oidc.discovery(new URL(server.url), reader.clientId, reader.clientSecret, oidc.ClientSecretPost(), options);
      const viaPost = await oidc.clientCredentialsGrant(postConfig);
      plaintexts.push(viaBasic.access_token, viaPost.access_token);

      const active = await oidc.tokenIntrospection(basicConfig, viaPost.access_token);
      expect(active).toMatchObject({ active: true, client_id: reader.clientId, scope: 'products:read', aud: 'my-api' });

      await oidc.tokenRevocation(basicConfig, viaPost.access_token);
      const revoked = await oidc.tokenIntrospection(basicConfig, viaPost.access_token);
      expect(revoked.active).toBe(false);
      const call = await request(`${server.url}/my-api/products`, { token: viaPost.access_token });
      expect(call.status).toBe(401);
      // The other token is untouched.
      expect((await request(`${server.url}/my-api/products`, { token: viaBasic.access_token })).status).toBe(200);
    });

    it('revocation ignores token_type_hint, refuses a live token of another client of the API, and treats another API\'s tokens as unknown', async () => {
      const other = await createClient(server, adminToken, 'my-api', ['products:read'], 'other revoker');
      const elsewhere = await bootstrap(server, 'revocation-elsewhere');
      plaintexts.push(other.clientSecret, elsewhere.clientSecret);
      const revoke = (credentials: { clientId: string; clientSecret: string }, form: Record<string, string>) =>
        request(`${server.url}/oauth/revoke`, { form, headers: { authorization: basic(credentials.clientId, credentials.clientSecret) } });
      const works = async (token: string) => (await request(`${server.url}/my-api/products`, { token })).status === 200;

      const token = await tokenFor(server, reader.clientId, reader.clientSecret);
      plaintexts.push(token);
      // Another API's client: answered like an unknown token (200), and nothing is revoked.
      expect(await revoke(elsewhere, { token })).toMatchObject({ status: 200, body: {} });
      expect(await works(token)).toBe(true);
      // Another client of the same API: refused.
      expect(await revoke(other, { token })).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
      expect(await works(token)).toBe(true);
      // A repeated hint is a malformed request; an unexpected one is only a hint.
      const repeated = await request(`${server.url}/oauth/revoke`, {
        body: `token=${token}&token_type_hint=access_token&token_type_hint=refresh_token`,
        headers: { authorization: basic(reader.clientId, reader.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(repeated).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      expect(await revoke(reader, { token, token_type_hint: 'refresh_token' })).toMatchObject({ status: 200, body: {} });
      expect(await works(token)).toBe(false);
      const second = await tokenFor(server, reader.clientId, reader.clientSecret);
      plaintexts.push(second);
      expect(await revoke(reader, { token: second, token_type_hint: 'something_else' })).toMatchObject({ status: 200, body: {} });
      expect(await works(second)).toBe(false);
    });

    it('introspection shows a client its own tokens, and every token only to resource servers and admins', async () => {
      const other = await createClient(server, adminToken, 'my-api', ['products:read'], 'other reader');
      const resourceServer = await createClient(server, adminToken, 'my-api', ['tessera:introspect'], 'resource server');
      plaintexts.push(other.clientSecret, resourceServer.clientSecret);
      const token = await tokenFor(server, reader.clientId, reader.clientSecret);
      plaintexts.push(token);
      const introspect = (clientId: string, clientSecret: string) =>
        request(`${server.url}/oauth/introspect`, { form: { token }, headers: { authorization: basic(clientId, clientSecret) } });
      expect((await introspect(reader.clientId, reader.clientSecret)).body).toMatchObject({ active: true, client_id: reader.clientId });
      expect((await introspect(other.clientId, other.clientSecret)).body).toEqual({ active: false });
      expect((await introspect(resourceServer.clientId, resourceServer.clientSecret)).body).toMatchObject({ active: true, scope: 'products:read' });
      expect((await introspect(admin.clientId, admin.clientSecret)).body).toMatchObject({ active: true });
    });

    it("jose's createRemoteJWKSet verifies a token as at+jwt for the API", async () => {
      const token = await tokenFor(server, reader.clientId, reader.clientSecret);
      const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { typ: 'at+jwt', issuer: server.url, audience: 'my-api', algorithms: ['EdDSA'] });
      expect(payload.client_id).toBe(reader.clientId);
      expect(protectedHeader.typ).toBe('at+jwt');
    });

    it('publishes RFC 8414 metadata at both well-known paths', async () => {
      for (const path of ['oauth-authorization-server', 'openid-configuration']) {
        const response = await request(`${server.url}/.well-known/${path}`);
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({
          issuer: server.url,
          token_endpoint: `${server.url}/oauth/token`,
          jwks_uri: `${server.url}/.well-known/jwks.json`,
          grant_types_supported: ['client_credentials'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
          introspection_endpoint: `${server.url}/oauth/introspect`,
          revocation_endpoint: `${server.url}/oauth/revoke`,
          response_types_supported: [],
        });
      }
    });
  });

  describe('client authentication failures', () => {
    async function seed(clientId: string, clientSecret: string) {
      const response = await request(`${server.url}/System/UserAccount`, { json: { clientId, clientSecret } });
      return { status: response.status, error: { ...response.body.error, requestId: undefined } };
    }

    it('answers wrong, unknown, malformed, disabled and expired credentials with one identical 401', async () => {
      const disabled = await createClient(server, adminToken, 'my-api', ['products:read'], 'disabled');
      await request(`${server.url}/apis/my-api/service-accounts/${disabled.accountId}/secrets/${disabled.secretId}`, {
        method: 'PATCH',
        token: adminToken,
        json: { status: 'disabled' },
      });
      const expired = await createClient(server, adminToken, 'my-api', ['products:read'], 'expired');
      await sql(db, 'update secret set expires_at = ? where id = ?', [new Date(Date.now() - 1000), expired.secretId]);
      plaintexts.push(disabled.clientSecret, expired.clientSecret);

      const answers = [
        await seed(reader.clientId, admin.clientSecret), // a real secret of another account
        await seed(reader.clientId, `${reader.clientSecret.slice(0, -1)}${reader.clientSecret.endsWith('x') ? 'y' : 'x'}`), // checksum broken (last character changed)
        await seed('tci_0000000000000000000000', reader.clientSecret), // unknown client
        await seed(reader.clientId, 'not-a-secret'),
        await seed(disabled.clientId, disabled.clientSecret),
        await seed(expired.clientId, expired.clientSecret),
      ];
      for (const answer of answers) {
        expect(answer).toEqual({ status: 401, error: { code: 'AUTH.INVALID_CLIENT', message: 'Invalid client credentials.', requestId: undefined } });
      }
    });

    it('records the real reason of each failure in the audit trail', async () => {
      await request(`${server.url}/System/UserAccount`, { json: { clientId: reader.clientId, clientSecret: admin.clientSecret } });
      await new Promise((r) => setTimeout(r, 600)); // authentication events are written in batches
      const rows = await sql<{ data: unknown }>(db, "select data from event where type = 'authentication.failed'");
      const reasons = rows.map((row) => (typeof row.data === 'string' ? JSON.parse(row.data) : row.data).reason);
      expect(reasons).toEqual(expect.arrayContaining(['SECRET_NOT_OF_ACCOUNT', 'SECRET_MALFORMED', 'UNKNOWN_CLIENT', 'SECRET_DISABLED', 'SECRET_EXPIRED']));
    });

    it('keeps writing the audit trail after hostile client IDs (NUL bytes, a pasted secret)', async () => {
      const count = async () =>
        (await sql<{ data: unknown }>(db, "select data from event where type = 'token.issued'")).reduce((tokens, row) => tokens + jtisOf(row.data).length, 0);
      const before = await count();
      for (const clientId of ['x\u0000y', reader.clientSecret, '\u0000']) {
        expect((await request(`${server.url}/System/UserAccount`, { json: { clientId, clientSecret: reader.clientSecret } })).status).toBe(401);
      }
      await tokenFor(server, reader.clientId, reader.clientSecret);
      await vi.waitFor(async () => expect(await count()).toBe(before + 1), { timeout: 5_000, interval: 100 });
      const failures = await sql<{ data: unknown }>(db, "select data from event where type = 'authentication.failed'");
      const recorded = failures.map((row) => JSON.stringify(row.data));
      expect(recorded.some((text) => text.includes(reader.clientSecret))).toBe(false);
      expect(await request(`${server.url}/apis/my-api/service-accounts/%00`, { token: adminToken })).toMatchObject({ status: 400 });
      expect(await request(`${server.url}/my-api/products`, { token: adminToken, json: { name: 'a\u0000b' } })).toMatchObject({ status: 403 });
    });

    it('rejects bad seed bodies with a 400 naming the field', async () => {
      const missing = await request(`${server.url}/System/UserAccount`, { json: { clientId: reader.clientId } });
      expect(missing.status).toBe(400);
      expect(missing.body.error.code).toBe('REQUEST.VALIDATION_FAILED');
      expect(missing.body.error.message).toContain('clientSecret');
      const notJson = await request(`${server.url}/System/UserAccount`, { body: '{"clientId":', headers: { 'content-type': 'application/json' } });
      expect(notJson.status).toBe(400);
      expect(notJson.body.error.code).toBe('REQUEST.VALIDATION_FAILED');
      const empty = await request(`${server.url}/System/UserAccount`, { method: 'POST', headers: { 'content-type': 'application/json' } });
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toBe('The request body is empty.');
      // Thousands of unknown (and long) keys: a short answer naming the first few, and how many there were.
      const keys = Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}${'x'.repeat(i === 0 ? 5_000 : 0)}`, 1]));
      const flood = await request(`${server.url}/System/UserAccount`, { json: { clientId: reader.clientId, clientSecret: reader.clientSecret, ...keys } });
      expect(flood.status).toBe(400);
      expect(flood.text.length).toBeLessThan(10_000);
      expect(flood.body.error.issues).toHaveLength(20);
      expect(flood.body.error.details).toEqual({ issueCount: 3_000 });
      expect(flood.body.error.message).toMatch(/; and 2980 more$/);
      const wrongType = await request(`${server.url}/System/UserAccount`, { body: 'clientId=a', headers: { 'content-type': 'text/csv' } });
      expect(wrongType.status).toBe(415);
      expect(wrongType.body.error.code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
    });

    it('speaks RFC 6749 §5.2 on the token endpoint', async () => {
      const url = `${server.url}/oauth/token`;
      const good = basic(reader.clientId, reader.clientSecret);
      const cases: [Parameters<typeof request>[1], number, string][] = [
        [{ form: { grant_type: 'client_credentials' }, headers: { authorization: basic(reader.clientId, 'tsk_wrong') } }, 401, 'invalid_client'],
        [{ form: { grant_type: 'client_credentials' }, headers: { authorization: 'Basic %%%' } }, 401, 'invalid_client'],
        [{ form: { grant_type: 'client_credentials' }, headers: { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` } }, 401, 'invalid_client'],
        [{ form: { grant_type: 'client_credentials' } }, 401, 'invalid_client'],
        [{ form: { grant_type: 'client_credentials', client_secret: reader.clientSecret }, headers: { authorization: good } }, 400, 'invalid_request'],
        [{ form: { grant_type: 'password' }, headers: { authorization: good } }, 400, 'unsupported_grant_type'],
        [{ form: {}, headers: { authorization: good } }, 400, 'invalid_request'],
        [{ body: 'grant_type=client_credentials&grant_type=client_credentials', headers: { authorization: good, 'content-type': 'application/x-www-form-urlencoded' } }, 400, 'invalid_request'],
        [{ json: { grant_type: 'client_credentials' }, headers: { authorization: good } }, 400, 'invalid_request'],
        [{ form: { grant_type: 'client_credentials', scope: 'products:write' }, headers: { authorization: good } }, 400, 'invalid_scope'],
      ];
      for (const [init, status, error] of cases) {
        const response = await request(url, init);
        expect({ status: response.status, error: response.body?.error }).toEqual({ status, error });
        expect(response.headers.get('cache-control')).toBe('no-store');
        if (status === 401 && init?.headers?.authorization) expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
      }
      const ok = await request(url, { form: { grant_type: 'client_credentials', scope: 'products:read' }, headers: { authorization: good } });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope: 'products:read' });
      plaintexts.push(ok.body.access_token);
    });

    it('answers a control character in the URL of an OAuth endpoint in RFC 6749 §5.2 shape too, and elsewhere in its own', async () => {
      for (const endpoint of ['token', 'introspect', 'revoke']) {
        const response = await request(`${server.url}/oauth/${endpoint}?x=%00`, {
          form: { grant_type: 'client_credentials', token: 'x' },
          headers: { authorization: basic(reader.clientId, reader.clientSecret) },
        });
        expect({ status: response.status, body: response.body }, endpoint).toEqual({
          status: 400,
          body: { error: 'invalid_request', error_description: 'The URL contains a control character.' },
        });
        expect(response.headers.get('cache-control'), endpoint).toBe('no-store');
      }
      const management = await request(`${server.url}/apis/my-api/service-accounts?q=%1F`, { token: adminToken });
      expect(management.status).toBe(400);
      expect(management.body.error).toEqual({ code: 'REQUEST.VALIDATION_FAILED', message: 'The URL contains a control character.', requestId: management.headers.get('x-request-id') });
    });
  });

  describe('bearer verification', () => {
    let token: string;
    let otherKey: KeyObject;

    beforeAll(async () => {
      token = await tokenFor(server, reader.clientId, reader.clientSecret);
      plaintexts.push(token);
      otherKey = generateKeyPairSync('ed25519').privateKey;
    });

    async function call(bearer: string, path = '/my-api/products') {
      return request(`${server.url}${path}`, { token: bearer });
    }

    function expectInvalidToken(response: Awaited<ReturnType<typeof call>>) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="invalid_token"/);
      expect(response.body.error.code).toBe('AUTH.INVALID_TOKEN');
    }

    it('accepts a valid token', async () => {
      expect((await call(token)).status).toBe(200);
    });

    it('asks for a token when there is none (RFC 6750 §3.1)', async () => {
      const response = await request(`${server.url}/my-api/products`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
    });

    it('rejects a tampered token', async () => {
      const [h, p, s] = token.split('.');
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...claims, scope: 'products:read products:write' })).toString('base64url');
      expectInvalidToken(await call(`${h}.${forged}.${s}`));
    });

    it('says that a bearer which is not a signed JWT is malformed, and keeps "signature is invalid" for a JWS signed wrongly', async () => {
      const described = async (bearer: string) => {
        const response = await call(bearer);
        expectInvalidToken(response);
        return /error_description="([^"]*)"/.exec(response.headers.get('www-authenticate') ?? '')?.[1];
      };
      // What a script sends when its login failed and its token variable is empty or unset.
      for (const notAJwt of ['undefined', 'null', 'abc.def.ghi', 'not.a.token', `abc.def.${token.split('.')[2]}`]) {
        expect({ notAJwt, description: await described(notAJwt) }).toEqual({ notAJwt, description: 'The access token is malformed: it is not a signed JWT.' });
      }
      const [h, p, s] = token.split('.') as [string, string, string];
      const other = Buffer.from(JSON.stringify({ ...decodeJwt(token), scope: 'products:write' })).toString('base64url');
      for (const badlySigned of [`${h}.${p}.${s.slice(0, -4)}`, `${h}.${p}.${s.slice(0, -4)}AAAA`, `${h}.${other}.${s}`, `${h}.${p}.${s.slice(0, -1)}${s.at(-1) === 'A' ? 'B' : 'A'}`]) {
        expect({ badlySigned, description: await described(badlySigned) }).toEqual({ badlySigned, description: 'The access token signature is invalid.' });
      }
      expect((await call(token)).status).toBe(200);
    });

    it('accepts a token only as it was issued, not in another spelling of its signature', async () => {
      const fresh = await tokenFor(server, reader.clientId, reader.clientSecret);
      plaintexts.push(fresh);
      const signature = fresh.slice(fresh.lastIndexOf('.') + 1);
      const base64url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      // The last character's four low bits are padding: flipping them decodes to the same bytes.
      const last = base64url.indexOf(signature.at(-1)!);
      const respelled = `${fresh.slice(0, -1)}${base64url[last | 1]}`;
      expect(Buffer.from(respelled.slice(respelled.lastIndexOf('.') + 1), 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
      expectInvalidToken(await call(respelled));
      expect((await call(fresh)).status).toBe(200);
    });

    it('rejects an unsigned token (alg none)', async () => {
      const claims = decodeJwt(token);
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      expectInvalidToken(await call(`${header}.${payload}.`));
    });

    it('rejects a token signed with another key, even under a known kid', async () => {
      const claims = decodeJwt(token);
      const { kid } = decodeProtectedHeader(token);
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: kid! }).sign(otherKey);
      expectInvalidToken(await call(forged));
    });

    it('rejects a token for another API', async () => {
      const other = await bootstrap(server, 'other-api');
      plaintexts.push(other.clientSecret);
      const otherToken = await tokenFor(server, other.clientId, other.clientSecret);
      expectInvalidToken(await call(otherToken));
    });

    it('rejects a token without the route scope with 403 insufficient_scope', async () => {
      const response = await request(`${server.url}/my-api/products`, { token, json: { name: 'x' } });
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toBe(
        'Bearer realm="tessera", error="insufficient_scope", error_description="The access token lacks the scope products:write.", scope="products:write"',
      );
      expect(response.body.error.code).toBe('AUTH.INSUFFICIENT_SCOPE');
    });

    it('rejects an expired token signed by a key of this issuer', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const pepper = db.kind === 'sqlite' ? readFileSync(join(db.dir, 'data', 'pepper'), 'utf8').trim() : server.env.TESSERA_PEPPER!;
      const kid = 'key_0355AAAAAAAAAAAAAAAAAA';
      const now = new Date();
      await sql(db, 'insert into signing_key (id, alg, public_jwk, encrypted_private_key, created_at, retired_at) values (?, ?, ?, ?, ?, ?)', [
        kid,
        'EdDSA',
        JSON.stringify(publicKey.export({ format: 'jwk' })),
        new KeyEncryption(Buffer.from(pepper)).encrypt(JSON.stringify(privateKey.export({ format: 'jwk' }))),
        new Date(now.getTime() - 3_600_000),
        now,
      ]);
      const claims = decodeJwt(token);
      const iat = Math.floor(Date.now() / 1000) - 3600;
      const build = (exp: number) => new SignJWT({ ...claims, iat, exp }).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid }).sign(privateKey);
      // Proof that the key is trusted: the same claims, still live, pass.
      expect((await call(await build(iat + 7200))).status).toBe(200);
      const expired = await call(await build(iat + 60));
      expectInvalidToken(expired);
      expect(expired.body.error.message).toBe('The access token expired.');
    });

    it('rejects the live token of a secret once it is disabled, on the next call', async () => {
      const client = await createClient(server, adminToken, 'my-api', ['products:read'], 'soon disabled');
      const live = await tokenFor(server, client.clientId, client.clientSecret);
      plaintexts.push(client.clientSecret, live);
      expect((await call(live)).status).toBe(200);
      const disabled = await request(`${server.url}/apis/my-api/service-accounts/${client.accountId}/secrets/${client.secretId}`, {
        method: 'PATCH',
        token: adminToken,
        json: { status: 'disabled' },
      });
      expect(disabled.status).toBe(200);
      expectInvalidToken(await call(live));
    });

    it('accepts a token issued right after a secret is enabled again, and still refuses the older one', async () => {
      const client = await createClient(server, adminToken, 'my-api', ['products:read'], 'flapping');
      plaintexts.push(client.clientSecret);
      const secretUrl = `${server.url}/apis/my-api/service-accounts/${client.accountId}/secrets/${client.secretId}`;
      const before = await tokenFor(server, client.clientId, client.clientSecret);
      await request(secretUrl, { method: 'PATCH', token: adminToken, json: { status: 'disabled' } });
      await request(secretUrl, { method: 'PATCH', token: adminToken, json: { status: 'enabled' } });
      const after = await tokenFor(server, client.clientId, client.clientSecret); // same second, most likely
      plaintexts.push(before, after);
      expect((await call(after)).status).toBe(200);
      expectInvalidToken(await call(before));
    });

    it('rejects the live tokens of an account once it is disabled', async () => {
      const client = await createClient(server, adminToken, 'my-api', ['products:read'], 'account disabled');
      const live = await tokenFor(server, client.clientId, client.clientSecret);
      plaintexts.push(client.clientSecret, live);
      expect((await call(live)).status).toBe(200);
      await request(`${server.url}/apis/my-api/service-accounts/${client.accountId}`, { method: 'PATCH', token: adminToken, json: { status: 'disabled' } });
      expectInvalidToken(await call(live));
      const again = await request(`${server.url}/System/UserAccount`, { json: { clientId: client.clientId, clientSecret: client.clientSecret } });
      expect(again.status).toBe(401);
    });

    it('refuses tokens in the query string (RFC 6750 §5.3), and keeps them out of the logs', async () => {
      const response = await request(`${server.url}/my-api/products?access_token=${token}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
      await vi.waitFor(() => expect(server.logs()).toContain('access_token=[redacted]'));
    });

    it('answers a malformed Authorization header, or a token sent twice, with 400 invalid_request (RFC 6750 §2, §3.1)', async () => {
      for (const init of [
        { headers: { authorization: `Bearer ${token} extra` } },
        { headers: { authorization: `Bearer  ${token}` } },
        { headers: { authorization: 'Bearer' } },
      ]) {
        const response = await request(`${server.url}/my-api/products`, init);
        expect(response.status, init.headers.authorization.slice(0, 12)).toBe(400);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="invalid_request"/);
        expect(response.body.error.code).toBe('REQUEST.VALIDATION_FAILED');
      }
      const twice = await request(`${server.url}/my-api/products?access_token=${token}`, { token });
      expect(twice.status).toBe(400);
      expect(twice.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
      // Another scheme is no bearer token at all: 401 without an error code (RFC 6750 §3.1).
      const basicScheme = await request(`${server.url}/my-api/products`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
      expect(basicScheme.status).toBe(401);
      expect(basicScheme.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
      expect((await request(`${server.url}/my-api/products`, { token })).status).toBe(200);
    });
  });

  describe('nothing leaks', () => {
    it('keeps every plaintext secret and token out of the logs and the database', async () => {
      // Credentials pasted into URLs, where the request log line would show them.
      const token = await tokenFor(server, reader.clientId, reader.clientSecret);
      plaintexts.push(token);
      for (const path of [`/nope?secret=${reader.clientSecret}`, `/nope?apiKey=${reader.clientSecret}`, `/${reader.clientSecret}`, `/my-api/${token}`, `/nope?q=${token}`]) {
        expect((await request(`${server.url}${path}`)).status).toBeGreaterThanOrEqual(400);
      }
      await new Promise((r) => setTimeout(r, 600));
      const logs = server.logs() + readFileSync(join(db.dir, 'cli.log'), 'utf8');
      const stored = await dumpDatabase(db);
      expect(plaintexts.length).toBeGreaterThan(10);
      expect(logs).toContain('request completed'); // the scan reads real log lines
      expect(stored).toContain(reader.clientId); // and the real database
      for (const plaintext of plaintexts) {
        expect(logs.includes(plaintext), 'plaintext in logs').toBe(false);
        expect(stored.includes(plaintext), 'plaintext in the database').toBe(false);
        // nor the random body of a secret, in any encoding that matters
        if (plaintext.startsWith('tsk_')) expect(stored.includes(plaintext.slice(4, 40))).toBe(false);
      }
    });
  });
});

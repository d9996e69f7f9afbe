/**
 * The verifier against a local key set, with tokens signed here: what Tessera never issues (another
 * `typ`, another algorithm, an expired token) must be refused as invalid, and a key set that
 * cannot be fetched must not be blamed on the token.
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsufficientScopeError, InvalidTokenError } from './errors';
import { createTokenVerifier } from './token-verifier';

let server: Server;
let url: string;
let privateKey: CryptoKey;
let publicJwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'key_test', alg: 'EdDSA', use: 'sig' };
  server = createServer((request, response) => {
    if (request.url === '/.well-known/jwks.json') return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const CLAIMS = { client_id: 'tci_reader', scope: 'products:read', jti: '1764417600000abc', secret_id: 'sec_abc' };

function sign(options: { typ?: string; expiresIn?: number; audience?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(CLAIMS)
    .setProtectedHeader({ alg: 'EdDSA', typ: options.typ ?? 'at+jwt', kid: 'key_test' })
    .setIssuer(url)
    .setSubject('tci_reader')
    .setAudience(options.audience ?? 'my-api')
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (options.expiresIn ?? 900))
    .sign(privateKey);
}

const verifier = () => createTokenVerifier({ issuer: url, audience: 'my-api', jwksUri: `${url}/.well-known/jwks.json`, clockToleranceSeconds: 0 });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a failure'),
    (error: unknown) => error,
  );
}

describe('createTokenVerifier', () => {
  it('accepts an at+jwt EdDSA token for its issuer and audience, and returns its claims', async () => {
    await expect(verifier().verify(await sign(), { scopes: ['products:read'] })).resolves.toMatchObject({ ...CLAIMS, iss: url, aud: 'my-api', sub: 'tci_reader' });
  });

  it('refuses a token of another type (RFC 9068: an ID token or plain JWT is no access token)', async () => {
    for (const typ of ['JWT', 'id_token+jwt']) {
      expect(await failure(verifier().verify(await sign({ typ })))).toMatchObject({ name: 'InvalidTokenError', code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    }
  });

  it('refuses an expired token and one for another audience as invalid_token', async () => {
    const expired = await failure(verifier().verify(await sign({ expiresIn: -1 })));
    expect(expired).toBeInstanceOf(InvalidTokenError);
    expect(expired).toMatchObject({ code: 'ERR_JWT_EXPIRED', status: 401 });
    expect(await failure(verifier().verify(await sign({ audience: 'other-api' })))).toBeInstanceOf(InvalidTokenError);
    expect(await failure(verifier().verify('not.a.token'))).toBeInstanceOf(InvalidTokenError);
  });

  it('refuses an unsigned token (alg none)', async () => {
    const [, payload] = (await sign()).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    expect(await failure(verifier().verify(`${header}.${payload}.`))).toBeInstanceOf(InvalidTokenError);
  });

  it('tells a missing scope from an invalid token', async () => {
    const error = await failure(verifier().verify(await sign(), { scopes: ['products:read', 'products:write'] }));
    expect(error).toBeInstanceOf(InsufficientScopeError);
    expect(error).toMatchObject({ status: 403, requiredScopes: ['products:read', 'products:write'], grantedScopes: ['products:read'] });
    expect((error as Error).message).toBe('The token lacks the scope products:write.');
  });

  it('does not blame the token when the key set cannot be fetched', async () => {
    const unreachable = createTokenVerifier({ issuer: url, audience: 'my-api', jwksUri: `${url}/missing/jwks.json` });
    const error = await failure(unreachable.verify(await sign()));
    expect(error).not.toBeInstanceOf(InvalidTokenError);
    expect(error).not.toBeInstanceOf(InsufficientScopeError);
  });
});

import type { AccessTokenClaims } from '@tessera/contracts';
import { ACCESS_TOKEN_TYPE } from '@tessera/contracts';
import { sign, type KeyObject } from 'node:crypto';

/**
 * Signs access tokens as compact JWS (RFC 7515) with Ed25519. Done with node:crypto directly:
 * jose's WebCrypto signing measured 3x slower here and signing is the hot path of issuance.
 * Verification, where a library's checks matter most, is jose's (see TokenVerifier).
 */
export function signAccessToken(claims: AccessTokenClaims, kid: string, privateKey: KeyObject): string {
  const header = base64url(JSON.stringify({ alg: 'EdDSA', typ: ACCESS_TOKEN_TYPE, kid }));
  const payload = base64url(JSON.stringify(claims));
  const signingInput = `${header}.${payload}`;
  return `${signingInput}.${sign(null, Buffer.from(signingInput), privateKey).toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

import type { AccessTokenClaims } from '@tessera/contracts';
import { ACCESS_TOKEN_TYPE } from '@tessera/contracts';
import { sign, type KeyObject } from 'node:crypto';

/** The encoded protected header of the last key id signed with: it changes only on rotation. */
let lastHeader = { kid: '', encoded: '' };

/**
 * Signs access tokens as compact JWS (RFC 7515) with Ed25519. Done with node:crypto directly:
 * jose's WebCrypto signing measured 3x slower here and signing is the hot path of issuance.
 * Verification, where a library's checks matter most, is jose's (see TokenVerifier).
 */
export function signAccessToken(claims: AccessTokenClaims, kid: string, privateKey: KeyObject): string {
  const signingInput = `${encodedHeader(kid)}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${sign(null, Buffer.from(signingInput), privateKey).toString('base64url')}`;
}

function encodedHeader(kid: string): string {
  if (lastHeader.kid !== kid) lastHeader = { kid, encoded: base64url(JSON.stringify({ alg: 'EdDSA', typ: ACCESS_TOKEN_TYPE, kid })) };
  return lastHeader.encoded;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

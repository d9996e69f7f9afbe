import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { signAccessToken } from './token-signer';

const claims = {
  iss: 'http://localhost:3000',
  sub: 'tci_a',
  aud: 'my-api',
  client_id: 'tci_a',
  scope: 'products:read',
  jti: 'jti',
  iat: 1,
  exp: 901,
  secret_id: 'sec_a',
};

describe('signAccessToken', () => {
  it('names the key it was given in each header, when the key changes between tokens and back', async () => {
    const first = generateKeyPairSync('ed25519');
    const second = generateKeyPairSync('ed25519');
    for (const [kid, pair] of [['key_first', first], ['key_second', second], ['key_first', first]] as const) {
      const token = signAccessToken(claims, kid, pair.privateKey);
      expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'at+jwt', kid });
      const { payload } = await compactVerify(token, pair.publicKey, { algorithms: ['EdDSA'] });
      expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(claims);
    }
  });
});

import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { resolve } from 'node:path';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { ed25519Implementation, ed25519Signer, signAccessToken } from './token-signer';

/** PKCS#8 wrapping of a bare Ed25519 seed (RFC 8410): version 0, OID 1.3.101.112, octet string. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

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

describe('ed25519Signer', () => {
  it('signs with libsodium on this platform (linux-x64 has a prebuilt addon)', () => {
    expect(ed25519Implementation()).toEqual({ name: 'libsodium', problem: null });
  });

  it('gives the same signature with libsodium as with node:crypto, for any key and message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 2048 }), (seed, bytes) => {
        const { privateKey, publicKey } = keyFromSeed(seed);
        const message = Buffer.from(bytes);
        const fromSodium = ed25519Signer(privateKey, 'libsodium')(message);
        expect(fromSodium.equals(ed25519Signer(privateKey, 'node:crypto')(message))).toBe(true);
        expect(verify(null, message, publicKey, fromSodium)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('falls back to node:crypto, with the same tokens, where sodium-native does not load', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    // The built signer in a process where loading sodium-native fails, as on a platform without it.
    const script = `
      const signer = require(process.env.SIGNER);
      const key = require('node:crypto').createPrivateKey(process.env.KEY);
      process.stdout.write(JSON.stringify({ implementation: signer.ed25519Implementation(), token: signer.signAccessToken(JSON.parse(process.env.CLAIMS), 'key_a', key) }));`;
    const output = execFileSync(process.execPath, ['--require', resolve(__dirname, '../../test/fixtures/without-sodium.cjs'), '-e', script], {
      env: { ...process.env, SIGNER: resolve(__dirname, '../../dist/tokens/token-signer.js'), KEY: pem, CLAIMS: JSON.stringify(claims) },
      encoding: 'utf8',
    });
    const { implementation, token } = JSON.parse(output) as { implementation: { name: string; problem: string | null }; token: string };
    expect(implementation).toEqual({ name: 'node:crypto', problem: expect.stringContaining('No native build was found') });
    expect(token).toBe(signAccessToken(claims, 'key_a', privateKey));
  });

  it('refuses a key that is not an Ed25519 private key', () => {
    expect(() => ed25519Signer(generateKeyPairSync('ed25519').publicKey)).toThrow(TypeError);
    expect(() => ed25519Signer(generateKeyPairSync('x25519').privateKey)).toThrow(TypeError);
  });
});

/** The Ed25519 key pair of a 32-byte seed (RFC 8032's private key), imported as PKCS#8 DER. */
function keyFromSeed(seed: Uint8Array) {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

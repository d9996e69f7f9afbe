import type { AccessTokenClaims } from '@tessera/contracts';
import { ACCESS_TOKEN_TYPE } from '@tessera/contracts';
import { sign, type KeyObject } from 'node:crypto';

/** Signs bytes with one Ed25519 private key: the 64-byte signature of RFC 8032. */
export type Ed25519Sign = (data: Buffer) => Buffer;

/** Where Ed25519 signatures are computed; both give the same bytes (Ed25519 is deterministic). */
export type Ed25519Implementation = 'libsodium' | 'node:crypto';

/** The parts of sodium-native's API the signer uses. */
interface Sodium {
  readonly crypto_sign_BYTES: number;
  readonly crypto_sign_SECRETKEYBYTES: number;
  crypto_sign_detached(signature: Buffer, message: Buffer, secretKey: Buffer): void;
  /** Memory between guard pages, zeroed when it is freed (libsodium also asks to keep it out of swap). */
  sodium_malloc(size: number): Buffer;
}

/**
 * libsodium (sodium-native's prebuilt addon) when it loads on this platform: it signs in half the
 * time of `node:crypto`, whose every call goes through OpenSSL 3's provider lookup (~15 µs against
 * ~30 µs per token here). Where no prebuilt addon fits (musl, an unusual CPU), `node:crypto`.
 */
const sodium: { readonly module: Sodium | null; readonly problem: string | null } = (() => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only if it can be
    return { module: require('sodium-native') as Sodium, problem: null };
  } catch (error) {
    return { module: null, problem: error instanceof Error ? error.message : String(error) };
  }
})();

/** The implementation new signers use, and why it is not libsodium when it is not. */
export function ed25519Implementation(): { readonly name: Ed25519Implementation; readonly problem: string | null } {
  return { name: sodium.module ? 'libsodium' : 'node:crypto', problem: sodium.problem };
}

/** A signer for one private key, with libsodium when it loaded (or the implementation asked for). */
export function ed25519Signer(privateKey: KeyObject, implementation: Ed25519Implementation = ed25519Implementation().name): Ed25519Sign {
  if (privateKey.asymmetricKeyType !== 'ed25519' || privateKey.type !== 'private') {
    throw new TypeError('An Ed25519 private key is required');
  }
  const lib = sodium.module;
  if (implementation === 'node:crypto') return (data) => sign(null, data, privateKey);
  if (!lib) throw new Error(`libsodium is not available: ${sodium.problem}`);
  // libsodium's secret key is the 32-byte seed followed by the 32-byte public key.
  const { d, x } = privateKey.export({ format: 'jwk' });
  const secretKey = guardedBuffer(lib, lib.crypto_sign_SECRETKEYBYTES);
  const seed = Buffer.from(d!, 'base64url');
  seed.copy(secretKey, 0);
  Buffer.from(x!, 'base64url').copy(secretKey, seed.length);
  seed.fill(0);
  return (data) => {
    const signature = Buffer.allocUnsafe(lib.crypto_sign_BYTES);
    lib.crypto_sign_detached(signature, data, secretKey);
    return signature;
  };
}

/** Guarded memory for libsodium's copy of a key where it can be mapped, else an ordinary buffer. */
function guardedBuffer(lib: Sodium, size: number): Buffer {
  try {
    return lib.sodium_malloc(size);
  } catch {
    return Buffer.alloc(size);
  }
}

/** One signer per key object: the key's libsodium form is made once, on its first token. */
const signers = new WeakMap<KeyObject, Ed25519Sign>();

function signerFor(privateKey: KeyObject): Ed25519Sign {
  let signer = signers.get(privateKey);
  if (!signer) {
    signer = ed25519Signer(privateKey);
    signers.set(privateKey, signer);
  }
  return signer;
}

/** The encoded protected header of the last key id signed with: it changes only on rotation. */
let lastHeader = { kid: '', encoded: '' };

/**
 * Signs access tokens as compact JWS (RFC 7515) with Ed25519, without jose: jose's WebCrypto
 * signing measured 3x slower than `node:crypto` here, and libsodium halves `node:crypto`'s time
 * again; signing is the hot path of issuance. Verification, where a library's checks matter
 * most, is jose's (see TokenVerifier).
 */
export function signAccessToken(claims: AccessTokenClaims, kid: string, privateKey: KeyObject): string {
  const signingInput = `${encodedHeader(kid)}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${signerFor(privateKey)(Buffer.from(signingInput)).toString('base64url')}`;
}

function encodedHeader(kid: string): string {
  if (lastHeader.kid !== kid) lastHeader = { kid, encoded: base64url(JSON.stringify({ alg: 'EdDSA', typ: ACCESS_TOKEN_TYPE, kid })) };
  return lastHeader.encoded;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

import { Inject, Injectable } from '@nestjs/common';
import { ACCESS_TOKEN_TYPE, AccessTokenClaims } from '@tessera/contracts';
import type { Clock } from '@tessera/domain';
import { errors, jwtVerify, type JWTHeaderParameters } from 'jose';
import type { KeyObject } from 'node:crypto';
import { CLOCK, CONFIG } from '../common/tokens';
import type { Config } from '../config/env';
import { Metrics } from '../ops/metrics';
import { SigningKeysService } from '../tokens/signing-keys.service';
import type { Principal } from './principal';
import { RevocationService, type RevocationKeys } from './revocation.service';

const CACHE_LIMIT = 50_000;
const NOT_OUR_KEY = 'The access token was not signed by a key of this issuer.';
const BAD_SIGNATURE = 'The access token signature is invalid.';
const NOT_A_JWS = 'The access token is malformed: it is not a signed JWT.';
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * An Ed25519 signature (64 bytes) in its one base64url form: 86 characters, the last carrying two
 * bits and four zero bits. Base64 decoders ignore those four bits, so without this check three
 * more spellings of every token would verify: the same token to us (revocation goes by `jti`),
 * but a different string to anything that blocks or logs tokens as written.
 */
function isCanonicalSignature(signature: string): boolean {
  return signature.length === 86 && 'AQgw'.includes(signature[85]!);
}

/**
 * Whether a token is a compact JWS in form: three base64url segments, the first a JSON object (the
 * protected header). Asked only of tokens whose signature is not canonical, so that what is not a
 * JWS at all (`Bearer undefined` from a script whose login failed, `abc.def.ghi`) is called
 * malformed, and "signature is invalid" is kept for a JWS whose signature is wrong or respelled.
 */
function isCompactJws(token: string): boolean {
  const segments = token.split('.');
  if (segments.length !== 3 || !segments.every((segment) => BASE64URL.test(segment))) return false;
  try {
    const header: unknown = JSON.parse(Buffer.from(segments[0]!, 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && !Array.isArray(header);
  } catch {
    return false;
  }
}

/** Why a token whose signature is not canonical is refused, without asking jose or the keys. */
function refuseUncanonical(token: string): { readonly ok: false; readonly description: string } {
  return { ok: false, description: isCompactJws(token) ? BAD_SIGNATURE : NOT_A_JWS };
}

/** A verified token is its caller: the claims, and the scopes as a set (built once per token). */
export type Verification = ({ readonly ok: true } & Principal) | { readonly ok: false; readonly description: string };

interface CachedToken {
  readonly token: string;
  /** The key that signed it: the token is accepted only while the key is published. */
  readonly kid: string;
  readonly verification: Verification & { ok: true };
  readonly revocation: RevocationKeys;
}

/**
 * Verifies access tokens with jose: the pinned algorithm, `typ: at+jwt`, our issuer, a published
 * key, expiry; then the claims' shape and revocation. A verified token is cached until it expires,
 * so repeated calls skip the signature check; expiry, its key still being published and revocation
 * are checked on every call. The audience and scopes are the route's business (BearerGuard).
 */
@Injectable()
export class TokenVerifier {
  /**
   * Keyed by the token's signature, not the whole token: a lookup hashes the key, and a token is
   * seven times longer than its signature. The entry keeps the whole token to compare with.
   */
  private readonly cache = new Map<string, CachedToken>();

  constructor(
    private readonly keys: SigningKeysService,
    private readonly revocations: RevocationService,
    private readonly metrics: Metrics,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * The verification of a token verified before (still valid or not), without a promise: the
   * path of nearly every request. `undefined` when the token is not in the cache.
   */
  verifyCached(token: string): Verification | undefined {
    const signature = token.slice(token.lastIndexOf('.') + 1);
    const cached = this.cache.get(signature);
    if (cached === undefined || cached.token !== token) return undefined;
    const result = this.stillValid(cached, signature);
    this.metrics.countVerification(result.ok, true);
    return result;
  }

  async verify(token: string): Promise<Verification> {
    return this.verifyCached(token) ?? this.verifyUncached(token);
  }

  /** The verification of a token `verifyCached` did not hold: signature and claims, then cached. */
  async verifyUncached(token: string): Promise<Verification> {
    const signature = token.slice(token.lastIndexOf('.') + 1);
    const started = performance.now();
    const checked = isCanonicalSignature(signature) ? await this.verifySignature(token) : refuseUncanonical(token);
    let result: Verification;
    if (!checked.ok) result = checked;
    else {
      const entry: CachedToken = {
        token,
        kid: checked.kid,
        verification: { ok: true, claims: checked.claims, scopes: new Set(checked.claims.scope.split(' ').filter(Boolean)) },
        revocation: this.revocations.keysOf(checked.claims),
      };
      if (this.cache.size >= CACHE_LIMIT) this.evict(Math.floor(this.clock.now().getTime() / 1000));
      this.cache.set(signature, entry);
      result = this.stillValid(entry, signature);
    }
    this.metrics.tokenVerification.observe({ outcome: result.ok ? 'valid' : 'invalid' }, (performance.now() - started) / 1000);
    this.metrics.countVerification(result.ok, false);
    return result;
  }

  /** Expiry, the key and revocation, checked on every use of a verified token. */
  private stillValid(entry: CachedToken, signature: string): Verification {
    const now = this.clock.now();
    if (entry.verification.claims.exp <= Math.floor(now.getTime() / 1000)) {
      this.cache.delete(signature);
      return { ok: false, description: 'The access token expired.' };
    }
    if (!this.keys.isPublished(entry.kid, now)) {
      this.cache.delete(signature);
      return { ok: false, description: NOT_OUR_KEY };
    }
    if (this.revocations.isRevoked(entry.revocation)) return { ok: false, description: 'The access token was revoked.' };
    return entry.verification;
  }

  private async verifySignature(token: string): Promise<{ ok: true; claims: AccessTokenClaims; kid: string } | { ok: false; description: string }> {
    try {
      const { payload, protectedHeader } = await jwtVerify(token, (header) => this.keyFor(header), {
        algorithms: ['EdDSA'],
        typ: ACCESS_TOKEN_TYPE,
        issuer: this.config.issuer,
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'aud', 'client_id', 'scope', 'secret_id'],
        currentDate: this.clock.now(),
      });
      const claims = AccessTokenClaims.safeParse(payload);
      if (!claims.success) return { ok: false, description: 'The access token is malformed.' };
      return { ok: true, claims: claims.data, kid: protectedHeader.kid! }; // keyFor refuses a token without one
    } catch (error) {
      return { ok: false, description: describe(error) };
    }
  }

  /** The key of a published `kid`: asked again for every token, as keys leave the JWKS. */
  private async keyFor(header: JWTHeaderParameters): Promise<KeyObject> {
    const key = header.kid ? await this.keys.publicKey(header.kid) : null;
    if (!key) throw new errors.JWKSNoMatchingKey();
    return key;
  }

  /** Drops expired entries, then the oldest half if still full. */
  private evict(nowSeconds: number): void {
    for (const [signature, { verification }] of this.cache) if (verification.claims.exp <= nowSeconds) this.cache.delete(signature);
    if (this.cache.size < CACHE_LIMIT) return;
    let drop = this.cache.size / 2;
    for (const signature of this.cache.keys()) {
      if (drop-- <= 0) break;
      this.cache.delete(signature);
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The access token expired.';
  if (error instanceof errors.JWTClaimValidationFailed) return `The access token's "${error.claim}" claim is not acceptable.`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The access token is not signed with an accepted algorithm.';
  if (error instanceof errors.JWSSignatureVerificationFailed) return BAD_SIGNATURE;
  if (error instanceof errors.JWKSNoMatchingKey) return NOT_OUR_KEY;
  if (error instanceof errors.JWSInvalid) return NOT_A_JWS;
  return 'The access token is malformed.';
}

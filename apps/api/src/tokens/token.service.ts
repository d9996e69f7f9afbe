import { Inject, Injectable } from '@nestjs/common';
import type { AccessTokenClaims, AuthenticationFailureReason, TokenGrant } from '@tessera/contracts';
import {
  decideAuthentication,
  formatScopes,
  isClientId,
  isSubsetOf,
  parseScopeString,
  parseSecret,
  type Clock,
  type RandomBytes,
  type Scope,
  type Secret,
  type SecretHasher,
  type ServiceAccount,
} from '@tessera/domain';
import { Store } from '@tessera/store';
import { FailureThrottle } from '../auth/failure-throttle.service';
import { hashesEqual } from '../crypto/secret-hasher';
import { CLOCK, CONFIG, HASHER, RANDOM } from '../common/tokens';
import type { Config } from '../config/env';
import type { AuditContext } from '../events/audit-context';
import { EventWriter } from '../events/event-writer.service';
import { ApiPolicyCache } from '../management/api-policy.cache';
import { Metrics } from '../ops/metrics';
import { CredentialCache } from './credential-cache';
import { newJti } from './jti';
import { SigningKeysService } from './signing-keys.service';
import { signAccessToken } from './token-signer';

/** A client's presented credentials and what it asks for. */
export interface TokenRequest {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Space-delimited scopes (OAuth `scope`); absent: every scope of the account. */
  readonly scope?: string;
  readonly grant: TokenGrant;
  readonly context: AuditContext;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresIn: number;
  readonly scope: string;
}

/** Why no token was issued. The caller only ever learns `invalid_client`, never the reason. */
export type TokenFailure =
  | { readonly kind: 'invalid_client' }
  | { readonly kind: 'invalid_scope'; readonly message: string }
  | { readonly kind: 'throttled'; readonly retryAfterSeconds: number };

export type ClientAuthentication =
  | {
      readonly ok: true;
      readonly account: ServiceAccount;
      readonly secretId: string;
      /** When the credentials were read (ms): the token counts as issued then, for revocation. */
      readonly readAt: number;
    }
  | { readonly ok: false; readonly failure: TokenFailure };

/** A database read of one client's credentials, shared by the requests that arrive while it runs. */
/** A read of one client's credentials: when it started (ms, on the database's clock), and what it found. */
interface CredentialRead {
  readonly readAt: number;
  readonly account: ServiceAccount | null;
  readonly secret: Secret | null;
}

/**
 * Trades client credentials for a signed access token. The secret's format and checksum are
 * checked before any database read; the secret is found by its keyed hash (an indexed lookup) and
 * compared in constant time; an unknown client ID does the same reads as a wrong secret.
 */
@Injectable()
export class TokenService {
  private lastExpiry = { exp: Number.NaN, text: '' };
  /** Credential reads under way, by keyed hash and client ID. */
  private readonly reads = new Map<string, Promise<CredentialRead>>();

  constructor(
    private readonly store: Store,
    private readonly keys: SigningKeysService,
    private readonly policies: ApiPolicyCache,
    private readonly events: EventWriter,
    private readonly throttle: FailureThrottle,
    private readonly metrics: Metrics,
    private readonly credentials: CredentialCache,
    @Inject(HASHER) private readonly hasher: SecretHasher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: RandomBytes,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async issue(request: TokenRequest): Promise<{ ok: true; value: IssuedToken } | { ok: false; failure: TokenFailure }> {
    const authentication = await this.authenticateClient(request.clientId, request.clientSecret, request.grant, request.context);
    if (!authentication.ok) return authentication;
    const { account, secretId, readAt } = authentication;

    let scopes: readonly Scope[] = account.scopes;
    if (request.scope !== undefined) {
      const requested = parseScopeString(request.scope);
      if (!requested.ok) return { ok: false, failure: { kind: 'invalid_scope', message: requested.error.message } };
      if (!isSubsetOf(requested.value, account.scopes)) {
        return { ok: false, failure: { kind: 'invalid_scope', message: 'The requested scope exceeds the scopes granted to this client.' } };
      }
      scopes = requested.value;
    }

    const policy = await this.policies.get(account.api);
    const lifetime = policy?.tokenLifetimeSeconds ?? 900;
    const now = this.clock.now();
    const iat = Math.floor(now.getTime() / 1000);
    const scope = formatScopes(scopes);
    const claims: AccessTokenClaims = {
      iss: this.config.issuer,
      sub: account.clientId,
      aud: account.api,
      client_id: account.clientId,
      scope,
      // Stamped with when the credentials were read (on the database's clock), not signed: a
      // disable that commits in between (revocations are stamped after their commit, on that
      // clock too) then always revokes this token.
      jti: newJti(new Date(readAt), this.random),
      iat,
      exp: iat + lifetime,
      secret_id: secretId,
    };
    const { kid, privateKey } = this.keys.current();
    const token = signAccessToken(claims, kid, privateKey);
    this.metrics.countTokenIssued(account.api, request.grant);
    this.events.tokenIssued(account.api, request.context, { accountId: account.id, secretId }, {
      jti: claims.jti,
      scope,
      expiresAt: this.expiryText(claims.exp),
      grant: request.grant,
    });
    return { ok: true, value: { token, expiresIn: lifetime, scope } };
  }

  /**
   * `exp` as an ISO date-time, for the audit trail. Kept for the second it was made in: the tokens
   * of one second share it, and V8 formats a date through printf (~4,000 instructions).
   */
  private expiryText(exp: number): string {
    if (this.lastExpiry.exp !== exp) this.lastExpiry = { exp, text: new Date(exp * 1000).toISOString() };
    return this.lastExpiry.text;
  }

  /**
   * Checks a client ID and secret (also used by introspection and revocation, where the caller
   * authenticates as a client). Failures are recorded with their real reason and counted per
   * client ID and per address. An address over its limit is refused before any work; a client ID
   * over its limit only turns further *failures* into 429 — its right secret still works, so
   * nobody can lock a service out by knowing its (public) client ID.
   */
  async authenticateClient(
    clientId: string,
    clientSecret: string,
    grant: TokenGrant | 'introspection',
    context: AuditContext,
  ): Promise<ClientAuthentication> {
    const addressBlocked = this.throttle.addressRetryAfter(context.source.ip);
    if (addressBlocked > 0) {
      // Counted, not recorded: a blocked address must not be able to fill the audit trail.
      this.metrics.authenticationFailures.inc({ api: '', grant, reason: 'THROTTLED' });
      return { ok: false, failure: { kind: 'throttled', retryAfterSeconds: addressBlocked } };
    }
    const parsed = parseSecret(clientSecret);
    if (!parsed.ok || !isClientId(clientId)) {
      return this.fail(null, clientId, parsed.ok ? 'UNKNOWN_CLIENT' : 'SECRET_MALFORMED', grant, context);
    }
    const hash = this.hasher.hash(parsed.value.plaintext);
    const cached = this.credentials.get(hash, clientId);
    let account: ServiceAccount | null;
    let secret: Secret | null;
    let readAt: number;
    if (cached) {
      ({ account, secret } = cached);
      readAt = cached.loadedAt;
      this.metrics.countCredentialLookup('cache');
    } else {
      ({ account, secret, readAt } = await this.readCredentials(hash, clientId));
    }
    const decision = decideAuthentication({
      account,
      secret,
      // The keyed hash was computed once above; compare it in constant time.
      secretMatches: secret !== null && hashesEqual(hash, secret.hash),
      now: this.clock.now(),
    });
    if (decision.accepted && !cached) this.credentials.set(hash, decision.account, decision.secret, readAt);
    if (!decision.accepted) {
      return this.fail(account, clientId, decision.reason, grant, context, secret?.accountId === account?.id ? secret?.id : undefined);
    }
    return { ok: true, account: decision.account, secretId: decision.secret.id, readAt };
  }

  /**
   * Reads the account of a client ID and the secret of a keyed hash. Requests for the same
   * credentials that arrive while a read is under way share it (when the cache entry of a busy
   * client expires, its concurrent requests make one read, not one each), and take its start as
   * their `readAt`: a revocation committed after that instant may not be in what was read.
   */
  private readCredentials(hash: string, clientId: string): Promise<CredentialRead> {
    const key = `${hash}\n${clientId}`;
    let read = this.reads.get(key);
    if (read) {
      this.metrics.countCredentialLookup('shared');
    } else {
      read = this.readFromDatabase(hash, clientId);
      const done = () => this.reads.delete(key);
      read.then(done, done);
      this.reads.set(key, read);
      this.metrics.countCredentialLookup('database');
    }
    return read;
  }

  /**
   * The read itself. Its time comes from the database's clock, which also stamps revocations
   * (RevocationService), and is taken before the rows are read: a revocation these rows may miss
   * committed after it and is stamped later, so it covers the tokens issued from them, whatever
   * the clocks of the API hosts say.
   */
  private async readFromDatabase(hash: string, clientId: string): Promise<CredentialRead> {
    const readAt = (await this.store.now()).getTime();
    const session = this.store.session();
    const [account, secret] = await Promise.all([session.accounts.findByClientId(clientId), session.secrets.findByHash(hash)]);
    return { readAt, account, secret };
  }

  /** Counts and records a failed authentication; answers 429 once the client ID was over its limit. */
  private async fail(
    account: ServiceAccount | null,
    clientId: string,
    reason: AuthenticationFailureReason,
    grant: TokenGrant | 'introspection',
    context: AuditContext,
    secretId?: string,
  ): Promise<ClientAuthentication> {
    // Blocked already before this failure: the limit allows that many failures answered 401.
    const retryAfterSeconds = this.throttle.clientRetryAfter(clientId);
    await this.throttle.fail(clientId, context.source.ip);
    this.metrics.authenticationFailures.inc({ api: account?.api ?? '', grant, reason });
    const subject = account ? { accountId: account.id, ...(secretId ? { secretId } : {}) } : {};
    this.events.enqueue(
      this.events.event('authentication.failed', account?.api ?? null, context, subject, {
        // Only a well-formed client ID is kept: whatever else a caller sends (a secret pasted in
        // the wrong field, control characters) never reaches the audit trail.
        clientId: isClientId(clientId) ? clientId : null,
        reason,
        grant,
      }),
    );
    return { ok: false, failure: retryAfterSeconds > 0 ? { kind: 'throttled', retryAfterSeconds } : { kind: 'invalid_client' } };
  }
}

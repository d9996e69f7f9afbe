import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Clock } from '@tessera/domain';
import { Store, type RevocationRow, type StoreSession } from '@tessera/store';
import { CLOCK, CONFIG } from '../common/tokens';
import type { Config } from '../config/env';
import { InvalidationBus, type Invalidation, type RevocationKind } from '../cluster/invalidation-bus';
import { jtiIssuedAt } from '../tokens/jti';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../tokens/signing-keys.service';

const PURGE_INTERVAL_MS = 10 * 60_000;
const FULL_RELOAD_INTERVAL_MS = 60_000;
/** Where a revocation's commit time cannot be read back, how long after its transaction's it counts. */
const UNSTAMPED_MARGIN_MS = 5_000;

/** What of a token revocation looks at. */
export interface RevocableToken {
  readonly jti: string;
  readonly client_id: string;
  readonly secret_id: string;
  readonly iat: number;
}

/** The key of a revocation, in the list and as the row's id: `kind:value`. */
function revocationKey(kind: RevocationKind, value: string): string {
  return `${kind}:${value}`;
}

/** The revocation-list keys of one token, built once per verified token rather than per check. */
export interface RevocationKeys {
  readonly token: string;
  readonly secret: string;
  readonly client: string;
  /** When the token was issued (ms): our jti carries it; for any other, the end of `iat`'s second. */
  readonly issuedAt: number;
}

/**
 * Revocation list. A revocation of a secret or client applies to every token issued at or before
 * it; of a token, to that token. Written to the database in the transaction of the change that
 * causes it, then pushed to every process; each process also polls the table, so none misses one.
 */
@Injectable()
export class RevocationService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RevocationService.name);
  /** key `kind:value` → revoked-at and expiry (ms since the epoch). */
  private readonly revoked = new Map<string, { revokedAt: number; expiresAt: number }>();
  private lastPoll = new Date(0);
  private lastPurge = 0;
  private lastFullLoad = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly bus: InvalidationBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async onModuleInit(): Promise<void> {
    this.bus.onMessage((message) => this.apply(message));
    await this.poll();
    const interval = this.config.redisUrl ? 5_000 : 1_000;
    this.timer = setInterval(() => {
      this.poll().catch((error: unknown) => this.logger.warn(`Polling revocations failed: ${String(error)}`));
    }, interval);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Records a revocation inside the caller's transaction. Call `publish` with the result once
   * the transaction has committed.
   */
  async record(tx: StoreSession, kind: RevocationKind, value: string, api: string): Promise<Invalidation> {
    // The database's clock, as every revocation time: a row stamped by a host running ahead
    // would, once polled, revoke tokens issued after a re-enable (`publish` only moves it later).
    const now = await tx.now();
    const expiresAt = new Date(now.getTime() + (MAX_TOKEN_LIFETIME_SECONDS + 60) * 1000);
    const row: RevocationRow = { id: revocationKey(kind, value), kind, value, api, revokedAt: now, expiresAt };
    await tx.revocations.upsert(row);
    return toMessage(row);
  }

  /**
   * Applies committed revocations (and other invalidations of the same change) here and announces
   * them to the other processes.
   */
  async publish(committed: readonly Invalidation[]): Promise<void> {
    // A revocation counts from its commit, not from when its transaction began: a client that read
    // its credentials before the commit got a token stamped earlier, and that token must be
    // revoked too. So the time is taken now, after the commit, and written back to the row. It is
    // the database's time, as the tokens' are (TokenService), so that the order holds when the
    // revoking and the issuing processes run on hosts whose clocks disagree.
    const messages = await Promise.all(committed.map((message) => (message.type === 'revoked' ? this.stampCommitted(message) : message)));
    for (const message of messages) {
      try {
        await this.bus.publish(message);
      } catch (error) {
        // Already durable and applied here; other processes pick it up at their next poll.
        this.apply(message);
        this.logger.warn(`Announcing a revocation failed; other processes will poll it: ${String(error)}`);
      }
    }
  }

  private async stampCommitted(message: Extract<Invalidation, { type: 'revoked' }>): Promise<Invalidation> {
    try {
      const revokedAt = (await this.store.now()).getTime();
      await this.store.session().revocations.restamp(revocationKey(message.kind, message.value), new Date(revokedAt));
      return { ...message, revokedAt };
    } catch (error) {
      // The commit's time is unknown: count the revocation from well after its transaction's, so
      // that a token read while it was committing is still refused (here and wherever this message
      // reaches; the row keeps the transaction's time).
      this.logger.warn(`Re-stamping a revocation failed; it counts from ${UNSTAMPED_MARGIN_MS / 1000} s after its transaction's time: ${String(error)}`);
      return { ...message, revokedAt: message.revokedAt + UNSTAMPED_MARGIN_MS };
    }
  }

  keysOf(token: RevocableToken): RevocationKeys {
    return {
      token: revocationKey('token', token.jti),
      secret: revocationKey('secret', token.secret_id),
      client: revocationKey('client', token.client_id),
      issuedAt: jtiIssuedAt(token.jti) ?? token.iat * 1000 + 999,
    };
  }

  isRevoked(keys: RevocationKeys): boolean {
    if (this.revoked.size === 0) return false;
    if (this.revoked.has(keys.token)) return true;
    const bySecret = this.revoked.get(keys.secret);
    if (bySecret && keys.issuedAt <= bySecret.revokedAt) return true;
    const byClient = this.revoked.get(keys.client);
    return byClient !== undefined && keys.issuedAt <= byClient.revokedAt;
  }

  /** Whether the secret or client was revoked at or after `since` (ms; cached credentials loaded before it are stale). */
  revokedSince(secretId: string, clientId: string, since: number): boolean {
    if (this.revoked.size === 0) return false;
    const bySecret = this.revoked.get(revocationKey('secret', secretId));
    const byClient = this.revoked.get(revocationKey('client', clientId));
    return (bySecret !== undefined && bySecret.revokedAt >= since) || (byClient !== undefined && byClient.revokedAt >= since);
  }

  /** Reads revocations made since the last poll (with a margin for clock and commit order). */
  async poll(): Promise<void> {
    const now = this.clock.now();
    // Incremental polls look back 5 s; once a minute every live row is read again, so a row
    // stamped by a skewed clock or committed late is never missed for long.
    const full = now.getTime() - this.lastFullLoad > FULL_RELOAD_INTERVAL_MS;
    if (full) this.lastFullLoad = now.getTime();
    const revocations = this.store.session().revocations;
    const rows = full ? await revocations.live(now) : await revocations.since(new Date(this.lastPoll.getTime() - 5_000), now);
    for (const row of rows) this.apply(toMessage(row));
    this.lastPoll = now;
    for (const [key, entry] of this.revoked) if (entry.expiresAt <= now.getTime()) this.revoked.delete(key);
    if (now.getTime() - this.lastPurge > PURGE_INTERVAL_MS) {
      this.lastPurge = now.getTime();
      // Rows past their expiry can no longer match a live token.
      await this.store.session().revocations.purgeExpired(now);
    }
  }

  private apply(message: Invalidation): void {
    if (message.type !== 'revoked') return;
    const key = revocationKey(message.kind, message.value);
    const existing = this.revoked.get(key);
    if (!existing || existing.revokedAt < message.revokedAt) {
      this.revoked.set(key, { revokedAt: message.revokedAt, expiresAt: message.expiresAt });
    }
  }
}

function toMessage(row: RevocationRow): Invalidation {
  return {
    type: 'revoked',
    kind: row.kind as RevocationKind,
    value: row.value,
    revokedAt: row.revokedAt.getTime(),
    expiresAt: row.expiresAt.getTime(),
  };
}

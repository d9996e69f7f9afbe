import { Injectable } from '@nestjs/common';
import type { Secret, ServiceAccount } from '@tessera/domain';
import { InvalidationBus } from '../cluster/invalidation-bus';
import { RevocationService } from '../auth/revocation.service';

const TTL_MS = 5_000;
const MAX_ENTRIES = 100_000;

interface Entry {
  readonly account: ServiceAccount;
  readonly secret: Secret;
  /** When the credentials were read (ms, on the database's clock, as revocations are stamped). */
  readonly loadedAt: number;
  /** When the entry was made (ms, on this host's clock, for its time to live). */
  readonly cachedAt: number;
}

/**
 * Recently verified credentials, keyed by the secret's keyed hash (never the plaintext), so that a
 * client asking for tokens again skips the two database reads. Only successful look-ups are kept,
 * each for at most 5 seconds; any change to the account or its secrets drops its entries on every
 * process at once (invalidation bus), and an entry older than a revocation of its secret or client
 * is never used. Expiry is re-decided on every use from the cached expiry date.
 */
@Injectable()
export class CredentialCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly revocations: RevocationService,
    bus: InvalidationBus,
  ) {
    bus.onMessage((message) => {
      if (message.type === 'account-changed') this.dropClient(message.clientId);
      else if (message.type === 'revoked' && message.kind === 'client') this.dropClient(message.value);
      else if (message.type === 'revoked' && message.kind === 'secret') this.dropSecret(message.value);
    });
  }

  get(hash: string, clientId: string): Entry | null {
    const entry = this.entries.get(hash);
    if (!entry) return null;
    const stale =
      Date.now() - entry.cachedAt > TTL_MS ||
      entry.account.clientId !== clientId ||
      this.revocations.revokedSince(entry.secret.id, entry.account.clientId, entry.loadedAt);
    if (stale) {
      this.entries.delete(hash);
      return null;
    }
    return entry;
  }

  /** Keeps credentials read from the database at `loadedAt` (ms, on the database's clock). */
  set(hash: string, account: ServiceAccount, secret: Secret, loadedAt: number): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(hash, { account, secret, loadedAt, cachedAt: Date.now() });
  }

  private dropClient(clientId: string): void {
    for (const [hash, entry] of this.entries) if (entry.account.clientId === clientId) this.entries.delete(hash);
  }

  private dropSecret(secretId: string): void {
    for (const [hash, entry] of this.entries) if (entry.secret.id === secretId) this.entries.delete(hash);
  }
}

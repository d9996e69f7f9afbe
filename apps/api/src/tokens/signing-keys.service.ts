import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PublicJsonWebKey } from '@tessera/contracts';
import { activeSigningKey, keysToDelete, keysToPublish, newId, publishedUntil, shouldPublish, type Clock, type RandomBytes, type SigningKeyId } from '@tessera/domain';
import { Store, type SigningKeyRow } from '@tessera/store';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CLOCK, RANDOM } from '../common/tokens';
import { InvalidationBus } from '../cluster/invalidation-bus';
import { KeyEncryption } from '@tessera/store';
import { SYSTEM_CONTEXT, type AuditContext } from '../events/audit-context';
import { EventWriter } from '../events/event-writer.service';
import { ed25519Implementation } from './token-signer';

/** The longest token lifetime any API may configure: retired keys stay published this long. */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;
const RELOAD_INTERVAL_MS = 30_000;

/** A public key as published in the JWKS. */
export type PublicJwk = PublicJsonWebKey;

interface LoadedKey {
  readonly row: SigningKeyRow & { readonly id: SigningKeyId };
  readonly privateKey: KeyObject;
  /** The published half, as the JWKS serves it: what verification checks signatures with. */
  readonly publicKey: KeyObject;
}

/**
 * Ed25519 signing keys: created on first start, stored with the private half encrypted, rotated
 * on demand. Every process reloads them periodically (and on an unknown `kid`), so a rotation made
 * by the CLI reaches running servers. Verification asks here on every use whether a key is still
 * published, so it accepts exactly the keys the JWKS serves. A retired key is deleted by the first
 * reload after it leaves the JWKS (see `reload`).
 */
@Injectable()
export class SigningKeysService {
  private readonly logger = new Logger(SigningKeysService.name);
  /** By id, oldest first. */
  private keys = new Map<string, LoadedKey>();
  /** The key that signs (`activeSigningKey` of `keys`), found when they load, not per token. */
  private signing: { readonly kid: SigningKeyId; readonly privateKey: KeyObject } | null = null;
  private loadedAt = 0;
  /** When an unknown `kid` last made us reload: at most once a second, whatever the tokens hold. */
  private lookedUpAt = 0;
  private reloading: Promise<void> | null = null;
  private reloadingAgain: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly encryption: KeyEncryption,
    private readonly bus: InvalidationBus,
    private readonly events: EventWriter,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: RandomBytes,
  ) {}

  /** Loads the keys, creating the first one when there is none. */
  async init(): Promise<void> {
    const signing = ed25519Implementation();
    if (signing.problem !== null) {
      this.logger.warn(`Signing tokens with node:crypto, at about half of libsodium's speed: sodium-native did not load (${signing.problem})`);
    }
    this.bus.onMessage((message) => {
      if (message.type === 'keys-rotated') this.reloadInBackground();
    });
    await this.reload();
    if (!this.signing) await this.rotate();
  }

  /** The key that signs new tokens. */
  current(): { kid: SigningKeyId; privateKey: KeyObject } {
    this.maybeReloadInBackground();
    if (!this.signing) throw new Error('No active signing key: run `tessera keys rotate`');
    return this.signing;
  }

  /** Public keys that may still have live tokens: what the JWKS serves and verification accepts. */
  publicJwks(): PublicJwk[] {
    return this.publishedRows().map((row) => ({ kty: 'OKP', crv: 'Ed25519', x: String(row.publicJwk.x), kid: row.id, alg: 'EdDSA', use: 'sig' }));
  }

  /**
   * The keys of the JWKS with their lifecycle, for operators (`tessera keys list`): when each was
   * created and retired, and until when a retired one stays published (null for the one that signs).
   */
  publishedKeys(): { kid: SigningKeyId; createdAt: Date; retiredAt: Date | null; publishedUntil: Date | null }[] {
    return this.publishedRows().map((row) => ({
      kid: row.id,
      createdAt: row.createdAt,
      retiredAt: row.retiredAt,
      publishedUntil: publishedUntil(row, MAX_TOKEN_LIFETIME_SECONDS),
    }));
  }

  private publishedRows(): LoadedKey['row'][] {
    this.maybeReloadInBackground();
    return keysToPublish(this.rows(), MAX_TOKEN_LIFETIME_SECONDS, this.clock.now());
  }

  /**
   * The public key to verify a token of `kid` with, while the key is published; reloads once if
   * it is unknown (a rotation elsewhere).
   */
  async publicKey(kid: string): Promise<KeyObject | null> {
    const now = this.clock.now();
    if (!this.keys.has(kid) && now.getTime() - this.lookedUpAt > 1_000) {
      this.lookedUpAt = now.getTime();
      await this.reload();
    }
    return this.published(kid, now)?.publicKey ?? null;
  }

  /**
   * Whether `kid` is in the JWKS at `now`: a token it signed is accepted only while it is. Cheap
   * (a map look-up), as the verifier asks on every use of a cached token.
   */
  isPublished(kid: string, now: Date): boolean {
    return this.published(kid, now) !== null;
  }

  /**
   * Creates a new active key and retires the previous one (it stays published while tokens live).
   * With `withdrawPrevious`, for a key that may have leaked, every older key is deleted instead:
   * it leaves the JWKS at once, and the tokens it signed stop working on each process from its
   * next reload (at once where the rotation is announced on Redis).
   */
  async rotate(
    context: AuditContext = SYSTEM_CONTEXT,
    { withdrawPrevious = false }: { withdrawPrevious?: boolean } = {},
  ): Promise<{ newKeyId: SigningKeyId; previousKeyId: SigningKeyId | null; withdrawnKeyIds?: SigningKeyId[] }> {
    const now = this.clock.now();
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const id = newId('signingKey', now, this.random);
    const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
    const sealed = this.encryption.encrypt(JSON.stringify(privateKey.export({ format: 'jwk' })));
    const previous = this.signing?.kid ?? null;
    const withdrawnKeyIds: SigningKeyId[] = [];
    await this.store.transaction(async (tx) => {
      for (const row of await tx.signingKeys.all()) {
        if (withdrawPrevious) {
          await tx.signingKeys.delete(row.id);
          withdrawnKeyIds.push(row.id as SigningKeyId);
        } else if (!row.retiredAt) {
          await tx.signingKeys.retire(row.id, now);
        }
      }
      await tx.signingKeys.insert({ id, alg: 'EdDSA', publicJwk: { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x! }, encryptedPrivateKey: sealed, createdAt: now, retiredAt: null });
      await this.events.record(
        tx,
        this.events.event('key.rotated', null, context, { keyId: id }, { newKeyId: id, previousKeyId: previous, ...(withdrawPrevious ? { withdrawnKeyIds } : {}) }),
      );
    });
    await this.reload();
    await this.bus.publish({ type: 'keys-rotated' }).catch((error: unknown) => this.logger.warn(`Announcing the rotation failed; servers reload within 30 s: ${String(error)}`));
    this.logger.log(
      `Signing key ${id} is now active${withdrawPrevious ? `; withdrawn: ${withdrawnKeyIds.join(', ') || 'none'}` : previous ? `; ${previous} retired` : ''}`,
    );
    return { newKeyId: id, previousKeyId: previous, ...(withdrawPrevious ? { withdrawnKeyIds } : {}) };
  }

  /**
   * Reads the keys from the database. Keys out of the JWKS for an hour (`keysToDelete`) are
   * deleted here instead of loaded: a reload happens at start, after every rotation, on a rotation
   * announced on Redis and whenever keys are used 30 s after the last load, so a retired key is
   * gone soon after that hour, with no timer of its own. Nobody needs to be told: every process
   * has refused the key for an hour by then, and finds it gone at its next reload.
   */
  async reload(): Promise<void> {
    if (this.reloading) {
      // A reload under way may have read the keys before the change that asks for this one (a
      // rotation committed meanwhile): one more runs after it, shared by every call until then.
      this.reloadingAgain ??= this.reloading
        .catch(() => undefined)
        .then(() => {
          this.reloadingAgain = null;
          return this.reload();
        });
      return this.reloadingAgain;
    }
    this.reloading = (async () => {
      try {
        const rows = (await this.store.session().signingKeys.all()).map((row) => ({ ...row, id: row.id as SigningKeyId }));
        const unpublished = keysToDelete(rows, MAX_TOKEN_LIFETIME_SECONDS, this.clock.now());
        const keys = new Map<string, LoadedKey>();
        for (const row of rows) {
          if (unpublished.includes(row)) continue;
          const known = this.keys.get(row.id);
          keys.set(row.id, {
            row,
            privateKey: known?.privateKey ?? createPrivateKey({ key: JSON.parse(this.encryption.decrypt(row.encryptedPrivateKey)), format: 'jwk' }),
            publicKey: known?.publicKey ?? createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: String(row.publicJwk.x) }, format: 'jwk' }),
          });
        }
        // Only once the keys kept have been opened: a process with the wrong pepper changes nothing.
        if (unpublished.length > 0) await this.deleteUnpublished(unpublished);
        this.keys = keys;
        const active = activeSigningKey(this.rows());
        const signing = active && keys.get(active.id);
        this.signing = signing ? { kid: signing.row.id, privateKey: signing.privateKey } : null;
        this.loadedAt = this.clock.now().getTime();
      } finally {
        this.reloading = null;
      }
    })();
    return this.reloading;
  }

  /**
   * Deletes keys out of the JWKS for an hour, each with a `key.deleted` event. Processes that reload at the
   * same moment may all try: the event is written by the one whose delete removed the row. A
   * failure is only logged, as the keys are refused anyway and the next reload tries again.
   */
  private async deleteUnpublished(rows: readonly LoadedKey['row'][]): Promise<void> {
    try {
      const deleted = await this.store.transaction(async (tx) => {
        const ids: SigningKeyId[] = [];
        for (const row of rows) {
          if (!(await tx.signingKeys.delete(row.id))) continue;
          ids.push(row.id);
          await this.events.record(tx, this.events.event('key.deleted', null, SYSTEM_CONTEXT, { keyId: row.id }, { retiredAt: row.retiredAt!.toISOString() }));
        }
        return ids;
      });
      if (deleted.length > 0) this.logger.log(`Deleted retired signing key(s) no longer published: ${deleted.join(', ')}`);
    } catch (error) {
      this.logger.warn(`Deleting retired signing keys failed; the next reload tries again: ${String(error)}`);
    }
  }

  private published(kid: string, now: Date): LoadedKey | null {
    this.maybeReloadInBackground(now);
    const key = this.keys.get(kid);
    return key && shouldPublish(key.row, MAX_TOKEN_LIFETIME_SECONDS, now) ? key : null;
  }

  private rows(): LoadedKey['row'][] {
    return Array.from(this.keys.values(), (k) => k.row);
  }

  private maybeReloadInBackground(now = this.clock.now()): void {
    if (now.getTime() - this.loadedAt > RELOAD_INTERVAL_MS && !this.reloading) this.reloadInBackground();
  }

  private reloadInBackground(): void {
    this.reload().catch((error: unknown) => this.logger.error(`Reloading signing keys failed: ${String(error)}`));
  }
}

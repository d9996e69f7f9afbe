import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  addSecret,
  canDeleteSecret,
  describeSecret,
  disableSecret,
  enableSecret,
  newId,
  rotateSecret,
  type Clock,
  type RandomBytes,
  type Secret,
  type SecretHasher,
  type ServiceAccount,
  type Status,
} from '@tessera/domain';
import { Store, type StoreSession, type StoredSecret } from '@tessera/store';
import { leakedNoticeKey, recordNotice } from '@tessera/worker';
import { RevocationService } from '../auth/revocation.service';
import type { Invalidation } from '../cluster/invalidation-bus';
import { AppError, notFound, type AppResult } from '../common/app-error';
import { CLOCK, HASHER, RANDOM } from '../common/tokens';
import { hashesEqual } from '../crypto/secret-hasher';
import { SYSTEM_CONTEXT, type AuditContext } from '../events/audit-context';
import { EventWriter } from '../events/event-writer.service';

/** A new secret with its plaintext: the only moment the plaintext exists outside the caller. */
export interface CreatedSecret {
  readonly account: ServiceAccount;
  readonly secret: StoredSecret;
  readonly plaintext: string;
}

export interface Rotation extends CreatedSecret {
  readonly stillEnabled: readonly StoredSecret[];
  readonly scheduledDisableAt: Date | null;
}

/**
 * What a leak report did: `disabled` the secret; `reported` a secret disabled already (the first
 * report since it was disabled); or nothing at all, a `repeat` within the same disable episode.
 */
export interface LeakOutcome {
  readonly secretId: string;
  readonly outcome: 'disabled' | 'reported' | 'repeat';
}

/** What a leak reporter said about where it found a secret (untrusted text, kept as text). */
export interface LeakReport {
  readonly url: string;
  readonly source: string;
  readonly type: string;
}

const SCHEDULE_INTERVAL_MS = 15_000;

/**
 * Client secrets of a service account: add (shown once), list (hints only), enable/disable,
 * delete (only once disabled), rotate. Disabling revokes the secret's tokens everywhere at once.
 * Also carries out the disables that rotations schedule.
 */
@Injectable()
export class SecretsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SecretsService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly events: EventWriter,
    private readonly revocations: RevocationService,
    @Inject(HASHER) private readonly hasher: SecretHasher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: RandomBytes,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.disableScheduled().catch((error: unknown) => this.logger.warn(`Scheduled disables failed: ${String(error)}`));
    }, SCHEDULE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async list(api: string, accountId: string): Promise<AppResult<StoredSecret[]>> {
    const session = this.store.session();
    const account = await session.accounts.find(api, accountId);
    if (!account) return { ok: false, error: notFound(`Service account "${accountId}"`) };
    return { ok: true, value: await session.secrets.listByAccount(api, account.id) };
  }

  async add(api: string, accountId: string, input: { expiresAt?: Date | null; description?: string }, context: AuditContext): Promise<AppResult<CreatedSecret>> {
    return this.store.transaction(async (tx): Promise<AppResult<CreatedSecret>> => {
      const loaded = await this.load(tx, api, accountId);
      if (!loaded.ok) return loaded;
      const { account, policy, secrets } = loaded.value;
      const added = addSecret(account, secrets, input, { now: this.clock.now(), random: this.random, hasher: this.hasher, policy });
      if (!added.ok) return added;
      const secret = { ...added.value.secret, disableAt: null };
      await tx.secrets.insert(api, secret);
      await this.events.record(tx, this.createdEvent(api, secret, context));
      return { ok: true, value: { account, secret, plaintext: added.value.plaintext } };
    });
  }

  /**
   * Adds a secret and reports the older enabled ones; with `disableOthersAfter`, schedules them
   * to be disabled at that time, so callers can move over first (zero-downtime rotation).
   */
  async rotate(
    api: string,
    accountId: string,
    input: { expiresAt?: Date | null; description?: string; disableOthersAfter?: Date },
    context: AuditContext,
  ): Promise<AppResult<Rotation>> {
    const now = this.clock.now();
    if (input.disableOthersAfter && input.disableOthersAfter.getTime() < now.getTime()) {
      const requirement = 'must not be in the past';
      return { ok: false, error: new AppError('REQUEST.VALIDATION_FAILED', `disableOthersAfter ${requirement}.`, { field: 'disableOthersAfter', requirement }) };
    }
    return this.store.transaction(async (tx): Promise<AppResult<Rotation>> => {
      const loaded = await this.load(tx, api, accountId);
      if (!loaded.ok) return loaded;
      const { account, policy, secrets } = loaded.value;
      const rotated = rotateSecret(account, secrets, { ...pick(input) }, { now, random: this.random, hasher: this.hasher, policy });
      if (!rotated.ok) return rotated;
      const secret = { ...rotated.value.secret, disableAt: null };
      await tx.secrets.insert(api, secret);
      const scheduledDisableAt = input.disableOthersAfter ?? null;
      const stillEnabled = secrets
        .filter((s) => rotated.value.stillEnabled.some((e) => e.id === s.id))
        .map((s) => ({ ...s, disableAt: scheduledDisableAt ?? s.disableAt }));
      if (scheduledDisableAt) for (const s of stillEnabled) await tx.secrets.update(api, s, scheduledDisableAt);
      await this.events.record(
        tx,
        this.createdEvent(api, secret, context),
        this.events.event('secret.rotated', api, context, { accountId: account.id, secretId: secret.id }, {
          stillEnabledSecretIds: stillEnabled.map((s) => s.id),
          scheduledDisableAt: scheduledDisableAt?.toISOString() ?? null,
        }),
      );
      return { ok: true, value: { account, secret, plaintext: rotated.value.plaintext, stillEnabled, scheduledDisableAt } };
    });
  }

  /**
   * Enables/disables and/or re-describes a secret. Disabling revokes its tokens at once. With
   * `scheduledBy` (the scheduled disables), only a secret whose disable is still scheduled at or
   * before that time changes: the schedule is checked again under the account's lock, since a
   * manual change or another rotation may have cancelled or moved it after it was found due.
   */
  async update(
    api: string,
    accountId: string,
    secretId: string,
    patch: { status?: Status; description?: string },
    context: AuditContext,
    scheduledBy?: Date,
  ): Promise<AppResult<StoredSecret>> {
    const messages: Invalidation[] = [];
    const result = await this.store.transaction(async (tx): Promise<AppResult<StoredSecret>> => {
      const found = await this.find(tx, api, accountId, secretId);
      if (!found.ok) return found;
      if (scheduledBy && !(found.value.secret.disableAt && found.value.secret.disableAt.getTime() <= scheduledBy.getTime())) return { ok: true, value: found.value.secret };
      return this.change(tx, api, found.value, patch, context, messages);
    });
    await this.revocations.publish(messages);
    return result;
  }

  /**
   * Acts on a leak report of the secret whose keyed hash is `hash`. The first report of a disable
   * episode (one that disables an enabled secret, or the first since the secret was disabled)
   * writes, in one transaction: the disable, exactly as `update` with `{status: 'disabled'}` does
   * (its tokens are revoked on every process once committed), `secret.leak_reported`, and the
   * `secret.leaked` notice for the API's security contacts, keyed on the episode
   * (`leakedNoticeKey`). A repeat (already disabled, and its episode's notice recorded) changes
   * nothing and writes nothing: it is told apart by plain reads before any transaction, and
   * checked again under the account's row lock when the reads said otherwise.
   * Null when no secret has this hash.
   */
  async reportLeak(hash: string, report: LeakReport, context: AuditContext): Promise<LeakOutcome | null> {
    // Before any lock: a secret already disabled and already noticed for this episode is a repeat.
    const session = this.store.session();
    const seen = await session.secrets.findByHash(hash);
    if (!seen || !hashesEqual(hash, seen.hash)) return null;
    if (await this.alreadyReported(session, seen)) return { secretId: seen.id, outcome: 'repeat' };
    const messages: Invalidation[] = [];
    // The notice's deliveries are due by the database's clock, the one the scans compare with.
    const noticeAt = await this.store.now();
    const result = await this.store.transaction(async (tx): Promise<LeakOutcome | null> => {
      const owner = await tx.secrets.ownerOfHash(hash);
      const found = owner && (await this.find(tx, owner.api, owner.accountId, owner.secretId));
      // Deleted between the two reads, or (never expected) a hash that only looked alike.
      if (!owner || !found?.ok || !hashesEqual(hash, found.value.secret.hash)) return null;
      const { account } = found.value;
      // Again under the row lock: another report may have been first since the read above.
      if (await this.alreadyReported(tx, found.value.secret)) return { secretId: found.value.secret.id, outcome: 'repeat' };
      const disabled = found.value.secret.status === 'enabled';
      const changed = disabled ? await this.change(tx, owner.api, found.value, { status: 'disabled' }, context, messages) : { ok: true as const, value: found.value.secret };
      if (!changed.ok) throw new Error(`Disabling a leaked secret was refused: ${changed.error.code}`);
      const secret = changed.value;
      const subject = { accountId: account.id, secretId: secret.id };
      const disabledAt = episodeOf(secret);
      await this.events.record(tx, this.events.event('secret.leak_reported', owner.api, context, subject, { ...report, disabled }));
      await recordNotice(
        tx,
        {
          subjectId: secret.id,
          dedupeKey: leakedNoticeKey(secret.id, disabledAt),
          payload: {
            id: newId('event', noticeAt, this.random),
            api: owner.api,
            createdAt: noticeAt.toISOString(),
            type: 'secret.leaked',
            data: {
              ...subject,
              clientId: account.clientId,
              accountName: account.name,
              hint: secret.hint,
              url: report.url,
              source: report.source,
              disabledAt: disabledAt.toISOString(),
              disabledByReport: disabled,
            },
          },
        },
        noticeAt,
      );
      return { secretId: secret.id, outcome: disabled ? 'disabled' : 'reported' };
    });
    await this.revocations.publish(messages);
    return result;
  }

  /** Whether a secret is disabled and its leak notice for this disable episode is recorded already. */
  private async alreadyReported(session: StoreSession, secret: StoredSecret): Promise<boolean> {
    return secret.status === 'disabled' && (await session.notifications.hasKey(leakedNoticeKey(secret.id, episodeOf(secret))));
  }

  /**
   * Applies an enable/disable and/or a new description to a secret found (and its account locked)
   * in `tx`, with its events; the invalidations to publish once committed go to `messages`.
   */
  private async change(
    tx: StoreSession,
    api: string,
    found: { account: ServiceAccount; secret: StoredSecret; siblings: readonly StoredSecret[] },
    patch: { status?: Status; description?: string },
    context: AuditContext,
    messages: Invalidation[],
  ): Promise<AppResult<StoredSecret>> {
    const { account, secret, siblings } = found;
    const now = this.clock.now();
    let next: Secret = secret;
    if (patch.description !== undefined) {
      const described = describeSecret(next, patch.description, now);
      if (!described.ok) return described;
      next = described.value;
    }
    if (patch.status === 'disabled' && next.status === 'enabled') next = disableSecret(next, siblings, now).secret;
    if (patch.status === 'enabled' && next.status === 'disabled') next = enableSecret(next, now);
    // A manual status change overrides any disable scheduled by a rotation, even when the status
    // is already the one asked for (enabling an enabled secret is how a scheduled disable is cancelled).
    const disableAt = patch.status !== undefined ? null : secret.disableAt;
    if (next === secret && disableAt === secret.disableAt) return { ok: true, value: secret };
    await tx.secrets.update(api, next, disableAt);
    messages.push({ type: 'account-changed', clientId: account.clientId });
    const subject = { accountId: secret.accountId, secretId: secret.id };
    const changes = [
      ...(next.description !== secret.description ? ['description'] : []),
      ...(next.status === secret.status && disableAt !== secret.disableAt ? ['scheduledDisableAt'] : []),
    ];
    if (changes.length > 0) await this.events.record(tx, this.events.event('secret.updated', api, context, subject, { changes }));
    if (next.status !== secret.status) {
      await this.events.record(tx, this.events.event(next.status === 'enabled' ? 'secret.enabled' : 'secret.disabled', api, context, subject, {}));
      if (next.status === 'disabled') messages.push(await this.revocations.record(tx, 'secret', secret.id, api));
    }
    return { ok: true, value: { ...next, disableAt } };
  }

  /** Deletes a disabled secret; an enabled one must be disabled first. */
  async delete(api: string, accountId: string, secretId: string, context: AuditContext): Promise<AppResult<true>> {
    const messages: Invalidation[] = [];
    const result = await this.store.transaction(async (tx): Promise<AppResult<true>> => {
      const found = await this.find(tx, api, accountId, secretId);
      if (!found.ok) return found;
      const { account, secret } = found.value;
      const allowed = canDeleteSecret(secret);
      if (!allowed.ok) return allowed;
      await tx.secrets.delete(api, secret.accountId, secret.id);
      messages.push({ type: 'account-changed', clientId: account.clientId });
      messages.push(await this.revocations.record(tx, 'secret', secret.id, api));
      await this.events.record(tx, this.events.event('secret.deleted', api, context, { accountId: secret.accountId, secretId: secret.id }, {}));
      return { ok: true, value: true };
    });
    await this.revocations.publish(messages);
    return result;
  }

  /**
   * Disables the secrets whose rotation-scheduled time has come. Idempotent across processes.
   * "Has come" is by the database's clock, as for the worker's expiry scan: every API process then
   * agrees, and one whose host clock runs ahead cannot disable a secret early for all of them.
   */
  async disableScheduled(): Promise<number> {
    const now = await this.store.now();
    const due = await this.store.session().secrets.dueForDisable(now);
    let disabled = 0;
    for (const secret of due) {
      const result = await this.update(secret.api, secret.accountId, secret.id, { status: 'disabled' }, SYSTEM_CONTEXT, now);
      if (result.ok && result.value.status === 'disabled') disabled += 1;
    }
    return disabled;
  }

  private async load(tx: StoreSession, api: string, accountId: string) {
    // Account first, then the API (shared): the same order everywhere, and no policy change can
    // commit between reading the policy and adding a secret under it.
    const account = await tx.accounts.lock(api, accountId);
    const apiRow = await tx.apis.lock(api, 'share');
    if (!apiRow || !account) return { ok: false as const, error: notFound(`Service account "${accountId}"`) };
    const secrets = await tx.secrets.listByAccount(api, account.id);
    return { ok: true as const, value: { account, policy: apiRow.policy, secrets } };
  }

  private async find(tx: StoreSession, api: string, accountId: string, secretId: string) {
    const account = await tx.accounts.lock(api, accountId);
    if (!account) return { ok: false as const, error: notFound(`Service account "${accountId}"`) };
    const siblings = await tx.secrets.listByAccount(api, account.id);
    const secret = siblings.find((s) => s.id === secretId);
    if (!secret) return { ok: false as const, error: notFound(`Secret "${secretId}"`) };
    return { ok: true as const, value: { account, secret, siblings } };
  }

  private createdEvent(api: string, secret: StoredSecret, context: AuditContext) {
    return this.events.event('secret.created', api, context, { accountId: secret.accountId, secretId: secret.id }, {
      hint: secret.hint,
      expiresAt: secret.expiresAt?.toISOString() ?? null,
    });
  }
}

/**
 * When a disabled secret's disable episode began. A disabled secret always has `disabledAt`; the
 * fallback (its last change) only keeps the key stable should one ever lack it.
 */
function episodeOf(secret: StoredSecret): Date {
  return secret.disabledAt ?? secret.updatedAt;
}

function pick(input: { expiresAt?: Date | null; description?: string }): { expiresAt?: Date | null; description?: string } {
  return {
    ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
  };
}

import { Inject, Injectable } from '@nestjs/common';
import { MAX_ALERT_CHANNELS_PER_API, type AlertChannelCreated, type CreateAlertChannelRequest, type RotateAlertChannelSecretRequest } from '@tessera/contracts';
import { newId, type Clock, type RandomBytes } from '@tessera/domain';
import { KeyEncryption, Store, type AlertChannelRow } from '@tessera/store';
import { AppError, notFound, type AppResult } from '../common/app-error';
import type { Config } from '../config/env';
import { PrivateDestinationError, assertPublicDestination } from '@tessera/worker';
import { CLOCK, CONFIG, RANDOM, WEBHOOK_SECRETS } from '../common/tokens';
import type { AuditContext } from '../events/audit-context';
import { EventWriter } from '../events/event-writer.service';

/** Why a webhook URL is refused over HTTP, whatever the reason: see `create`. */
export const WEBHOOK_HOST_REFUSED =
  'The webhook host is not a public address or does not resolve to one: webhooks go to public addresses only (the operator can allow private networks).';

/** An API's security contacts: where reminders and alerts go (signed webhooks, e-mail). */
@Injectable()
export class AlertChannelsService {
  constructor(
    private readonly store: Store,
    private readonly events: EventWriter,
    @Inject(WEBHOOK_SECRETS) private readonly secrets: KeyEncryption,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: RandomBytes,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async list(api: string): Promise<AppResult<AlertChannelRow[]>> {
    const session = this.store.session();
    if (!(await session.apis.find(api))) return { ok: false, error: notFound(`API "${api}"`) };
    return { ok: true, value: await session.channels.list(api) };
  }

  /**
   * Adds a channel. A webhook gets a signing secret (the caller's, or 32 random bytes), stored
   * encrypted and, when generated, returned this once, so receivers can verify
   * `Tessera-Webhook-Signature`.
   */
  async create(api: string, input: CreateAlertChannelRequest, context: AuditContext): Promise<AppResult<{ channel: AlertChannelRow; signingSecret: string | null }>> {
    if (input.kind === 'webhook' && !this.config.alerts.allowPrivateNetworks) {
      try {
        await assertPublicDestination(input.url);
      } catch (error) {
        // Over HTTP the caller is one API's admin: what a host name resolves to inside the
        // operator's network, or whether it resolves there at all, is not theirs to map, so every
        // refusal reads the same. The CLI is run by the operator, who is told why.
        const reason = error instanceof PrivateDestinationError ? error.message : `The webhook host cannot be resolved: ${new URL(input.url).hostname}.`;
        const message = context.actor.kind === 'cli' ? reason : WEBHOOK_HOST_REFUSED;
        return { ok: false, error: new AppError('REQUEST.VALIDATION_FAILED', message, { field: 'url' }) };
      }
    }
    return this.store.transaction(async (tx) => {
      if (!(await tx.apis.lock(api))) return { ok: false, error: notFound(`API "${api}"`) };
      if ((await tx.channels.list(api)).length >= MAX_ALERT_CHANNELS_PER_API) {
        const message = `An API has at most ${MAX_ALERT_CHANNELS_PER_API} security contacts; remove one before adding another.`;
        return { ok: false, error: new AppError('CHANNEL.LIMIT_REACHED', message, { max: MAX_ALERT_CHANNELS_PER_API }) };
      }
      const now = this.clock.now();
      const signingSecret = input.kind === 'webhook' ? (input.secret ?? this.newSigningSecret()) : null;
      const generated = input.kind === 'webhook' && input.secret === undefined;
      const channel: AlertChannelRow = {
        id: newId('channel', now, this.random),
        api,
        kind: input.kind,
        target: input.kind === 'webhook' ? input.url : input.address,
        encryptedSecret: signingSecret ? this.secrets.encrypt(signingSecret) : null,
        previousEncryptedSecret: null,
        previousSecretExpiresAt: null,
        createdAt: now,
      };
      await tx.channels.insert(channel);
      await this.events.record(tx, this.events.event('channel.created', api, context, {}, { channelId: channel.id, kind: input.kind, target: channel.target }));
      return { ok: true, value: { channel, signingSecret: generated ? signingSecret : null } };
    });
  }

  /**
   * Gives a webhook a new signing secret (the caller's, or a generated one), shown this once. The
   * previous secret keeps signing beside it for `previousSecretValidForSeconds`, so receivers can
   * switch over without rejecting a notice; a secret still in its overlap is dropped for good.
   */
  async rotateSecret(api: string, id: string, input: RotateAlertChannelSecretRequest, context: AuditContext): Promise<AppResult<{ channel: AlertChannelRow; signingSecret: string | null }>> {
    return this.store.transaction(async (tx) => {
      const current = await tx.channels.lock(api, id);
      if (!current) return { ok: false, error: notFound(`Alert channel "${id}"`) };
      if (current.kind !== 'webhook' || !current.encryptedSecret) {
        return { ok: false, error: new AppError('REQUEST.VALIDATION_FAILED', 'Only webhook contacts have a signing secret; this one is an e-mail address.') };
      }
      const now = this.clock.now();
      const signingSecret = input.secret ?? this.newSigningSecret();
      const overlap = input.previousSecretValidForSeconds;
      const next = {
        encryptedSecret: this.secrets.encrypt(signingSecret),
        previousEncryptedSecret: overlap > 0 ? current.encryptedSecret : null,
        previousSecretExpiresAt: overlap > 0 ? new Date(now.getTime() + overlap * 1000) : null,
      };
      await tx.channels.rotateSecret(api, id, next);
      await this.events.record(tx, this.events.event('channel.secret_rotated', api, context, {}, { channelId: id, previousSecretExpiresAt: next.previousSecretExpiresAt?.toISOString() ?? null }));
      return { ok: true, value: { channel: { ...current, ...next }, signingSecret: input.secret === undefined ? signingSecret : null } };
    });
  }

  async delete(api: string, id: string, context: AuditContext): Promise<AppResult<true>> {
    return this.store.transaction(async (tx) => {
      if ((await tx.channels.delete(api, id)) === 0) return { ok: false, error: notFound(`Alert channel "${id}"`) };
      await this.events.record(tx, this.events.event('channel.deleted', api, context, {}, { channelId: id }));
      return { ok: true, value: true };
    });
  }

  /** A channel as returned: never its signing secrets; the previous one's expiry while it still signs. */
  present(channel: AlertChannelRow): Omit<AlertChannelCreated, 'signingSecret'> {
    const previous = channel.previousSecretExpiresAt;
    return {
      id: channel.id,
      kind: channel.kind as 'webhook' | 'email',
      target: channel.target,
      createdAt: channel.createdAt.toISOString(),
      previousSecretExpiresAt: previous && previous > this.clock.now() ? previous.toISOString() : null,
    };
  }

  /**
   * A channel as returned when it was created or its secret rotated: with the signing secret
   * Tessera generated, this once; null when the caller chose it (never echoed: it may have come
   * through standard input to stay out of logs) and for e-mail contacts.
   */
  presentCreated({ channel, signingSecret }: { channel: AlertChannelRow; signingSecret: string | null }): AlertChannelCreated {
    return { ...this.present(channel), signingSecret };
  }

  private newSigningSecret(): string {
    return `whsec_${Buffer.from(this.random(32)).toString('base64url')}`;
  }
}

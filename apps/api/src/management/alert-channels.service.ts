import { Inject, Injectable } from '@nestjs/common';
import type { AlertChannelCreated, CreateAlertChannelRequest } from '@tessera/contracts';
import { newId, type Clock, type RandomBytes } from '@tessera/domain';
import { KeyEncryption, Store, type AlertChannelRow } from '@tessera/store';
import { AppError, notFound, type AppResult } from '../common/app-error';
import type { Config } from '../config/env';
import { PrivateDestinationError, assertPublicDestination } from '@tessera/worker';
import { CLOCK, CONFIG, RANDOM, WEBHOOK_SECRETS } from '../common/tokens';
import type { AuditContext } from '../events/audit-context';
import { EventWriter } from '../events/event-writer.service';

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
   * encrypted and returned this once, so receivers can verify `Tessera-Webhook-Signature`.
   */
  async create(api: string, input: CreateAlertChannelRequest, context: AuditContext): Promise<AppResult<{ channel: AlertChannelRow; signingSecret: string | null }>> {
    if (input.kind === 'webhook' && !this.config.alerts.allowPrivateNetworks) {
      try {
        await assertPublicDestination(input.url);
      } catch (error) {
        const message = error instanceof PrivateDestinationError ? error.message : `The webhook host cannot be resolved: ${new URL(input.url).hostname}.`;
        return { ok: false, error: new AppError('REQUEST.VALIDATION_FAILED', message, { field: 'url' }) };
      }
    }
    return this.store.transaction(async (tx) => {
      if (!(await tx.apis.find(api))) return { ok: false, error: notFound(`API "${api}"`) };
      const now = this.clock.now();
      const signingSecret = input.kind === 'webhook' ? (input.secret ?? `whsec_${Buffer.from(this.random(32)).toString('base64url')}`) : null;
      const channel: AlertChannelRow = {
        id: newId('channel', now, this.random),
        api,
        kind: input.kind,
        target: input.kind === 'webhook' ? input.url : input.address,
        encryptedSecret: signingSecret ? this.secrets.encrypt(signingSecret) : null,
        createdAt: now,
      };
      await tx.channels.insert(channel);
      await this.events.record(tx, this.events.event('channel.created', api, context, {}, { channelId: channel.id, kind: input.kind, target: channel.target }));
      return { ok: true, value: { channel, signingSecret } };
    });
  }

  async delete(api: string, id: string, context: AuditContext): Promise<AppResult<true>> {
    return this.store.transaction(async (tx) => {
      if ((await tx.channels.delete(api, id)) === 0) return { ok: false, error: notFound(`Alert channel "${id}"`) };
      await this.events.record(tx, this.events.event('channel.deleted', api, context, {}, { channelId: id }));
      return { ok: true, value: true };
    });
  }
}

/** A channel as returned: never its signing secret. */
export function presentChannel(channel: AlertChannelRow): Omit<AlertChannelCreated, 'signingSecret'> {
  return { id: channel.id, kind: channel.kind as 'webhook' | 'email', target: channel.target, createdAt: channel.createdAt.toISOString() };
}

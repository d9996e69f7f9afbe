import { Inject, Injectable } from '@nestjs/common';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import {
  AccountNameTakenError,
  canDeleteAccount,
  createServiceAccount,
  updateServiceAccount,
  type Clock,
  type RandomBytes,
  type ServiceAccount,
  type Status,
} from '@tessera/domain';
import { Store, type EventRow } from '@tessera/store';
import { RevocationService } from '../auth/revocation.service';
import type { Invalidation } from '../cluster/invalidation-bus';
import { notFound, type AppResult } from '../common/app-error';
import { CLOCK, RANDOM } from '../common/tokens';
import type { AuditContext } from '../events/audit-context';
import { EventWriter } from '../events/event-writer.service';

export interface AccountPage {
  readonly items: ServiceAccount[];
  readonly nextCursor: string | null;
}

/** Service accounts of one API: create, list, read, update (incl. enable/disable), delete. */
@Injectable()
export class ServiceAccountsService {
  constructor(
    private readonly store: Store,
    private readonly events: EventWriter,
    private readonly revocations: RevocationService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: RandomBytes,
  ) {}

  /** Creates an account; its name must not be taken in the API (`ACCOUNT.NAME_TAKEN`). */
  async create(api: string, input: { name: string; description?: string; scopes: readonly string[] }, context: AuditContext): Promise<AppResult<ServiceAccount>> {
    return nameTakenOnConflict(input.name, () => this.store.transaction(async (tx): Promise<AppResult<ServiceAccount>> => {
      if (!(await tx.apis.find(api))) return { ok: false, error: notFound(`API "${api}"`) };
      const created = createServiceAccount({ api, ...input }, this.clock.now(), this.random);
      if (!created.ok) return created;
      const account = created.value;
      if (await tx.accounts.findByName(api, account.name)) return { ok: false, error: new AccountNameTakenError(account.name) };
      await tx.accounts.insert(account);
      await this.events.record(
        tx,
        this.events.event('account.created', api, context, { accountId: account.id }, { clientId: account.clientId, name: account.name, scopes: [...account.scopes] }),
      );
      return { ok: true, value: account };
    }));
  }

  async list(api: string, query: { status?: Status; q?: string; limit: number; cursor?: string }): Promise<AccountPage> {
    const rows = await this.store.session().accounts.list(api, {
      limit: query.limit,
      ...(query.status ? { status: query.status } : {}),
      ...(query.q ? { q: query.q } : {}),
      ...(query.cursor ? { after: query.cursor } : {}),
    });
    const items = rows.slice(0, query.limit);
    return { items, nextCursor: rows.length > query.limit ? (items[items.length - 1]?.id ?? null) : null };
  }

  async get(api: string, id: string): Promise<AppResult<ServiceAccount>> {
    const account = await this.store.session().accounts.find(api, id);
    return account ? { ok: true, value: account } : { ok: false, error: notFound(`Service account "${id}"`) };
  }

  /**
   * Changes name, description, scopes and/or status in one step. Disabling revokes every token
   * the account holds, on every process, before this returns.
   */
  async update(
    api: string,
    id: string,
    patch: { name?: string; description?: string; scopes?: readonly string[]; status?: Status },
    context: AuditContext,
  ): Promise<AppResult<ServiceAccount>> {
    const messages: Invalidation[] = [];
    const result = await nameTakenOnConflict(patch.name ?? '', () => this.store.transaction(async (tx): Promise<AppResult<ServiceAccount>> => {
      const account = await tx.accounts.lock(api, id);
      if (!account) return { ok: false, error: notFound(`Service account "${id}"`) };
      const updated = updateServiceAccount(account, patch, this.clock.now());
      if (!updated.ok) return updated;
      const next = updated.value;
      if (next === account) return { ok: true, value: account };
      const namesake = next.name === account.name ? null : await tx.accounts.findByName(api, next.name);
      if (namesake && namesake.id !== account.id) return { ok: false, error: new AccountNameTakenError(next.name) };
      await tx.accounts.update(next);
      messages.push({ type: 'account-changed', clientId: account.clientId });
      const subject = { accountId: account.id };
      const events: EventRow[] = [];
      const changes = (['name', 'description', 'scopes'] as const).filter((key) => JSON.stringify(account[key]) !== JSON.stringify(next[key]));
      if (changes.length > 0) events.push(this.events.event('account.updated', api, context, subject, { changes: [...changes] }));
      if (next.status !== account.status) {
        events.push(this.events.event(next.status === 'enabled' ? 'account.enabled' : 'account.disabled', api, context, subject, {}));
        if (next.status === 'disabled') messages.push(await this.revocations.record(tx, 'client', account.clientId, api));
      }
      // Narrowed scopes must not stay usable through tokens issued before the change.
      const narrowed = account.scopes.some((scope) => !next.scopes.includes(scope));
      if (narrowed && next.status === 'enabled') messages.push(await this.revocations.record(tx, 'client', account.clientId, api));
      await this.events.record(tx, ...events);
      return { ok: true, value: next };
    }));
    await this.revocations.publish(messages);
    return result;
  }

  /** Deletes an account; refused while any of its secrets is enabled. */
  async delete(api: string, id: string, context: AuditContext): Promise<AppResult<true>> {
    const messages: Invalidation[] = [];
    const result = await this.store.transaction(async (tx): Promise<AppResult<true>> => {
      const account = await tx.accounts.lock(api, id);
      if (!account) return { ok: false, error: notFound(`Service account "${id}"`) };
      const secrets = await tx.secrets.listByAccount(api, account.id);
      const allowed = canDeleteAccount(account, secrets);
      if (!allowed.ok) return allowed;
      for (const secret of secrets) await tx.secrets.delete(api, account.id, secret.id);
      await tx.accounts.delete(api, account.id);
      messages.push({ type: 'account-changed', clientId: account.clientId });
      messages.push(await this.revocations.record(tx, 'client', account.clientId, api));
      await this.events.record(tx, this.events.event('account.deleted', api, context, { accountId: account.id }, { clientId: account.clientId }));
      return { ok: true, value: true };
    });
    await this.revocations.publish(messages);
    return result;
  }
}

/**
 * Runs a write that may give an account a name; when a concurrent write took the name between the
 * check and the commit, the database's unique index refuses it, and the caller gets the same
 * `ACCOUNT.NAME_TAKEN` as when the check saw it.
 */
async function nameTakenOnConflict<T>(name: string, write: () => Promise<AppResult<T>>): Promise<AppResult<T>> {
  try {
    return await write();
  } catch (error) {
    // The message names the index (PostgreSQL) or its columns (SQLite); knex puts the statement,
    // which lists every column, before it, so a bare column name would match any unique violation.
    if (error instanceof UniqueConstraintViolationException && /service_account_api_name_key_unique|service_account\.name_key/.test(error.message)) {
      return { ok: false, error: new AccountNameTakenError(name.trim()) };
    }
    throw error;
  }
}

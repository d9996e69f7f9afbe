import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { MAX_TOKENS_PER_ISSUED_EVENT, type DomainEventData, type DomainEventType } from '@tessera/contracts';
import { newId, type Clock, type RandomBytes } from '@tessera/domain';
import { Store, type EventRow, type StoreSession } from '@tessera/store';
import { CLOCK, RANDOM } from '../common/tokens';
import type { AuditContext } from './audit-context';

type SubjectOf = { accountId?: string; secretId?: string; keyId?: string };

/**
 * How long an authentication waits in the buffer at most. Short enough that a buffered event
 * (its jti strings, its row) dies before a second young-generation collection would move it to
 * the old generation: at 250 ms, under token load, ~70 bytes of every token were promoted and a
 * full collection stalled the server every 6–12 s (docs/decisions.md).
 */
const FLUSH_INTERVAL_MS = 50;
const FLUSH_BATCH = 500;
/** While the database is unreachable, at most this many authentications wait in memory. */
const MAX_BUFFERED = 200_000;

type IssuedData = DomainEventData<'token.issued'>;
/** A buffered `token.issued` event, still taking the ids of more tokens until the next write. */
type OpenIssuedEvent = EventRow & { data: { jtis: string[]; expiresAt: string } };

/**
 * Writes domain events, the audit trail and outbox in one. State changes record their events in
 * the same transaction (`record`); the high-volume authentication events (token issued, failed)
 * and last-used times are buffered and written in batches within a twentieth of a second (`enqueue`,
 * `tokenIssued`), so the token hot path never waits on a database write.
 */
@Injectable()
export class EventWriter implements OnApplicationShutdown {
  private readonly logger = new Logger(EventWriter.name);
  private buffer: EventRow[] = [];
  /** The buffered `token.issued` events that later tokens of the same burst join (see `tokenIssued`). */
  private openIssued = new Map<string, OpenIssuedEvent>();
  private accountTouches = new Map<string, Date>();
  private secretTouches = new Map<string, Date>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: RandomBytes,
  ) {}

  /** Builds an event row. */
  event<T extends DomainEventType>(type: T, api: string | null, context: AuditContext, subject: SubjectOf, data: DomainEventData<T>): EventRow {
    const now = this.clock.now();
    return {
      id: newId('event', now, this.random),
      api,
      type,
      occurredAt: now,
      actor: { ...context.actor },
      source: { ...context.source },
      subject: { ...subject },
      accountId: subject.accountId ?? null,
      data: data as Record<string, unknown>,
      publishedAt: null,
    };
  }

  /** Appends events inside the caller's transaction. */
  async record(tx: StoreSession, ...events: EventRow[]): Promise<void> {
    await tx.events.append(events);
  }

  /** Buffers an authentication event. */
  enqueue(event: EventRow): void {
    this.buffer.push(event);
    if (this.buffer.length === FLUSH_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /**
   * Records an issued token. Tokens of one secret with the same scope and grant, asked for from the
   * same address and user agent before the next write, share one `token.issued` event that lists
   * their ids (up to MAX_TOKENS_PER_ISSUED_EVENT): every token is in the audit trail, and a client
   * asking for a token per request costs it a row per write rather than a row per token.
   */
  tokenIssued(api: string, context: AuditContext, subject: { accountId: string; secretId: string }, token: { jti: string } & Omit<IssuedData, 'jtis'>): void {
    const { ip, userAgent } = context.source;
    // The user agent goes last and may hold anything; no field before it contains a newline.
    const key = `${subject.secretId}\n${token.grant}\n${token.scope}\n${ip ?? ''}\n${userAgent === null ? '-' : `+${userAgent}`}`;
    const open = this.openIssued.get(key);
    if (open && open.data.jtis.length < MAX_TOKENS_PER_ISSUED_EVENT) {
      open.data.jtis.push(token.jti);
      // ISO date-times of one format compare as text; the lifetime may change during a burst.
      if (token.expiresAt > open.data.expiresAt) open.data.expiresAt = token.expiresAt;
      this.used(subject, this.clock.now());
      return;
    }
    const { jti, ...rest } = token;
    const event = this.event('token.issued', api, context, subject, { jtis: [jti], ...rest }) as OpenIssuedEvent;
    this.openIssued.set(key, event);
    this.used(subject, event.occurredAt);
    this.enqueue(event);
  }

  /** Notes when an account and its secret were last used, written with the next batch. */
  private used(subject: { accountId: string; secretId: string }, at: Date): void {
    this.accountTouches.set(subject.accountId, at);
    this.secretTouches.set(subject.secretId, at);
  }

  /** Writes everything buffered so far. Safe to call at any time; failures are logged and retried. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushOnce());
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** After a failed write: keeps at most MAX_BUFFERED authentications in memory, dropping the oldest. */
  private dropOldestBeyondLimit(): void {
    let excess = -MAX_BUFFERED;
    for (const event of this.buffer) excess += authenticationsIn(event);
    if (excess <= 0) return;
    let rows = 0;
    let dropped = 0;
    while (dropped < excess && rows < this.buffer.length) dropped += authenticationsIn(this.buffer[rows++]!);
    this.buffer = this.buffer.slice(rows);
    // A dropped event must not take more tokens.
    this.openIssued.clear();
    this.logger.error(`The database has been unreachable too long: dropped the ${dropped} oldest authentications (${rows} events).`);
  }

  /**
   * Gives failed authentications that name an existing client ID its API and account, so that
   * they appear in that API's audit trail and the account's usage. The token endpoints refuse a
   * malformed secret before any database read; the owner is looked up here instead, off the
   * request path, for the whole batch at once.
   */
  private async attribute(events: EventRow[]): Promise<void> {
    const unattributed = events.filter((e) => e.type === 'authentication.failed' && e.api === null && typeof e.data.clientId === 'string');
    if (unattributed.length === 0) return;
    const owners = await this.store.session().accounts.ownersOf([...new Set(unattributed.map((e) => e.data.clientId as string))]);
    for (const event of unattributed) {
      const owner = owners.get(event.data.clientId as string);
      if (!owner) continue;
      event.api = owner.api;
      event.accountId = owner.accountId;
      event.subject = { ...event.subject, accountId: owner.accountId };
    }
  }

  /**
   * Writes a failed batch one row at a time. Returns the rows the database refused as data (never
   * writable) — or null, with the rows not yet written put back first in the buffer, as soon as a
   * failure is not about the data (the database is unreachable): those are retried later.
   */
  private async writeOneByOne(events: EventRow[], accounts: Map<string, Date>, secrets: Map<string, Date>): Promise<EventRow[] | null> {
    try {
      await this.store.writeUsage({ events: [], accountsUsed: accounts, secretsUsed: secrets });
    } catch {
      return null;
    }
    const refused: EventRow[] = [];
    for (const [index, event] of events.entries()) {
      try {
        await this.store.writeUsage({ events: [event], accountsUsed: new Map(), secretsUsed: new Map() });
      } catch (error) {
        if (!isDataError(error)) {
          this.buffer = events.slice(index).concat(this.buffer);
          if (this.timer) clearTimeout(this.timer);
          this.timer = setTimeout(() => void this.flush(), 1_000);
          this.logger.error(`Writing authentication events failed; will retry: ${String(error)}`);
          return refused;
        }
        refused.push(event);
      }
    }
    return refused;
  }

  private async flushOnce(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // Events being written take no more tokens.
    this.openIssued.clear();
    // At most a few batches per transaction, also after an outage let the buffer grow.
    const events = this.buffer.slice(0, FLUSH_BATCH * 4);
    const accounts = this.accountTouches;
    const secrets = this.secretTouches;
    if (events.length === 0 && accounts.size === 0) return;
    this.buffer = this.buffer.slice(events.length);
    this.accountTouches = new Map();
    this.secretTouches = new Map();
    try {
      await this.attribute(events).catch((error: unknown) => this.logger.warn(`Could not attribute failed sign-ins to their accounts; written without: ${String(error)}`));
      await this.store.writeUsage({ events, accountsUsed: accounts, secretsUsed: secrets });
      if (this.buffer.length >= FLUSH_BATCH) this.timer ??= setTimeout(() => void this.flush(), 0);
    } catch (error) {
      // One bad row must not hold the others back forever: write them one by one and set aside
      // only those that can never be written. When none can be written, the database is down.
      const unwritable = await this.writeOneByOne(events, accounts, secrets);
      if (unwritable !== null) {
        if (unwritable.length > 0) this.logger.error(`Dropped ${unwritable.length} authentication event(s) the database refused: ${unwritable.map((e) => e.id).join(', ')}`);
        return;
      }
      this.logger.error(`Writing ${events.length} authentication events failed; will retry: ${String(error)}`);
      this.buffer = events.concat(this.buffer);
      this.dropOldestBeyondLimit();
      for (const [id, at] of accounts) if (!this.accountTouches.has(id)) this.accountTouches.set(id, at);
      for (const [id, at] of secrets) if (!this.secretTouches.has(id)) this.secretTouches.set(id, at);
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.flush(), 1_000);
    }
  }
}

/** How many authentications a buffered event stands for (a `token.issued` event: one per token). */
function authenticationsIn(event: EventRow): number {
  return event.type === 'token.issued' ? (event.data as IssuedData).jtis.length : 1;
}

/**
 * Whether the database refused the row itself (SQLSTATE classes 22 data exception and 23
 * integrity constraint on PostgreSQL; constraint, mismatch and size errors on SQLite), as opposed
 * to being unreachable or busy.
 */
function isDataError(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  return /^2[23][0-9A-Z]{3}$/.test(code) || /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
}

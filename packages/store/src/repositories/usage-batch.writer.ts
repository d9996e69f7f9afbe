import type { MikroORM } from '@mikro-orm/core';
import type { EventRow } from '../entities';
import { isSqlite } from '../orm-config';

/** One batch of high-volume authentication records: events and last-used times. */
export interface UsageBatch {
  readonly events: readonly EventRow[];
  readonly accountsUsed: ReadonlyMap<string, Date>;
  readonly secretsUsed: ReadonlyMap<string, Date>;
}

interface KnexClientLike {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown> | unknown;
}

interface SqliteStatement {
  run(...params: unknown[]): unknown;
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
}
interface PgClient {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

const EVENT_COLUMNS = 'id, api, type, occurred_at, actor, source, subject, account_id, data, published_at';

/**
 * Writes usage batches (token issued, authentication failed, last-used times) in one transaction
 * with fixed, prepared statements on the driver itself. The ORM would build and prepare a new
 * statement of thousands of parameters for every batch (measured: a quarter of the CPU of token
 * issuance); these rows are append-only and need none of its unit of work.
 */
export class UsageBatchWriter {
  private readonly statements = new WeakMap<object, { event: SqliteStatement; account: SqliteStatement; secret: SqliteStatement; write: (batch: UsageBatch) => void }>();

  constructor(private readonly orm: MikroORM) {}

  async write(batch: UsageBatch): Promise<void> {
    if (batch.events.length === 0 && batch.accountsUsed.size === 0 && batch.secretsUsed.size === 0) return;
    const client = (this.orm.em.getConnection() as unknown as { getKnex(): { client: KnexClientLike } }).getKnex().client;
    const connection = await client.acquireConnection();
    try {
      if (isSqlite(this.orm)) this.writeSqlite(connection as SqliteDatabase, batch);
      else await this.writePostgres(connection as PgClient, batch);
    } finally {
      await client.releaseConnection(connection);
    }
  }

  private writeSqlite(db: SqliteDatabase, batch: UsageBatch): void {
    let prepared = this.statements.get(db);
    if (!prepared) {
      const event = db.prepare(`insert into event (${EVENT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      const account = db.prepare('update service_account set last_used_at = ? where id = ? and (last_used_at is null or last_used_at < ?)');
      const secret = db.prepare('update secret set last_used_at = ? where id = ? and (last_used_at is null or last_used_at < ?)');
      // Dates as milliseconds, JSON as text: how the ORM stores them on SQLite.
      const write = db.transaction((b: UsageBatch) => {
        for (const e of b.events) {
          event.run(e.id, e.api, e.type, e.occurredAt.getTime(), JSON.stringify(e.actor), JSON.stringify(e.source), JSON.stringify(e.subject), e.accountId, JSON.stringify(e.data), e.publishedAt?.getTime() ?? null);
        }
        for (const [id, at] of b.accountsUsed) account.run(at.getTime(), id, at.getTime());
        for (const [id, at] of b.secretsUsed) secret.run(at.getTime(), id, at.getTime());
      });
      prepared = { event, account, secret, write };
      this.statements.set(db, prepared);
    }
    prepared.write(batch);
  }

  private async writePostgres(client: PgClient, batch: UsageBatch): Promise<void> {
    const e = batch.events;
    await client.query('begin');
    try {
      if (e.length > 0) {
        // One statement and one JSON parameter for the whole batch: JSON.stringify runs in V8's
        // native code, where the driver would escape every element of ten arrays in JavaScript.
        // The table's own row type gives each field its column type.
        await client.query(
          `insert into event (${EVENT_COLUMNS})
           select ${EVENT_COLUMNS} from jsonb_populate_recordset(null::event, $1::jsonb)`,
          [
            JSON.stringify(
              e.map((r) => ({
                id: r.id,
                api: r.api,
                type: r.type,
                occurred_at: r.occurredAt,
                actor: r.actor,
                source: r.source,
                subject: r.subject,
                account_id: r.accountId,
                data: r.data,
                published_at: r.publishedAt,
              })),
            ),
          ],
        );
      }
      for (const [table, used] of [['service_account', batch.accountsUsed], ['secret', batch.secretsUsed]] as const) {
        if (used.size === 0) continue;
        await client.query(
          `update ${table} t set last_used_at = u.at from unnest($1::varchar[], $2::timestamptz[]) as u(id, at)
           where t.id = u.id and (t.last_used_at is null or t.last_used_at < u.at)`,
          [[...used.keys()], [...used.values()]],
        );
      }
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    }
  }
}

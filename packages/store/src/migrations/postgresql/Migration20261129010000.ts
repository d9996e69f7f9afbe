import { Migration } from '@mikro-orm/migrations';

/**
 * Identifiers sort and page by their bytes. Ids are time-ordered in base62 (`0-9A-Za-z`, in that
 * byte order), and lists (newest events first, accounts and secrets oldest first) and their
 * cursors rely on it. A database created with a linguistic collation (the `en_US.utf8` default of
 * the official PostgreSQL image, or ICU) orders `a` beside `A` instead, which interleaves times:
 * the first page of the audit trail could miss the newest events. These columns now use the "C"
 * collation whatever the database's default; their indexes are rebuilt, the rows stay as they are.
 */
const COLUMNS: ReadonlyArray<readonly [table: string, column: string, type: string]> = [
  ['api', 'slug', 'varchar(63)'],
  ['service_account', 'id', 'varchar(40)'],
  ['secret', 'id', 'varchar(40)'],
  ['event', 'id', 'varchar(40)'],
  ['document', 'id', 'varchar(40)'],
  ['signing_key', 'id', 'varchar(40)'],
  ['alert_channel', 'id', 'varchar(40)'],
  ['notification', 'id', 'varchar(40)'],
];

export class Migration20261129010000 extends Migration {

  override async up(): Promise<void> {
    for (const [table, column, type] of COLUMNS) this.addSql(`alter table "${table}" alter column "${column}" type ${type} collate "C";`);
  }

  override async down(): Promise<void> {
    for (const [table, column, type] of COLUMNS) this.addSql(`alter table "${table}" alter column "${column}" type ${type} collate "default";`);
  }

}

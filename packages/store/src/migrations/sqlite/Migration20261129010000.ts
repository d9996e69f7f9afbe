import { Migration } from '@mikro-orm/migrations';

/**
 * The PostgreSQL migration of this name gives identifiers the "C" collation (byte order). SQLite
 * already compares text by its bytes (BINARY) unless told otherwise: nothing to change. Kept so
 * that both dialects list the same migrations.
 */
export class Migration20261129010000 extends Migration {

  override async up(): Promise<void> {}

  override async down(): Promise<void> {}

}

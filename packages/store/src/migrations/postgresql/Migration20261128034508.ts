import { Migration } from '@mikro-orm/migrations';

export class Migration20261128034508 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "alert_channel" add column "previous_encrypted_secret" text null, add column "previous_secret_expires_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "alert_channel" drop column "previous_encrypted_secret", drop column "previous_secret_expires_at";`);
  }

}

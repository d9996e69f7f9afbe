import { Migration } from '@mikro-orm/migrations';

export class Migration20261128034508 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`alert_channel\` add column \`previous_encrypted_secret\` text null;`);
    this.addSql(`alter table \`alert_channel\` add column \`previous_secret_expires_at\` datetime null;`);
  }

}

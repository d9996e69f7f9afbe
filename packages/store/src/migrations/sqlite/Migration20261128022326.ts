import { Migration } from '@mikro-orm/migrations';

export class Migration20261128022326 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`alert_channel\` (\`id\` text not null, \`api\` text not null, \`kind\` text not null, \`target\` text not null, \`encrypted_secret\` text null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`alert_channel_api_index\` on \`alert_channel\` (\`api\`);`);

    this.addSql(`create table \`delivery\` (\`id\` text not null, \`notification_id\` text not null, \`channel_id\` text not null, \`api\` text not null, \`status\` text not null, \`attempts\` integer not null, \`last_error\` text null, \`next_attempt_at\` datetime not null, \`delivered_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`delivery_status_next_attempt_at_index\` on \`delivery\` (\`status\`, \`next_attempt_at\`);`);

    this.addSql(`create table \`notification\` (\`id\` text not null, \`api\` text not null, \`type\` text not null, \`subject_id\` text not null, \`dedupe_key\` text not null, \`payload\` json not null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`notification_subject_id_index\` on \`notification\` (\`subject_id\`);`);
    this.addSql(`create unique index \`notification_dedupe_key_unique\` on \`notification\` (\`dedupe_key\`);`);
  }

}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261128014020 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`api\` (\`slug\` text not null, \`token_lifetime_seconds\` integer not null, \`reminder_thresholds_days\` json not null, \`max_secret_lifetime_days\` integer null, \`allow_never_expires\` integer not null, \`max_secrets_per_account\` integer not null, \`unused_after_days\` integer not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`slug\`));`);

    this.addSql(`create table \`document\` (\`id\` text not null, \`api\` text not null, \`collection\` text not null, \`body\` json not null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`document_api_collection_id_index\` on \`document\` (\`api\`, \`collection\`, \`id\`);`);

    this.addSql(`create table \`event\` (\`id\` text not null, \`api\` text null, \`type\` text not null, \`occurred_at\` datetime not null, \`actor\` json not null, \`source\` json not null, \`subject\` json not null, \`account_id\` text null, \`data\` json not null, \`published_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`event_api_id_index\` on \`event\` (\`api\`, \`id\`);`);
    this.addSql(`create index \`event_api_account_id_id_index\` on \`event\` (\`api\`, \`account_id\`, \`id\`);`);
    this.addSql(`create index \`event_published_at_index\` on \`event\` (\`published_at\`);`);

    this.addSql(`create table \`revocation\` (\`id\` text not null, \`kind\` text not null, \`value\` text not null, \`api\` text not null, \`revoked_at\` datetime not null, \`expires_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`revocation_expires_at_index\` on \`revocation\` (\`expires_at\`);`);

    this.addSql(`create table \`secret\` (\`id\` text not null, \`account_id\` text not null, \`api\` text not null, \`hash\` text not null, \`hint\` text not null, \`description\` text not null, \`status\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`expires_at\` datetime null, \`disabled_at\` datetime null, \`last_used_at\` datetime null, \`disable_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`secret_account_id_index\` on \`secret\` (\`account_id\`);`);
    this.addSql(`create unique index \`secret_hash_unique\` on \`secret\` (\`hash\`);`);

    this.addSql(`create table \`service_account\` (\`id\` text not null, \`api\` text not null, \`client_id\` text not null, \`name\` text not null, \`description\` text not null, \`scopes\` json not null, \`status\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`last_used_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create unique index \`service_account_client_id_unique\` on \`service_account\` (\`client_id\`);`);
    this.addSql(`create index \`service_account_api_id_index\` on \`service_account\` (\`api\`, \`id\`);`);

    this.addSql(`create table \`signing_key\` (\`id\` text not null, \`alg\` text not null, \`public_jwk\` json not null, \`encrypted_private_key\` text not null, \`created_at\` datetime not null, \`retired_at\` datetime null, primary key (\`id\`));`);
  }

}
